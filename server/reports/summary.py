"""Writing household_summaries: recompute the rows of some households, or of all, from the source tables.

Rows are always recomputed from the source tables (never patched), so a refreshed row is right
by construction. Refreshing is set-based: a few statements per thousand households.
"""

import uuid
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from server.reports import counters
from server.reports.household_dates import among, summary_select
from server.reports.models import HouseholdSummary
from server.training.models import Attendance

CHUNK = 1000  # households per statement, so one statement never grows with a large import
SUMMARY = HouseholdSummary.__table__
COLUMNS = [column.name for column in SUMMARY.columns]


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _uuids(values) -> list[uuid.UUID]:
    """Distinct ids as UUIDs (Core statements may carry them as text), sorted, without None."""
    return sorted({v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)) for v in values if v is not None})


def attendees(conn, session_ids) -> set:
    """Households with attendance (live or not) at these training sessions."""
    found = set()
    for chunk in _chunks(_uuids(session_ids)):
        query = sa.select(Attendance.household_id).where(among(Attendance.session_id, chunk, conn.dialect.name))
        found.update(conn.scalars(query))
    return found


def _upsert(conn, select):
    """INSERT ... SELECT that replaces the rows already there (ON CONFLICT DO UPDATE) when they differ."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = insert(SUMMARY).from_select(COLUMNS, select)
    replaced = {name: statement.excluded[name] for name in COLUMNS if name != "household_id"}
    # Rows whose figures did not change (a name corrected, a training on another topic) are not rewritten.
    changed = sa.or_(*[SUMMARY.c[name].is_distinct_from(value) for name, value in replaced.items()])
    return statement.on_conflict_do_update(index_elements=[SUMMARY.c.household_id], set_=replaced, where=changed)


def _refresh_chunk(conn, household_ids: list, change: Counter) -> None:
    dialect = conn.dialect.name
    rows = among(SUMMARY.c.household_id, household_ids, dialect)
    # On PostgreSQL, lock the rows first (in key order, so two commits never wait on each other
    # in a circle): the statement after this one then reads the source tables as a commit that
    # refreshed the same households just before left them. The rows before and after go to the counters.
    before = counters.summary_rows(conn, rows, lock=dialect == "postgresql")
    conn.execute(_upsert(conn, summary_select(household_ids, dialect)))
    change.update(counters.difference(before, counters.summary_rows(conn, rows)))


def refresh(conn, household_ids=(), session_ids=(), removed=()) -> int:
    """Recompute the rows of these households and of everyone who attended these sessions.

    `removed`: households deleted outright (the app tombstones them; this is for the rare
    DELETE): their rows go first, and come back if the household exists after all.
    """
    change: Counter = Counter()  # what the per-commune counters gain, added once at the end
    for chunk in _chunks(_uuids(removed)):
        rows = among(SUMMARY.c.household_id, chunk, conn.dialect.name)
        change.update(counters.difference(counters.summary_rows(conn, rows, conn.dialect.name == "postgresql"), []))
        conn.execute(sa.delete(SUMMARY).where(rows))
    wanted = _uuids({*household_ids, *removed, *attendees(conn, session_ids)})
    for chunk in _chunks(wanted):
        _refresh_chunk(conn, chunk, change)
    counters.add(conn, change)
    return len(wanted)


def rebuild(conn) -> int:
    """Recompute every row and the counters (after a migration, a restore, or writes made behind the app's back)."""
    conn.execute(sa.delete(SUMMARY))
    conn.execute(sa.insert(SUMMARY).from_select(COLUMNS, summary_select()))
    counters.rebuild(conn)
    return conn.scalar(sa.select(sa.func.count()).select_from(SUMMARY))
