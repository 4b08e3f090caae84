"""A phone updated from the first version of the local database keeps its attendance, sent or not."""

import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.extensions import db
from server.training.models import Attendance
from tests.e2e.phone_app import (
    SYNC_IDLE,
    TIMEOUT,
    go,
    old_phone_data,
    old_phone_made,
    open_old_database,
    queued_attendance,
    wait_until,
)

pytestmark = pytest.mark.e2e

# The stores as the first version of pwa/js/db.js made them.
VERSION_1 = """
    const owned = ["consent", "marketplace_account", "payment_account", "attendance"];
    for (const entity of ["household", "training_session", ...owned]) {
      const store = db.createObjectStore(entity, { keyPath: "id" });
      if (owned.includes(entity)) store.createIndex("household_id", "household_id");
      if (entity === "attendance") store.createIndex("session_id", "session_id");
      if (entity === "training_session") store.createIndex("held_on", "held_on");
    }
    const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
    outbox.createIndex("record_id", "record_id");
    outbox.createIndex("state", "state");
    db.createObjectStore("meta", { keyPath: "key" });
"""


def _phone_data(live_server) -> dict:
    """What a phone had before the update: a pulled session and check-in, and one check-in still queued."""
    anh, phi = live_server.households[0], live_server.households[1]
    made = old_phone_made(
        live_server, [phi], lambda _session: {"pulled_id": str(db.session.scalars(sa.select(Attendance.id)).one())}
    )
    queued_id = str(uuid.uuid4())
    fields = {
        "session_id": made["session_id"],
        "household_id": str(anh.id),
        "attendee_name": anh.head_name,
        "method": "qr",
    }
    record = {"version": made["version"], "deleted": False}
    return old_phone_data(
        made,
        households=[{**record, "id": str(h.id), "head_name": h.head_name, "commune_code": "29461"} for h in (anh, phi)],
        attendance=[
            {
                **record,
                "id": made["pulled_id"],
                "session_id": made["session_id"],
                "household_id": str(phi.id),
                "attendee_name": phi.head_name,
                "method": "search",
            },
            {**record, "version": 0, "id": queued_id, **fields},
        ],
        outbox=[queued_attendance(made, 0, "upsert", queued_id, fields)],
    )


def test_attendance_on_a_phone_from_the_first_version_is_kept_and_sent(phone, live_server):
    data = _phone_data(live_server)
    page = phone.new_page()
    page.goto("/healthz")  # the app's origin, without the app
    open_old_database(page, 1, VERSION_1, data)
    page.goto("/app/")
    expect(page.get_by_test_id("last-sync")).not_to_have_text("never", timeout=TIMEOUT)
    wait_until(page, SYNC_IDLE)
    expect(page.get_by_test_id("pending-count")).to_have_text("0")
    go(page, f"/sessions/{data['session']['id']}")
    expect(page.get_by_role("heading", name="Present: 2")).to_be_visible(timeout=TIMEOUT)
    on_server = live_server.query(lambda: {(str(a.id), a.method) for a in db.session.scalars(sa.select(Attendance))})
    assert on_server == {(data["attendance"][0]["id"], "search"), (data["attendance"][1]["id"], "qr")}
