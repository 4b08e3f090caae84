"""Time a full first pull of one commune with 5,000 households and 50,000 attendance rows.

    python bench/sync_pull.py                       # SQLite
    tools/with-postgres python bench/sync_pull.py   # PostgreSQL

Rows are written with Core executemany, then a trainer's phone pulls every page through
GET /api/v1/sync/pull with gzip. Prints the server time (sum of requests), pages, and the
gzipped size.
"""

import gzip
import json
import time
import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sync_common import COMMUNE, make_app, phone_token

from server.extensions import db
from server.households.models import Household
from server.models_base import next_versions
from server.training.models import Attendance, TrainingSession

HOUSEHOLDS, SESSIONS, PER_SESSION = 5_000, 100, 500


def build(app) -> None:
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
        for n in range(HOUSEHOLDS)
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
            "household_id": households[(i * 37 + k) % HOUSEHOLDS]["id"],
            "attendee_name": None,
            "method": "qr",
            **common,
        }
        for i, s in enumerate(sessions)
        for k in range(PER_SESSION)
    ]
    with app.app_context():
        versions = iter(next_versions(db.session, len(households) + len(sessions) + len(attendance)))
        for model, rows in ((Household, households), (TrainingSession, sessions), (Attendance, attendance)):
            for row in rows:
                row["version"] = next(versions)
            db.session.execute(sa.insert(model.__table__), rows)
        db.session.commit()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        with app.app_context(), db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))  # as autovacuum would


def main() -> None:
    app, dialect = make_app()
    raw, _device_id = phone_token(app)
    build(app)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {raw}", "Accept-Encoding": "gzip"}
    cursor, pages, size, records, spent = 0, 0, 0, 0, 0.0
    while True:
        started = time.perf_counter()
        with app.app_context():
            response = client.get(f"/api/v1/sync/pull?cursor={cursor}&limit=2000", headers=headers)
        spent += time.perf_counter() - started
        assert response.status_code == 200
        body = json.loads(gzip.decompress(response.get_data()))
        pages, size, records = (
            pages + 1,
            size + len(response.get_data()),
            records + sum(len(block["rows"]) for block in body["records"].values()),
        )
        cursor = body["next_cursor"]
        if not body["has_more"]:
            break
    print(
        f"{dialect}: full first pull of {records:,} records in {pages} pages: {spent:.2f} s server time (goal 1.5 s), "
        f"{size / 1e6:.2f} MB gzipped (goal 2 MB)"
    )


if __name__ == "__main__":
    main()
