"""The phone keeps a session's attendance as one record: pulls that send a row again or delete
one row of a session, and a phone that held attendance one record per row before it updated."""

import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.extensions import db
from server.households.models import Household
from server.models_base import utcnow
from server.training.models import Attendance
from tests import factories
from tests.e2e.phone_app import (
    SYNC_IDLE,
    TIMEOUT,
    check_in_by_search,
    create_session,
    go,
    old_phone_data,
    old_phone_made,
    open_household,
    open_old_database,
    queued_attendance,
    sign_in,
    sync,
    wait_until,
)

pytestmark = pytest.mark.e2e


def _session_attended_by(live_server, households):
    """A session of the trainer's commune recorded on the server, attended by `households`."""
    commune = live_server.places["commune"]
    return live_server.query(
        lambda: str(factories.training(commune, attendees=[db.session.merge(h) for h in households]).id)
    )


def _roster(page, session_id):
    go(page, f"/sessions/{session_id}")
    return page.get_by_test_id("roster")


def _session_list_count(page):
    go(page, "/sessions")
    return page.get_by_role("link").filter(has_text="present")


def test_a_pull_that_sends_a_stored_row_again_keeps_one_check_in(phone, live_server):
    anh, dao = live_server.households[0], live_server.households[2]
    session_id = _session_attended_by(live_server, [anh, dao])
    page = phone.new_page()
    sign_in(page)
    expect(_roster(page, session_id).get_by_role("listitem")).to_have_count(2, timeout=TIMEOUT)

    # Checked in again on the server (the same household, by QR now): the row comes with a new version.
    def checked_in_again():
        db.session.scalars(sa.select(Attendance).where(Attendance.household_id == anh.id)).one().method = "qr"
        db.session.commit()

    live_server.query(checked_in_again)
    sync(page)
    # And every row once more, as after a discarded change (the pull starts again from 0).
    page.evaluate("import('/app/js/db.js').then(({ setMeta }) => setMeta('cursor', 0))")
    sync(page)
    expect(_roster(page, session_id).get_by_role("listitem")).to_have_count(2, timeout=TIMEOUT)
    expect(page.get_by_role("heading", name="Present: 2")).to_be_visible()
    expect(_session_list_count(page)).to_contain_text("2 present")


def test_a_check_in_deleted_on_the_server_leaves_the_rest_of_the_session(phone, live_server):
    anh, phi, dao = live_server.households[:3]
    session_id = _session_attended_by(live_server, [anh, dao])
    page = phone.new_page()
    sign_in(page)
    expect(_roster(page, session_id).get_by_role("listitem")).to_have_count(2, timeout=TIMEOUT)
    # The phone checks Phi in; the supervisor removes Đào's check-in on the server.
    page.get_by_label("Find a household to check in").fill("phi")
    page.get_by_test_id("check-in-results").get_by_role("button", name="Check in").click()
    expect(page.get_by_role("heading", name="Present: 3")).to_be_visible(timeout=TIMEOUT)

    def remove_dao():
        row = db.session.scalars(sa.select(Attendance).where(Attendance.household_id == dao.id)).one()
        row.deleted_at = utcnow()
        db.session.commit()

    live_server.query(remove_dao)
    sync(page)
    roster = _roster(page, session_id)
    expect(roster.get_by_role("listitem")).to_have_count(2, timeout=TIMEOUT)
    expect(roster).to_contain_text("Nguyễn Văn Ánh")
    expect(roster).to_contain_text("Thạch Sô Phi")
    expect(roster).not_to_contain_text("Lê Thị Đào")
    expect(_session_list_count(page)).to_contain_text("2 present")
    on_server = live_server.query(
        lambda: {
            str(a.household_id)
            for a in db.session.scalars(sa.select(Attendance).where(Attendance.deleted_at.is_(None)))
        }
    )
    assert on_server == {str(anh.id), str(phi.id)}


# The stores as version 4 of pwa/js/db.js made them: attendance one record per row, keyed by its pair.
VERSION_4 = """
    const owned = ["consent", "marketplace_account", "payment_account"];
    for (const entity of ["household", "training_session", "bulletin", "bulletin_told", ...owned]) {
      const store = db.createObjectStore(entity, { keyPath: "id" });
      if (owned.includes(entity)) store.createIndex("household_id", "household_id");
      if (entity === "training_session") store.createIndex("held_on", "held_on");
      if (entity === "household") store.createIndex("ref", "ref");
      if (entity === "bulletin_told") store.createIndex("session_id", "session_id");
    }
    const attendance = db.createObjectStore("attendance", { keyPath: ["session_id", "household_id"] });
    for (const name of ["household_id", "session_id", "id"]) attendance.createIndex(name, name);
    const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
    outbox.createIndex("record_id", "record_id");
    outbox.createIndex("state", "state");
    db.createObjectStore("meta", { keyPath: "key" });
"""


def _phone_data_version_4(live_server) -> dict:
    """What a phone had: a session whose check-ins of Phi and Đào it pulled, Ánh checked in and
    Đào's check-in undone there, both not sent yet."""
    anh, phi, dao = live_server.households[:3]
    made = old_phone_made(
        live_server,
        [phi, dao],
        lambda _session: {"refs": {str(h.id): h.ref for h in db.session.scalars(sa.select(Household))}},
    )
    version, session_id = made["version"], made["session_id"]
    record = {"version": version, "deleted": False}
    pulled = {"attendee_name": None, "method": None}
    anh_id, dao_id = str(uuid.uuid4()), str(uuid.uuid4())
    checked_in = {"session_id": session_id, "household_id": str(anh.id), "attendee_name": anh.head_name, "method": "qr"}
    undone = {"session_id": session_id, "household_id": str(dao.id)}
    return old_phone_data(
        made,
        households=[
            {
                **record,
                "id": str(h.id),
                "ref": made["refs"][str(h.id)],
                "head_name": h.head_name,
                "commune_code": "29461",
            }
            for h in (anh, phi, dao)
        ],
        attendance=[
            {**record, **pulled, "session_id": session_id, "household_id": str(phi.id)},
            {**record, **pulled, "id": dao_id, **undone, "deleted": True},
            {**record, "version": 0, "id": anh_id, **checked_in},
        ],
        outbox=[
            queued_attendance(made, 1, "upsert", anh_id, checked_in),
            queued_attendance(made, 2, "delete", dao_id, undone, base_version=version),
        ],
        refs=True,
    )


def test_a_phone_that_kept_one_record_per_check_in_keeps_its_roster_and_unsent_changes(phone, live_server):
    anh, phi, dao = live_server.households[:3]
    data = _phone_data_version_4(live_server)
    session_id = data["session"]["id"]
    page = phone.new_page()
    page.goto("/healthz")  # the app's origin, without the app
    open_old_database(page, 4, VERSION_4, data)
    # The updated app opens while the server cannot be reached: what it shows comes from the phone.
    page.route("**/api/v1/sync/**", lambda route: route.abort())
    page.goto("/app/")
    expect(page.get_by_test_id("pending-count")).to_have_text("2", timeout=TIMEOUT)
    roster = _roster(page, session_id)
    expect(page.get_by_role("heading", name="Present: 2")).to_be_visible(timeout=TIMEOUT)
    expect(roster).to_contain_text("Nguyễn Văn Ánh")
    expect(roster).to_contain_text("Thạch Sô Phi")
    expect(_session_list_count(page)).to_contain_text("2 present")

    page.unroute("**/api/v1/sync/**")
    sync(page)
    wait_until(page, SYNC_IDLE)
    on_server = live_server.query(
        lambda: {(str(a.household_id), a.deleted_at is None) for a in db.session.scalars(sa.select(Attendance))}
    )
    assert on_server == {(str(anh.id), True), (str(phi.id), True), (str(dao.id), False)}
    roster = _roster(page, session_id)
    expect(roster.get_by_role("listitem")).to_have_count(2, timeout=TIMEOUT)
    expect(roster).not_to_contain_text("Lê Thị Đào")


def test_a_households_screen_lists_the_sessions_it_came_to(phone, live_server):
    anh = live_server.households[0]
    pulled = _session_attended_by(live_server, [anh])
    page = phone.new_page()
    sign_in(page)
    open_household(page, "anh", "Nguyễn Văn Ánh")
    sessions = page.get_by_test_id("sessions-attended").get_by_role("link")
    expect(sessions).to_have_count(1, timeout=TIMEOUT)
    expect(sessions).to_have_attribute("href", f"#/sessions/{pulled}")
    # Checked in offline at a new session: the household's screen shows it at once.
    phone.set_offline(True)
    create_session(page)
    check_in_by_search(page, "anh", "Nguyễn Văn Ánh")
    open_household(page, "anh", "Nguyễn Văn Ánh")
    expect(sessions).to_have_count(2, timeout=TIMEOUT)
    open_household(page, "dao", "Lê Thị Đào")
    expect(page.get_by_test_id("sessions-attended")).to_contain_text("None recorded.")
