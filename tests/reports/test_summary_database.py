"""Migration 0002 fills household_summaries as the app computes it; concurrent commits lose no change."""

import threading
import time
import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from server import create_app
from server.extensions import db
from server.reports import summary
from server.reports.models import PlaceDayCount, PlaceMonthCount
from server.training.models import Attendance
from tests import factories as f
from tests.reports.test_summary import SUMMARY, all_fresh, stored
from tests.scratch_db import scratch_postgresql

REGISTERED = datetime(2025, 1, 10, 8, 0, tzinfo=UTC)


def _households_of_every_kind() -> int:
    """Counted, tombstoned, merged and erased households with training and accounts; returns how many."""
    tree = f.small_tree()
    commune, hamlet = tree["commune"], tree["hamlet"]
    h1 = f.household(commune, hamlet, created_at=REGISTERED, smartphone="yes", plus_code="7P28QJXV+2C")
    h2 = f.household(commune, None, smartphone="yes", smartphone_since=date(2025, 4, 15), vnpost_code="8600012345")
    gone = f.household(commune, hamlet, deleted_at=REGISTERED)
    merged = f.household(commune, hamlet, merged_into_id=h1.id, deleted_at=REGISTERED)
    erased = f.household(tree["commune2"], None, erased_at=REGISTERED)
    follow_up = f.household(commune, hamlet, smartphone="no")  # trained, no seller account, no smartphone
    f.training(commune, date(2025, 2, 1), ["digital_skills", "livestream"], [h1, gone, merged, follow_up])
    dropped = f.training(commune, date(2025, 3, 1), ["packaging_delivery"], [h2])
    dropped.deleted_at = REGISTERED
    f.training(commune, date(2025, 3, 2), ["packaging_delivery"], [h2]).attendance[0].deleted_at = REGISTERED
    f.seller_account(h1, "postmart", opened_on=date(2025, 3, 1), products_listed=3, checked_on=date(2025, 5, 1))
    f.seller_account(h1, "provincial", orders_reported=4)
    f.seller_account(h2, "shopee", opened_on=date(2025, 5, 20), deleted_at=REGISTERED)
    f.payment_account(erased, "momo")
    f.payment_account(h2, "bank_app", opened_on=date(2025, 3, 1))
    return 6


def _summaries() -> list[dict]:
    rows = db.session.execute(sa.select(SUMMARY).order_by(SUMMARY.c.household_id)).mappings()
    return [dict(row) for row in rows]


def _counters() -> list[list[dict]]:
    """The day and month counters, without the rows a refresh took down to zero."""
    tables = (PlaceDayCount.__table__, PlaceMonthCount.__table__)
    query = [sa.select(t).where(t.c.households != 0).order_by(*t.primary_key) for t in tables]
    return [[dict(row) for row in db.session.execute(q).mappings()] for q in query]


def _check_migration_fill(url: str) -> None:
    """Rows filled by migrations 0002, 0013 and 0017 equal the rows the app's hooks wrote for the same data."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "migrations", "TESTING": True})
    try:
        with app.app_context():
            upgrade()
            households = _households_of_every_kind()
            written, counted = _summaries(), _counters()
            db.session.remove()
            downgrade(revision="0001")
            upgrade()
            assert len(written) == households and _summaries() == written and all_fresh()
            assert any(row["follow_up_trained_no_account"] and row["follow_up_no_smartphone"] for row in written)
            assert _counters() == counted and any(r["metric"].startswith("follow_up_") for r in counted[1])
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_sqlite_migration_fills_the_summaries_like_the_app(tmp_path):
    _check_migration_fill("sqlite:///" + str(tmp_path / "migrated.db"))


@pytest.mark.postgres_only
def test_postgresql_migration_fills_the_summaries_like_the_app():
    with scratch_postgresql("lensan_summaries") as url:
        _check_migration_fill(url)


def second_waits_for_first(first, watcher, second, what: str) -> None:
    """Run `second` in a thread until it waits on a lock `first` holds, then commit `first` and let it finish."""
    thread = threading.Thread(target=second)
    thread.start()
    for _ in range(600):
        if _waiting_on_a_lock(watcher):
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"the second {what} never waited for the first")
    first.commit()
    thread.join(timeout=60)


def _waiting_on_a_lock(conn) -> bool:
    query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
    waiting = conn.scalar(sa.text(query)) > 0
    conn.rollback()  # pg_stat_activity is read once per transaction
    return waiting


@pytest.mark.postgres_only
def test_a_commit_waiting_on_another_refresh_sees_its_changes(app, ctx):
    """Two transactions add attendance of one household; the second refreshes while the first holds its row."""
    tree = f.small_tree()
    household = f.household(tree["commune"], created_at=REGISTERED)
    early, late = f.training(tree["commune"], date(2025, 2, 1)), f.training(tree["commune"], date(2025, 3, 1))
    household_id, early_id, late_id = household.id, early.id, late.id
    errors = []

    def second():
        try:
            with app.app_context():
                db.session.add(Attendance(session_id=late_id, household_id=household_id))
                db.session.commit()  # its refresh waits for the first transaction
                db.session.remove()
        except Exception as error:  # re-raised in the test's thread
            errors.append(error)

    with db.engine.connect() as first, db.engine.connect() as watcher:
        row = {"id": uuid.uuid4(), "session_id": early_id, "household_id": household_id, "method": "qr"}
        now = datetime.now(UTC)
        first.execute(sa.insert(Attendance.__table__).values(**row, created_at=now, updated_at=now, version=0))
        summary.refresh(first, [household_id])  # the first commit's refresh, not committed yet
        second_waits_for_first(first, watcher, second, "transaction")
    assert not errors
    db.session.remove()
    assert stored(household_id)["trained_digital"] == date(2025, 2, 1) and all_fresh()
