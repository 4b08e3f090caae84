"""Pulls with refs=1: attendance names its household by the household's short ref where the phone
holds that household by the end of the page, and by its UUID where it cannot (docs/sync.md)."""

import uuid

import pytest

from server.extensions import db
from server.households.models import Household
from server.training.models import Attendance
from tests import factories as f
from tests.sync.conftest import changes_of


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


def pages(phone, limit=500, **params) -> list[dict]:
    """Every page of a pull from cursor 0."""
    cursor, out = 0, []
    while True:
        page = phone.pull(cursor=cursor, limit=limit, **params)
        out.append(page)
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return out


def attendance_of(page) -> list[dict]:
    return [c["fields"] for c in changes_of(page) if c["entity"] == "attendance" and "reason" not in c]


def replay(pulled: list[dict]) -> set[tuple[str, str]]:
    """The (session, household UUID) pairs a phone ends up with, reading refs as the pages go by:
    a ref must name a household of this page or an earlier one."""
    by_ref, pairs = {}, set()
    for page in pulled:
        for change in changes_of(page):
            if change["entity"] == "household" and not change["deleted"]:
                by_ref[change["fields"]["ref"]] = change["id"]
        for row in attendance_of(page):
            if row["household_ref"] is None:
                pairs.add((row["session_id"], row["household_id"]))
            else:
                assert row["household_id"] is None
                pairs.add((row["session_id"], by_ref[row["household_ref"]]))
    return pairs


def test_attendance_names_its_household_by_ref_and_old_phones_still_get_uuids(tree, trainer, phone_for):
    homes = [f.household(tree["commune"]) for _ in range(5)]
    sessions = [f.training(tree["commune"], attendees=homes) for _ in range(3)]
    phone = phone_for(trainer)
    new_form, old_form = pages(phone, limit=7, refs=1), pages(phone, limit=7)
    expected = {(str(s.id), str(h.id)) for s in sessions for h in homes}
    assert replay(new_form) == expected
    rows = [row for page in new_form for row in attendance_of(page)]
    assert len(rows) == 15 and all(row["household_ref"] is not None for row in rows)
    # A phone that does not ask gets the form it knows: UUIDs, no ref column.
    old_rows = [row for page in old_form for row in attendance_of(page)]
    assert {(r["session_id"], r["household_id"]) for r in old_rows} == expected
    assert all("household_ref" not in r for r in old_rows)
    assert all("ref" not in page["records"].get("household", {"columns": []})["columns"] for page in old_form)


def test_a_household_keeps_its_ref_through_edits_and_each_has_its_own(tree, trainer, phone_for):
    homes = [f.household(tree["commune"]) for _ in range(3)]
    refs = [h.ref for h in homes]
    assert None not in refs and len(set(refs)) == 3
    writer = phone_for(f.user("trainer", [tree["commune"]]), "writer")
    [result] = writer.results([f.mutation("household", homes[0].id, {"phone": "0912345678"}, writer.clock())])
    assert result["status"] == "applied"
    db.session.expire_all()
    edited = db.session.get(Household, homes[0].id)
    assert edited.version > refs[0] and edited.ref == refs[0]
    pulled = {
        c["id"]: c["fields"]["ref"]
        for page in pages(phone_for(trainer), refs=1)
        for c in changes_of(page)
        if c["entity"] == "household"
    }
    assert pulled == {str(h.id): ref for h, ref in zip(homes, refs, strict=True)}


def test_a_pushed_new_household_gets_a_ref(tree, trainer, phone_for):
    phone = phone_for(trainer)
    record_id = uuid.uuid4()
    fields = {"head_name": "Thạch Sóc", "commune_code": tree["commune"].code}
    [result] = phone.results([f.mutation("household", record_id, fields, phone.clock())])
    stored = db.session.get(Household, record_id)
    assert stored.ref == result["version"]


def test_attendance_before_its_household_carries_the_uuid(tree, trainer, phone_for):
    """The household was edited after its attendance was recorded: it comes on a later page."""
    early = f.household(tree["commune"])
    session = f.training(tree["commune"], attendees=[early])
    early.phone = "0987654321"  # a new version, above the attendance's
    db.session.commit()
    pulled = pages(phone_for(trainer), limit=2, refs=1)
    first_with_attendance = next(page for page in pulled if attendance_of(page))
    [row] = attendance_of(first_with_attendance)
    assert "household" not in first_with_attendance["records"]
    assert row["household_ref"] is None and row["household_id"] == str(early.id)
    assert replay(pulled) == {(str(session.id), str(early.id))}


def test_attendance_and_its_household_on_one_page_use_the_ref(tree, trainer, phone_for):
    home = f.household(tree["commune"])
    f.training(tree["commune"], attendees=[home])
    home.phone = "0987654321"
    db.session.commit()
    [page] = pages(phone_for(trainer), limit=500, refs=1)
    [row] = attendance_of(page)
    assert row["household_ref"] == home.ref and row["household_id"] is None


def test_attendance_of_a_household_outside_the_communes_carries_the_uuid(tree, trainer, phone_for):
    """Attendance follows the session's commune: a household that moved away is not on the phone."""
    home, moved = f.household(tree["commune"]), f.household(tree["commune"])
    session = f.training(tree["commune"], attendees=[home, moved])
    moved.commune_code = tree["commune2"].code
    db.session.commit()
    pulled = pages(phone_for(trainer), limit=500, refs=1)
    rows = {r["household_id"] or r["household_ref"]: r for page in pulled for r in attendance_of(page)}
    assert rows[str(moved.id)]["household_ref"] is None
    assert rows[home.ref]["household_id"] is None
    assert replay(pulled) == {(str(session.id), str(home.id)), (str(session.id), str(moved.id))}


def test_attendance_of_a_deleted_household_carries_the_uuid(tree, trainer, phone_for):
    """The phone drops a deleted household, and its ref with it."""
    gone = f.household(tree["commune"])
    session = f.training(tree["commune"], attendees=[gone])
    phone = phone_for(trainer)
    phone.pull_all()
    writer = phone_for(f.user("trainer", [tree["commune"]]), "writer")
    [result] = writer.results([f.mutation("household", gone.id, {}, writer.clock(), op="delete")])
    assert result["status"] == "applied", result
    row = db.session.query(Attendance).filter_by(session_id=session.id).one()
    row.attendee_name = "Người khác"  # its attendance changes after the delete
    db.session.commit()
    rows = [r for page in pages(phone, limit=500, refs=1) for r in attendance_of(page)]
    assert rows and all(r["household_ref"] is None and r["household_id"] == str(gone.id) for r in rows)


def test_a_catch_up_of_new_communes_names_households_outside_them_by_uuid(tree, phone_for):
    """communes= pulls only those communes' records: a household of another commune is not in it."""
    trainer = f.user("trainer", [tree["commune"], tree["commune2"]])
    old_home, new_home = f.household(tree["commune"]), f.household(tree["commune2"])
    session = f.training(tree["commune2"], attendees=[old_home, new_home])
    pulled = pages(phone_for(trainer), limit=500, refs=1, communes=tree["commune2"].code)
    rows = {r["household_id"] or r["household_ref"]: r for page in pulled for r in attendance_of(page)}
    assert set(rows) == {str(old_home.id), new_home.ref}
    assert replay(pulled) == {(str(session.id), str(old_home.id)), (str(session.id), str(new_home.id))}


def test_an_admin_pull_by_ref(tree, phone_for):
    home = f.household(tree["other_commune"])
    session = f.training(tree["commune"], attendees=[home])
    pulled = pages(phone_for(f.user("admin")), limit=500, refs=1)
    assert replay(pulled) == {(str(session.id), str(home.id))}
    assert [r["household_ref"] for page in pulled for r in attendance_of(page)] == [home.ref]
