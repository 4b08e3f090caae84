"""Registering a household from a session starts in the session's commune and hamlet."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.auth.models import User
from server.extensions import db
from server.places.models import Place
from tests.e2e.phone_app import go, sign_in

pytestmark = pytest.mark.e2e


def _give_trainer_a_second_commune(code: str):
    trainer = db.session.scalar(sa.select(User).where(User.username == "trang"))
    trainer.places.append(db.session.get(Place, code))
    db.session.commit()


def test_register_from_a_session_defaults_to_the_sessions_commune_and_hamlet(phone, live_server):
    # Xã Tập Sơn comes first by name: a form that ignores the session would preselect it.
    live_server.query(lambda: _give_trainer_a_second_commune(live_server.places["commune2"].code))
    page = phone.new_page()
    sign_in(page)
    go(page, "/sessions/new")
    page.get_by_label("Digital skills").check()
    page.get_by_label("Commune").select_option(label="Xã Trà Cú")
    page.get_by_label("Hamlet").select_option(label="Phum Sóc Chuối")
    page.get_by_role("button", name="Create session").click()
    page.get_by_role("link", name="Register a new household").click()

    commune = page.get_by_label("Commune")
    expect(commune.locator("option")).to_have_count(2)
    expect(commune).to_have_value(live_server.places["commune"].code)
    expect(page.get_by_label("Hamlet")).to_have_value(live_server.places["hamlet"].code)
