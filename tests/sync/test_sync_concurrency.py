"""Real concurrent pushes and pulls on PostgreSQL (SQLite serialises writers, see test_sync_pull)."""

import os
import threading
import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.households.models import Household
from server.mutations.models import Mutation
from server.training.models import Attendance
from tests import factories as f
from tests.sync.conftest import changes_of

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (tools/with-postgres)"),
]


def run_together(*jobs):
    """Run the jobs in threads started at the same moment; re-raise the first failure."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as error:  # re-raised below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]


def test_pulls_during_concurrent_pushes_miss_nothing(app, tree, phone_for):
    trainer = f.user("trainer", [tree["commune"]])
    writers = [phone_for(trainer, f"writer {n}") for n in range(4)]
    reader = phone_for(trainer, "reader")
    commune = tree["commune"].code
    created, pulled, done = [], {}, threading.Event()

    def write(phone):
        def job():
            for _ in range(15):
                batch = []
                for _ in range(3):
                    record_id = uuid.uuid4()
                    created.append(str(record_id))
                    body = {"head_name": "Hộ", "commune_code": commune}
                    batch.append(f.mutation("household", record_id, body, phone.clock()))
                assert {r["status"] for r in phone.results(batch)} == {"applied"}

        return job

    def read():
        versions = []
        while not done.is_set() or not versions or versions[-1] < reader_ceiling():
            page = reader.pull(limit=7)
            for change in changes_of(page):
                versions.append(change["version"])
                if change["entity"] == "household":  # each comes with its consent
                    pulled[change["id"]] = change["version"]
            reader.cursor = page["next_cursor"]
        assert versions == sorted(versions) and len(versions) == len(set(versions))

    def reader_ceiling():
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.max(Household.version)))

    def writers_then_done():
        try:
            run_together(*(write(phone) for phone in writers))
        finally:
            done.set()

    run_together(writers_then_done, read)
    assert set(pulled) == set(created)
    assert len(created) == 4 * 15 * 3


def test_the_same_batch_sent_twice_at_once_is_applied_once(tree, phone_for):
    trainer = f.user("trainer", [tree["commune"]])
    phone = phone_for(trainer)
    twin = phone_for(trainer, "same phone, second connection")
    twin.raw = phone.raw
    batch = [
        f.mutation(
            "household", uuid.uuid4(), {"head_name": f"Hộ {n}", "commune_code": tree["commune"].code}, phone.clock()
        )
        for n in range(40)
    ]
    replies = []
    run_together(lambda: replies.append(phone.results(batch)), lambda: replies.append(twin.results(batch)))
    statuses = sorted(r["status"] for reply in replies for r in reply)
    assert statuses == ["applied"] * 40 + ["duplicate"] * 40
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 40
    logged = sa.select(sa.func.count()).select_from(Mutation).where(Mutation.entity == "household")
    assert db.session.scalar(logged) == 40


def test_two_phones_recording_the_same_attendance_at_once_make_one_row(tree, phone_for):
    trainer = f.user("trainer", [tree["commune"]])
    phones = [phone_for(trainer, f"phone {n}") for n in range(3)]
    members = [f.household(tree["commune"]) for _ in range(20)]
    session = f.training(tree["commune"])

    def check_in(phone):
        batch = [
            f.mutation(
                "attendance", uuid.uuid4(), {"session_id": str(session.id), "household_id": str(m.id)}, phone.clock()
            )
            for m in members
        ]
        return lambda: phone.results(batch)

    run_together(*(check_in(phone) for phone in phones))
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 20
    results = db.session.scalars(sa.select(Mutation.result)).all()
    assert sorted(set(results)) == ["applied", "merged"] and results.count("applied") == 20
