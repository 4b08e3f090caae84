"""Pulled attendance names its household by the household's short ref (refs=1): the phone finds
the household by it, also when the household comes only later, with a commune given since."""

import json
from datetime import date

import pytest
from playwright.sync_api import expect

from server.auth.models import User
from server.extensions import db
from server.places.models import Place
from server.training.models import Attendance, TrainingSession
from tests import factories
from tests.e2e.phone_app import SYNC_IDLE, TIMEOUT, go, sign_in, sync, wait_until

pytestmark = pytest.mark.e2e


def _session_attended_by(live_server, commune, households):
    """A session recorded on the server, attended by `households` (no name typed at check-in)."""

    def make():
        session = TrainingSession(commune_code=commune.code, held_on=date.today(), topics=["digital_skills"])
        db.session.add(session)
        db.session.flush()
        for household in households:
            db.session.add(Attendance(session_id=session.id, household_id=household.id))
        db.session.commit()
        return str(session.id)

    return live_server.query(make)


def _roster(page, session_id):
    go(page, f"/sessions/{session_id}")
    return page.get_by_test_id("roster").get_by_role("listitem")


def test_a_first_sync_finds_each_attendees_household_by_its_ref(phone, live_server):
    anh, dao = live_server.households[0], live_server.households[2]
    session_id = _session_attended_by(live_server, live_server.places["commune"], [anh, dao])
    page = phone.new_page()
    pulls = []
    page.on("request", lambda request: "/api/v1/sync/pull" in request.url and pulls.append(request.url))
    sign_in(page)
    wait_until(page, SYNC_IDLE)
    assert pulls and all("refs=1" in url for url in pulls)
    roster = _roster(page, session_id)
    expect(roster.filter(has_text="Nguyễn Văn Ánh").get_by_test_id("smartphone-state")).to_contain_text(
        "Smartphone: not known", timeout=TIMEOUT
    )
    expect(roster.filter(has_text="Lê Thị Đào").get_by_test_id("smartphone-state")).to_have_text("Smartphone: yes")


def test_attendance_whose_household_comes_with_a_new_commune_waits_for_it(phone, live_server):
    tra_cu, tap_son = live_server.places["commune"], live_server.places["commune2"]

    # Recorded before the phone's first sync, in a commune the trainer does not work in yet.
    def make_tap():
        household = factories.household(tap_son, head_name="Trần Văn Tập", smartphone="yes")
        return household, household.ref

    tap, tap_ref = live_server.query(make_tap)
    page = phone.new_page()
    sign_in(page)
    wait_until(page, SYNC_IDLE)

    def give_tap_son():
        trainer = db.session.get(User, live_server.trainer.id)
        trainer.places = [db.session.get(Place, tra_cu.code), db.session.get(Place, tap_son.code)]
        db.session.commit()

    live_server.query(give_tap_son)
    # Trần Văn Tập comes to a session of Trà Cú: the phone's own pull brings the attendance, by
    # ref, before the catch-up of Tập Sơn brings the household.
    session_id = _session_attended_by(live_server, tra_cu, [tap])
    own_pages = []
    page.on(
        "response",
        lambda response: "/api/v1/sync/pull" in response.url
        and "communes=" not in response.url
        and own_pages.append(response),
    )
    sync(page)
    blocks = [json.loads(response.body())["records"].get("attendance") for response in own_pages]
    sent = [dict(zip(block["columns"], row, strict=True)) for block in blocks if block for row in block["rows"]]
    assert [(row["household_ref"], row["household_id"]) for row in sent] == [(tap_ref, None)]
    expect(_roster(page, session_id).filter(has_text="Trần Văn Tập").get_by_test_id("smartphone-state")).to_have_text(
        "Smartphone: yes", timeout=TIMEOUT
    )
