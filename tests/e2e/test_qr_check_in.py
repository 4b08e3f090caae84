"""Checking a household in by scanning the QR code of its address label with the camera."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.extensions import db
from server.pwa import JSQR_FILE
from server.training.models import Attendance
from tests.e2e.camera import qr_video
from tests.e2e.conftest import PHONE, launch
from tests.e2e.phone_app import TIMEOUT, create_session, sign_in, sync

pytestmark = pytest.mark.e2e


def test_scanning_a_label_checks_the_household_in(playwright_driver, live_server, tmp_path):
    if not JSQR_FILE.exists():
        pytest.fail("jsQR is not installed: run `npm ci` (Debian's Chromium has no BarcodeDetector)")
    household = live_server.households[1]
    video = qr_video(f"https://lensan.example/a/{household.id}", tmp_path)
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
    methods = live_server.query(lambda: db.session.scalars(sa.select(Attendance.method)).all())
    assert methods == ["qr"]
