"""An admin's password reset signs the trainer's phone out: it asks to sign in again and keeps
what it has not sent, which leaves once the trainer signs in with the new password."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.auth import operations
from server.auth.models import User
from server.extensions import db
from server.training.models import TrainingSession
from tests.e2e.phone_app import TIMEOUT, create_session, sign_in, sync

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "một mật khẩu mới dài"


def _reset_password():
    operations.reset_password(db.session.scalar(sa.select(User).where(User.username == "trang")), NEW_PASSWORD)
    db.session.commit()


def test_a_password_reset_asks_the_phone_to_sign_in_and_keeps_its_unsent_changes(phone, live_server):
    page = phone.new_page()
    sign_in(page)
    phone.set_offline(True)
    create_session(page)
    live_server.query(_reset_password)
    phone.set_offline(False)  # the network is back: the phone syncs by itself
    expect(
        page.get_by_text("Please sign in again to keep syncing. Your unsent changes stay on this phone.")
    ).to_be_visible(timeout=TIMEOUT)
    assert live_server.query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession))) == 0
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0, timeout=TIMEOUT)
    sync(page)
    assert live_server.query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession))) == 1
