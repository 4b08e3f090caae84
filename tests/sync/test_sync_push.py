import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.households.models import Household
from server.models_base import current_version
from server.mutations.models import Mutation
from server.training.models import Attendance
from tests import factories as f


def household_fields(commune, **extra):
    return {"head_name": "Thạch Sóc", "commune_code": commune.code, **extra}


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


def count(model, *where) -> int:
    db.session.remove()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def logged_households() -> int:
    """Mutation log entries of households (a registration also logs the household's consent)."""
    return count(Mutation, Mutation.entity == "household")


def fresh(model, record_id):
    db.session.remove()
    return db.session.get(model, record_id)


def test_replayed_batch_changes_nothing_and_returns_the_first_results(tree, trainer, phone_for):
    phone = phone_for(trainer)
    batch = [
        f.mutation("household", uuid.uuid4(), household_fields(tree["commune"]), phone.clock()),
        f.mutation("household", uuid.uuid4(), {"head_name": "No commune"}, phone.clock()),
    ]
    first = phone.results(batch)
    version_after_first = current_version(db.session)
    again = phone.results(batch)
    assert [r["status"] for r in first] == ["applied", "rejected"]
    assert [r["status"] for r in again] == ["duplicate", "rejected"]  # retryable rejections are tried again
    assert again[0]["original_status"] == "applied"
    # The first reply again, whole (the phone finds its mutation by the id), but for its status.
    assert {k: v for k, v in again[0].items() if k not in ("status", "original_status")} == {
        k: v for k, v in first[0].items() if k != "status"
    }
    assert current_version(db.session) == version_after_first
    assert count(Household) == 1
    assert logged_households() == 2


def test_lost_reply_retry_returns_the_committed_outcome(tree, trainer, phone_for):
    """The server committed but the phone never heard back: it sends the same batch again."""
    phone = phone_for(trainer)
    record_id = uuid.uuid4()
    create = f.mutation("household", record_id, household_fields(tree["commune"]), phone.clock())
    phone.push([create])  # reply lost
    edit = f.mutation("household", record_id, {"phone": "0912 000 111"}, phone.clock())
    results = phone.results([create, edit])
    assert [r["status"] for r in results] == ["duplicate", "applied"]
    assert fresh(Household, record_id).phone == "0912000111"
    assert logged_households() == 2


def test_reordered_delivery_is_retried_and_ends_like_in_order(tree, trainer, phone_for):
    phone = phone_for(trainer)
    record_id = uuid.uuid4()
    create = f.mutation("household", record_id, household_fields(tree["commune"], smartphone="no"), phone.clock())
    edit = f.mutation("household", record_id, {"smartphone": "yes"}, phone.clock())
    [early] = phone.results([edit])
    assert early["status"] == "rejected" and early["code"] == "incomplete" and early["retryable"] is True
    assert early["message"]
    results = phone.results([create, edit])
    assert [r["status"] for r in results] == ["applied", "applied"]
    household = fresh(Household, record_id)
    assert household.smartphone == "yes"
    assert household.smartphone_since is not None
    # The older create does not undo the newer edit when it is delivered again under a new id.
    replay = dict(create, mutation_id=str(uuid.uuid4()))
    phone.results([replay])
    assert fresh(Household, record_id).smartphone == "yes"


def test_two_devices_editing_one_household_keep_the_latest_clock_per_field(tree, trainer, phone_for):
    phone_a, phone_b = phone_for(trainer, "A"), phone_for(trainer, "B")
    record_id = uuid.uuid4()
    [created] = phone_a.results(
        [f.mutation("household", record_id, household_fields(tree["commune"]), phone_a.clock())]
    )
    base = created["version"]
    phone_a.results([f.consent_mutation(record_id, "ethnicity", True, phone_a.clock())])
    a_edit = f.mutation(
        "household",
        record_id,
        {"phone": "0911111111", "ethnicity": "Khmer"},
        f.hlc(2_000, phone_a.device_id),
        "upsert",
        base,
    )
    b_edit = f.mutation(
        "household", record_id, {"phone": "0922222222"}, f.hlc(1_000, phone_b.device_id), "upsert", base
    )
    # A's newer edit arrives first; B's older one arrives later and loses the phone field.
    phone_a.results([a_edit])
    [late] = phone_b.results([b_edit])
    assert late["status"] == "applied"
    household = fresh(Household, record_id)
    assert (household.phone, household.ethnicity) == ("0911111111", "Khmer")
    log = db.session.scalar(sa.select(Mutation).where(Mutation.mutation_id == uuid.UUID(b_edit["mutation_id"])))
    assert log.conflicts == {"phone": {"value": "0911111111", "clock": a_edit["clock"]}}


def test_equal_times_are_ordered_by_device_id(tree, trainer, phone_for):
    phone = phone_for(trainer)
    record_id = uuid.uuid4()
    phone.results([f.mutation("household", record_id, household_fields(tree["commune"]), f.hlc(1, "aaa"))])
    high = f.mutation("household", record_id, {"head_name": "From zzz"}, f.hlc(5, "zzz"))
    low = f.mutation("household", record_id, {"head_name": "From bbb"}, f.hlc(5, "bbb"))
    phone.results([high, low])
    assert fresh(Household, record_id).head_name == "From zzz"


def test_trainer_cannot_write_into_another_commune(tree, trainer, phone_for):
    phone = phone_for(trainer)
    outside = f.household(tree["commune2"])
    mine_id = uuid.uuid4()
    results = phone.results(
        [
            f.mutation("household", uuid.uuid4(), household_fields(tree["commune2"]), phone.clock()),
            f.mutation("household", outside.id, {"phone": "0900000000"}, phone.clock()),
            f.mutation("household", mine_id, household_fields(tree["commune"]), phone.clock()),
            f.mutation("household", mine_id, {"commune_code": tree["commune2"].code}, phone.clock()),
            f.mutation(
                "training_session",
                uuid.uuid4(),
                {"commune_code": tree["commune2"].code, "held_on": "2026-03-01"},
                phone.clock(),
            ),
        ]
    )
    assert [(r["status"], r.get("code")) for r in results] == [
        ("rejected", "out_of_scope"),
        ("rejected", "out_of_scope"),
        ("applied", None),
        ("rejected", "out_of_scope"),
        ("rejected", "out_of_scope"),
    ]
    assert fresh(Household, outside.id).phone is None
    assert fresh(Household, mine_id).commune_code == tree["commune"].code
    assert count(Household) == 2


def test_bad_mutation_does_not_block_the_others(tree, trainer, phone_for):
    phone = phone_for(trainer)
    results = phone.results(
        [
            f.mutation("household", uuid.uuid4(), household_fields(tree["commune"], smartphone="maybe"), phone.clock()),
            {"mutation_id": "not-a-uuid", "entity": "household"},
            f.mutation(
                "household",
                uuid.uuid4(),
                household_fields(tree["commune"], hamlet_code=tree["hamlet2"].code),
                phone.clock(),
            ),
            f.mutation("household", uuid.uuid4(), household_fields(tree["commune"]), phone.clock()),
        ]
    )
    assert [(r["status"], r.get("code")) for r in results] == [
        ("rejected", "invalid"),
        ("rejected", "invalid"),
        ("rejected", "unknown_place"),
        ("applied", None),
    ]
    assert "smartphone" in results[0]["errors"]
    assert count(Household) == 1


def test_a_change_that_cannot_be_read_is_answered_with_the_ids_it_came_with(tree, trainer, phone_for):
    phone = phone_for(trainer)
    kept = str(uuid.uuid4())
    sent = [
        {"entity": "household", "record_id": kept},  # no mutation_id
        {"mutation_id": 7, "entity": "household", "record_id": {"a": 1}},  # ids that are not text
        {"mutation_id": "not-a-uuid", "entity": "household", "record_id": ""},
    ]
    results = phone.push(sent, consent=False).get_json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "invalid")] * 3
    assert [(r["mutation_id"], r["record_id"]) for r in results] == [(None, kept), (None, None), ("not-a-uuid", None)]


def test_same_attendance_from_two_phones_makes_one_row(tree, trainer, phone_for):
    phone_a, phone_b = phone_for(trainer, "A"), phone_for(trainer, "B")
    member = f.household(tree["commune"])
    session = f.training(tree["commune"])
    key = {"session_id": str(session.id), "household_id": str(member.id)}
    a_id, b_id = uuid.uuid4(), uuid.uuid4()
    [a] = phone_a.results([f.mutation("attendance", a_id, {**key, "method": "qr"}, phone_a.clock())])
    [b] = phone_b.results([f.mutation("attendance", b_id, {**key, "method": "search"}, phone_b.clock())])
    assert a["status"] == "applied"
    assert (b["status"], b["record_id"]) == ("merged", str(a_id))
    # B's later change under its own id reaches the same row.
    [removed] = phone_b.results([f.mutation("attendance", b_id, {}, phone_b.clock(), op="delete")])
    assert (removed["status"], removed["record_id"]) == ("merged", str(a_id))
    assert count(Attendance) == 1
    assert fresh(Attendance, a_id).deleted_at is not None


def test_delete_is_a_tombstone_that_a_newer_upsert_undoes(tree, trainer, phone_for):
    phone = phone_for(trainer)
    record_id = uuid.uuid4()
    phone.results([f.mutation("household", record_id, household_fields(tree["commune"]), f.hlc(10, "p"))])
    phone.results([f.mutation("household", record_id, {}, f.hlc(20, "p"), op="delete")])
    phone.results([f.mutation("household", record_id, {"phone": "0933333333"}, f.hlc(15, "q"))])
    household = fresh(Household, record_id)
    assert household.deleted_at is not None and household.phone == "0933333333"
    changes = [c for c in phone.pull_all() if c["entity"] == "household"]
    assert [(c["id"], c["deleted"]) for c in changes] == [(str(record_id), True)]
    phone.results([f.mutation("household", record_id, {"head_name": "Back"}, f.hlc(30, "q"))])
    assert fresh(Household, record_id).deleted_at is None


def test_attendance_deleted_by_session_and_household_is_a_tombstone(tree, trainer, phone_for):
    """The phone knows attendance by (session, household), not by the id the server kept."""
    phone = phone_for(trainer)
    member, other = f.household(tree["commune"]), f.household(tree["commune"])
    session = f.training(tree["commune"], attendees=[member])
    kept_id = db.session.scalar(sa.select(Attendance.id))
    key = {"session_id": str(session.id), "household_id": str(member.id)}
    missing = {"session_id": str(session.id), "household_id": str(other.id)}
    [result] = phone.results([f.mutation("attendance", uuid.uuid4(), key, phone.clock(), op="delete")])
    assert (result["status"], result["record_id"]) == ("merged", str(kept_id))
    assert fresh(Attendance, kept_id).deleted_at is not None
    [result] = phone.results([f.mutation("attendance", uuid.uuid4(), missing, phone.clock(), op="delete")])
    assert (result["status"], result["code"]) == ("rejected", "unknown_record")


def test_one_push_hands_out_one_version_per_changed_record(tree, trainer, phone_for):
    phone = phone_for(trainer)
    record_id = uuid.uuid4()
    before = current_version(db.session)
    results = phone.results(
        [
            f.mutation("household", record_id, household_fields(tree["commune"]), phone.clock()),
            f.mutation("household", record_id, {"phone": "0912000111"}, phone.clock()),
            f.mutation("household", record_id, {"smartphone": "yes"}, phone.clock()),
        ]
    )
    assert {r["version"] for r in results} == {before + 1}
    assert current_version(db.session) == before + 2  # and one for the household's consent


def test_a_batch_dying_half_way_keeps_nothing(tree, trainer, phone_for, monkeypatch):
    from server.mutations import apply as operations

    phone = phone_for(trainer)
    batch = [f.mutation("household", uuid.uuid4(), household_fields(tree["commune"]), phone.clock()) for _ in range(3)]
    calls = []
    real_write = operations._write

    def dies_on_third(*args):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return real_write(*args)

    monkeypatch.setattr(operations, "_write", dies_on_third)
    response = phone.push(batch, queued=7)
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert count(Household) == 0 and count(Mutation) == 0
    assert fresh(type(phone.token), phone.token.id).queued_changes is None
    monkeypatch.undo()
    assert [r["status"] for r in phone.results(batch)] == ["applied"] * 3


def test_natural_key_made_by_a_concurrent_push_is_found_on_retry(tree, trainer, phone_for, monkeypatch):
    """The row appears between loading the batch and inserting: the push is tried again and merges."""
    from server.mutations.batch import Batch

    phone = phone_for(trainer)
    member = f.household(tree["commune"])
    session = f.training(tree["commune"], attendees=[member])
    existing_id = db.session.scalar(sa.select(Attendance.id))
    real_find = Batch.find_key
    monkeypatch.setattr(
        Batch,
        "find_key",
        lambda self, entity, values: real_find(self, entity, values) if self.fresh else None,
    )
    key = {"session_id": str(session.id), "household_id": str(member.id)}
    [result] = phone.results([f.mutation("attendance", uuid.uuid4(), key, phone.clock())])
    assert (result["status"], result["record_id"]) == ("merged", str(existing_id))
    assert count(Attendance) == 1


def test_push_updates_the_device_record(tree, trainer, phone_for):
    phone = phone_for(trainer)
    phone.results([], queued=12, app_version="2.1.0")
    token = fresh(type(phone.token), phone.token.id)
    assert (token.queued_changes, token.app_version) == (12, "2.1.0")
    assert token.last_sync_at is not None


def test_too_large_and_malformed_bodies_get_problem_documents(app, tree, trainer, phone_for):
    phone = phone_for(trainer)
    headers = {"Content-Type": "application/json"}
    big = b'{"mutations": [' + b" " * app.config["SYNC_MAX_BODY"] + b"]}"
    too_large = phone.request("post", "/api/v1/sync/push", data=big, headers=headers)
    assert too_large.status_code == 413
    assert too_large.mimetype == "application/problem+json"
    assert too_large.get_json()["code"] == "too_large"
    malformed = phone.request("post", "/api/v1/sync/push", data=b'{"mutations": [', headers=headers)
    assert malformed.status_code == 400
    assert malformed.mimetype == "application/problem+json"
    assert malformed.get_json()["code"] == "malformed_json"
    too_many = phone.push([f.mutation("household", uuid.uuid4(), {}, phone.clock()) for _ in range(501)])
    assert too_many.status_code == 422 and too_many.get_json()["code"] == "bad_batch"


@pytest.mark.parametrize("body", [{}, {"mutations": 3}, {"mutations": {"a": 1}}])
def test_a_batch_without_a_list_of_mutations_is_a_bad_batch(tree, trainer, phone_for, body):
    response = phone_for(trainer).request("post", "/api/v1/sync/push", json=body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "bad_batch" and list(response.get_json()["errors"]) == ["mutations"]


def test_a_bad_envelope_field_is_invalid_and_named(tree, trainer, phone_for):
    response = phone_for(trainer).request("post", "/api/v1/sync/push", json={"mutations": [], "queued": -1})
    assert response.status_code == 422
    assert response.get_json()["code"] == "invalid" and list(response.get_json()["errors"]) == ["queued"]


def test_push_needs_a_valid_token(client, tree, trainer):
    response = client.post("/api/v1/sync/push", json={"mutations": []}, headers=f.bearer("ls_wrong"))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
