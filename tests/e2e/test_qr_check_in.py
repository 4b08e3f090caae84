"""Checking a household in by scanning, with the camera, the QR code of a label the server printed."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.auth.models import User
from server.extensions import db
from server.pwa import JSQR_FILE
from server.training.models import Attendance
from tests import factories
from tests.e2e.camera import label_video
from tests.e2e.conftest import PHONE, launch
from tests.e2e.phone_app import TIMEOUT, create_session, sign_in, sync

pytestmark = pytest.mark.e2e


def _printed_label(live_server, household) -> bytes:
    """The household's address label as the server prints it for a 203 dpi thermal printer."""

    def fetch():
        _, raw = factories.device(db.session.get(User, live_server.trainer.id), "Label printer")
        response = live_server.app.test_client().get(
            f"/api/v1/labels/households/{household.id}.png?layout=thermal-50x30", headers=factories.bearer(raw)
        )
        assert response.status_code == 200 and response.mimetype == "image/png"
        return response.get_data()

    return live_server.query(fetch)


def test_scanning_a_printed_label_checks_the_household_in(playwright_driver, live_server, tmp_path):
    if not JSQR_FILE.exists():
        pytest.fail("jsQR is not installed: run `npm ci` (Debian's Chromium has no BarcodeDetector)")
    household = live_server.households[1]
    video = label_video(_printed_label(live_server, household), tmp_path)
    camera = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = launch(playwright_driver, camera)
    try:
        context = browser.new_context(viewport=PHONE, base_url=live_server.url, permissions=["camera"])
        context.set_default_timeout(10000)
        page = context.new_page()
        sign_in(page)
        create_session(page)
        page.get_by_role("button", name="Scan a label's QR code").click()
        expect(page.get_by_test_id("roster")).to_contain_text(household.head_name, timeout=TIMEOUT)
        expect(page.locator("video")).to_have_count(0)  # the camera is closed once the label is read
        sync(page)
    finally:
        browser.close()
    checked_in = live_server.query(
        lambda: db.session.execute(sa.select(Attendance.household_id, Attendance.method)).all()
    )
    assert [tuple(row) for row in checked_in] == [(household.id, "qr")]
