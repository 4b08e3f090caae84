"""Attendance needs its session and its household in the writer's scope; pages show only what is in scope."""

import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.training.models import Attendance
from tests import factories as f


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


def create_session(phone, commune) -> uuid.UUID:
    session_id = uuid.uuid4()
    fields = {"commune_code": commune.code, "held_on": "2026-03-02", "topics": ["selling_online"]}
    [result] = phone.results([f.mutation("training_session", session_id, fields, phone.clock())])
    assert result["status"] == "applied", result
    return session_id


def attendance(session_id, household, clock, op="upsert") -> dict:
    fields = {"session_id": str(session_id), "household_id": str(household.id), "attendee_name": household.head_name}
    return f.mutation("attendance", uuid.uuid4(), fields, clock, op)


@pytest.mark.parametrize("where", ["commune2", "other_commune"], ids=["other-commune", "other-province"])
def test_attendance_of_a_household_out_of_scope_is_refused(client, tree, trainer, phone_for, where):
    phone = phone_for(trainer)
    session_id = create_session(phone, tree["commune"])
    outsider = f.household(tree[where], head_name="Người Ở Xa")
    neighbour = f.household(tree["commune"], head_name="Người Trong Xã")
    results = phone.results(
        [attendance(session_id, outsider, phone.clock()), attendance(session_id, neighbour, phone.clock())]
    )
    assert [(r["status"], r.get("code")) for r in results] == [("rejected", "out_of_scope"), ("applied", None)]
    assert results[0]["retryable"] is False
    db.session.remove()
    present = db.session.scalars(sa.select(Attendance.household_id).where(Attendance.session_id == session_id))
    assert set(present) == {neighbour.id}
    # A supervisor of the session's province only does not see the outsider's name on the session page.
    f.login(client, f.user("supervisor", [tree["province"]]))
    page = client.get(f"/records/sessions/{session_id}?lang=en").get_data(as_text=True)
    assert "Người Trong Xã" in page
    assert "Người Ở Xa" not in page


def test_a_session_page_does_not_name_households_outside_the_viewers_scope(client, tree):
    """Attendance written before the rule held: the page counts it but names only what the viewer may see."""
    outsider = f.household(tree["other_commune"], head_name="Người Cần Thơ")
    neighbour = f.household(tree["commune"], head_name="Người Trà Cú")
    training = f.training(tree["commune"], attendees=[outsider, neighbour])
    f.login(client, f.user("supervisor", [tree["province"]]))
    page = client.get(f"/records/sessions/{training.id}?lang=en").get_data(as_text=True)
    assert "Người Trà Cú" in page and "Người Cần Thơ" not in page and str(outsider.id) not in page
    assert "1 household from outside your area" in page


def test_accounts_and_consents_of_a_household_out_of_scope_are_refused(tree, trainer, phone_for):
    phone = phone_for(trainer)
    outsider = f.household(tree["other_commune"])
    account = {"household_id": str(outsider.id), "platform": "postmart", "status": "opened"}
    results = phone.results(
        [
            f.mutation("marketplace_account", uuid.uuid4(), account, phone.clock()),
            f.consent_mutation(outsider.id, "contact", True, phone.clock()),
        ]
    )
    assert [r.get("code") for r in results] == ["out_of_scope", "out_of_scope"]
