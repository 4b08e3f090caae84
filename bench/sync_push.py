"""Push 10,000 mutations (households, then their attendance) in batches of 500 and compare with a bulk insert.

    python bench/sync_push.py                       # SQLite
    tools/with-postgres python bench/sync_push.py   # PostgreSQL

Prints mutations per second through POST /api/v1/sync/push and the ratio of its time to a
SQLAlchemy Core bulk insert of the same rows into the same tables in the same run.
"""

import time
import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sync_common import COMMUNE, make_app, phone_token

from server.clock import format_clock
from server.extensions import db
from server.households.models import Household
from server.mutations.models import Mutation
from server.training.models import Attendance, TrainingSession

HOUSEHOLDS = 5_000
BATCH = 500


def mutations(device_id: str, session_id: uuid.UUID) -> list[dict]:
    made, counter = [], 0
    household_ids = [uuid.uuid4() for _ in range(HOUSEHOLDS)]
    for kind in ("household", "attendance"):
        for n, household_id in enumerate(household_ids):
            counter += 1
            clock = format_clock(1_760_000_000_000 + counter, 0, device_id)
            if kind == "household":
                fields = {
                    "head_name": f"Nguyễn Văn {n}",
                    "commune_code": COMMUNE,
                    "phone": f"09{n:08d}",
                    "smartphone": "yes",
                }
                record_id = household_id
            else:
                fields = {"session_id": str(session_id), "household_id": str(household_id), "method": "qr"}
                record_id = uuid.uuid4()
            made.append(
                {
                    "mutation_id": str(uuid.uuid4()),
                    "entity": kind,
                    "record_id": str(record_id),
                    "op": "upsert",
                    "base_version": None,
                    "clock": clock,
                    "fields": fields,
                }
            )
    return made


def push_all(app, raw: str, batch: list[dict]) -> float:
    client = app.test_client()
    started = time.perf_counter()
    for start in range(0, len(batch), BATCH):
        chunk = batch[start : start + BATCH]
        with app.app_context():
            response = client.post(
                "/api/v1/sync/push", json={"mutations": chunk}, headers={"Authorization": f"Bearer {raw}"}
            )
        assert response.status_code == 200, response.get_data(as_text=True)
        assert all(r["status"] == "applied" for r in response.get_json()["results"])
    return time.perf_counter() - started


def bulk_insert(app, batch: list[dict], session_id) -> float:
    now = datetime.now(UTC)
    households = [
        dict(
            id=uuid.UUID(m["record_id"]),
            head_name=m["fields"]["head_name"],
            commune_code=COMMUNE,
            phone=m["fields"]["phone"],
            smartphone="yes",
            preferred_language="vi",
            search_text="",
            field_clocks={},
            created_at=now,
            updated_at=now,
            version=0,
        )
        for m in batch
        if m["entity"] == "household"
    ]
    attendance = [
        dict(
            id=uuid.UUID(m["record_id"]),
            session_id=session_id,
            household_id=uuid.UUID(m["fields"]["household_id"]),
            method="qr",
            field_clocks={},
            created_at=now,
            updated_at=now,
            version=0,
        )
        for m in batch
        if m["entity"] == "attendance"
    ]
    with app.app_context():
        db.session.execute(sa.delete(Mutation))
        db.session.execute(sa.delete(Attendance))
        db.session.execute(sa.delete(Household))
        db.session.commit()
        started = time.perf_counter()
        with db.engine.begin() as conn:
            conn.execute(sa.insert(Household.__table__), households)
            conn.execute(sa.insert(Attendance.__table__), attendance)
        return time.perf_counter() - started


def validation_only(app, batch: list[dict]) -> float:
    """The time the app's marshmallow schemas alone take to read the same mutations."""
    from server.mutations.apply import _LOADERS
    from server.sync.operations import _MUTATION

    with app.app_context():
        started = time.perf_counter()
        for raw in batch:
            mutation = _MUTATION.load(raw)
            _LOADERS[mutation["entity"]].load(mutation["changed"], partial=True)
        return time.perf_counter() - started


def main() -> None:
    app, dialect = make_app()
    raw, device_id = phone_token(app)
    session_id = uuid.uuid4()
    with app.app_context():
        db.session.add(
            TrainingSession(id=session_id, commune_code=COMMUNE, held_on=date(2026, 3, 1), topics=["e_payment"])
        )
        db.session.commit()
    batch = mutations(device_id, session_id)
    pushed = push_all(app, raw, batch)
    bulk = bulk_insert(app, batch, session_id)
    validation = validation_only(app, batch)
    print(f"{dialect}: pushed {len(batch)} mutations in {pushed:.2f} s = {len(batch) / pushed:,.0f} mutations/s")
    print(f"{dialect}: Core bulk insert of the same rows {bulk:.3f} s; push / bulk = {pushed / bulk:.1f}x (goal 3x)")
    print(f"{dialect}: of which marshmallow validation alone {validation:.2f} s = {validation / bulk:.1f}x bulk")


if __name__ == "__main__":
    main()
