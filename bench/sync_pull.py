"""Time a full first pull of one commune with 10,000 households and 100,000 attendance rows.

    python bench/sync_pull.py [households] [attendance]      # SQLite
    tools/with-postgres python bench/sync_pull.py            # PostgreSQL

Rows are written with Core executemany, then a trainer's phone pulls every page through
GET /api/v1/sync/pull with gzip (5,000 records a page, the most the server gives), as the phone app does (refs=1:
attendance names its household by ref) and as older apps do (household UUIDs). Prints the
server time (sum of requests) and its CPU time, the cost of the
first and last pages (flat when the queries do not slow down as the cursor advances), the
pages and the gzipped size. Prints, never asserts.
"""

import gzip
import json
import os
import sys
import time
import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sync_common import COMMUNE, make_app, phone_token

from server.extensions import db
from server.households.models import Household
from server.models_base import next_versions
from server.sync.pull import MAX_LIMIT
from server.training.models import Attendance, TrainingSession

SESSIONS = 200
GOAL_S, GOAL_MB = 1.0, 1.5


def build(app, households_n: int, attendance_n: int) -> None:
    now = datetime.now(UTC)
    common = {"field_clocks": {}, "created_at": now, "updated_at": now}
    households = [
        {
            "id": uuid.uuid4(),
            "head_name": f"Nguyễn Văn {n}",
            "commune_code": COMMUNE,
            "phone": f"09{n:08d}",
            "smartphone": "yes",
            "preferred_language": "vi",
            "search_text": f"nguyen van {n}",
            **common,
        }
        for n in range(households_n)
    ]
    sessions = [
        {
            "id": uuid.uuid4(),
            "commune_code": COMMUNE,
            "held_on": date(2026, 1, 1 + n % 28),
            "topics": ["e_payment"],
            "title": f"Buổi {n}",
            **common,
        }
        for n in range(SESSIONS)
    ]
    attendance = [
        {
            "id": uuid.uuid4(),
            "session_id": s["id"],
            "household_id": households[(i * 37 + k) % households_n]["id"],
            "attendee_name": None,
            "method": "qr",
            **common,
        }
        for i, s in enumerate(sessions)
        for k in range(-(-attendance_n // SESSIONS))
    ][:attendance_n]
    with app.app_context():
        versions = iter(next_versions(db.session, len(households) + len(sessions) + len(attendance)))
        for model, rows in ((Household, households), (TrainingSession, sessions), (Attendance, attendance)):
            for row in rows:
                row["version"] = next(versions)
                if model is Household:
                    row["ref"] = row["version"]  # a household's ref is its first version
            for start in range(0, len(rows), 10_000):
                db.session.execute(sa.insert(model.__table__), rows[start : start + 10_000])
        db.session.commit()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        with app.app_context(), db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))  # as autovacuum would


def first_pull(app, raw: str, extra: str = "") -> dict:
    """Every page of a first pull: server seconds per page, bytes, records."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {raw}", "Accept-Encoding": "gzip"}
    cursor, times, cpu, size, records = 0, [], 0.0, 0, 0
    while True:
        started, started_cpu = time.perf_counter(), time.process_time()
        with app.app_context():
            response = client.get(f"/api/v1/sync/pull?cursor={cursor}&limit={MAX_LIMIT}{extra}", headers=headers)
        times.append(time.perf_counter() - started)
        cpu += time.process_time() - started_cpu
        assert response.status_code == 200
        body = json.loads(gzip.decompress(response.get_data()))
        size += len(response.get_data())
        for block in body["records"].values():
            records += len(block["rows"])
        cursor = body["next_cursor"]
        if not body["has_more"]:
            break
    return {"times": times, "cpu": cpu, "size": size, "records": records}


def main() -> None:
    households = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    attendance = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    app, dialect = make_app()
    raw, _device_id = phone_token(app)
    build(app, households, attendance)
    load = os.getloadavg()[0]
    print(
        f"{dialect}: first pull of a commune, {households:,} households, {SESSIONS} sessions, {attendance:,} attendance"
        f" (load average {load:.1f}{': above 1, other work shares the machine' if load > 1 else ''})"
    )
    for label, extra in (("refs=1 (the phone's form)", "&refs=1"), ("household UUIDs (older phones)", "")):
        first_pull(app, raw, extra)  # warm the caches, as on a server that has been up a while
        run = first_pull(app, raw, extra)
        times = run["times"]
        # The first page also carries the reference data: the second one shows a page's own cost.
        print(
            f"  {label}: {run['records']:,} records in {len(times)} pages: {sum(times):.2f} s server time "
            f"(goal {GOAL_S:g} s; CPU {run['cpu']:.2f} s, the figure a busy machine disturbs least); "
            f"page 2 {times[1] * 1000:.0f} ms, last full page {times[-2] * 1000:.0f} ms; "
            f"{run['size'] / 1e6:.2f} MB gzipped (goal {GOAL_MB:g} MB)"
        )


if __name__ == "__main__":
    main()
