"""A commune given to the trainer later brings its existing households to the phone at the next
sync, without pulling the other communes again; a commune taken away leaves the phone."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from server.auth.models import User
from server.extensions import db
from server.places.models import Place
from tests import factories
from tests.e2e.phone_app import SYNC_IDLE, TIMEOUT, go, sign_in, sync, wait_until

pytestmark = pytest.mark.e2e


def _set_communes(live_server, *communes):
    def change():
        trainer = db.session.get(User, live_server.trainer.id)
        trainer.places = [db.session.get(Place, commune.code) for commune in communes]
        db.session.commit()

    live_server.query(change)


def _search(page, words):
    go(page, "/households")
    page.get_by_label("Search households").fill(words)
    return page.get_by_test_id("household-results")


def test_households_of_a_new_commune_arrive_at_the_next_sync(phone, live_server):
    tra_cu, tap_son = live_server.places["commune"], live_server.places["commune2"]
    # Recorded before the phone's first sync, so older than the cursor the phone keeps.
    live_server.query(lambda: factories.household(tap_son, live_server.places["hamlet2"], head_name="Trần Văn Tập"))
    page = phone.new_page()
    sign_in(page)
    # Let the syncs that follow sign-in finish, so the next one surely starts after the change below.
    wait_until(page, SYNC_IDLE)
    pulls = []
    page.on("request", lambda request: "/api/v1/sync/pull" in request.url and pulls.append(request.url))

    _set_communes(live_server, tra_cu, tap_son)
    sync(page)
    expect(_search(page, "van tap")).to_contain_text("Trần Văn Tập", timeout=TIMEOUT)
    # Only Tập Sơn's records were asked for from the start; the phone's own cursor went on.
    from_start = [parse_qs(urlsplit(url).query) for url in pulls if "cursor=0&" in url]
    assert [(query["cursor"], query.get("communes")) for query in from_start] == [(["0"], [tap_son.code])]


def test_households_of_a_commune_taken_away_leave_the_phone(phone, live_server):
    tra_cu, tap_son = live_server.places["commune"], live_server.places["commune2"]
    live_server.query(lambda: factories.household(tap_son, live_server.places["hamlet2"], head_name="Trần Văn Tập"))
    _set_communes(live_server, tra_cu, tap_son)
    page = phone.new_page()
    sign_in(page)
    wait_until(page, SYNC_IDLE)
    expect(_search(page, "van tap")).to_contain_text("Trần Văn Tập", timeout=TIMEOUT)

    _set_communes(live_server, tra_cu)
    sync(page)
    results = _search(page, "van tap")
    expect(page.get_by_text("0 households")).to_be_visible(timeout=TIMEOUT)
    expect(results).to_be_empty()
    expect(_search(page, "Ánh")).to_contain_text("Nguyễn Văn Ánh")  # Trà Cú stays


def test_a_session_of_a_commune_taken_away_leaves_the_phone_with_its_attendance(phone, live_server):
    tra_cu, tap_son = live_server.places["commune"], live_server.places["commune2"]

    def make():
        tap = factories.household(tap_son, live_server.places["hamlet2"], head_name="Trần Văn Tập")
        return str(factories.training(tap_son, attendees=[tap, db.session.merge(live_server.households[0])]).id)

    session_id = live_server.query(make)
    _set_communes(live_server, tra_cu, tap_son)
    page = phone.new_page()
    sign_in(page)
    wait_until(page, SYNC_IDLE)
    go(page, f"/sessions/{session_id}")
    expect(page.get_by_role("heading", name="Present: 2")).to_be_visible(timeout=TIMEOUT)

    _set_communes(live_server, tra_cu)
    sync(page)
    go(page, f"/sessions/{session_id}")
    expect(page.get_by_role("heading", name="This session is not on this phone.")).to_be_visible(timeout=TIMEOUT)
    left = page.evaluate(
        """(id) => import("/app/js/features/training/attendance.js")
             .then(({ attendanceOf }) => attendanceOf(id)).then((rows) => rows.length)""",
        session_id,
    )
    assert left == 0  # Ánh of Trà Cú came too: her check-in went with the session's commune
