"""Writing household_summaries: recompute the rows of some households, or of all, from the source tables.

Rows are always recomputed from the source tables (never patched), so a refreshed row is right
by construction. Refreshing is set-based: a few statements per thousand households.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from server.households.models import Household
from server.reports.household_dates import summary_select
from server.reports.models import HouseholdSummary
from server.training.models import Attendance

CHUNK = 1000  # households per statement: well under SQLite's and PostgreSQL's bound-parameter limits
SUMMARY = HouseholdSummary.__table__
COLUMNS = [column.name for column in SUMMARY.columns]


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def attendees(conn, session_ids) -> set:
    """Households with attendance (live or not) at these training sessions."""
    found = set()
    for chunk in _chunks(sorted(session_ids)):
        found.update(conn.scalars(sa.select(Attendance.household_id).where(Attendance.session_id.in_(chunk))))
    return found


def _upsert(conn, select):
    """INSERT ... SELECT that replaces the rows already there (ON CONFLICT DO UPDATE)."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = insert(SUMMARY).from_select(COLUMNS, select)
    replaced = {name: statement.excluded[name] for name in COLUMNS if name != "household_id"}
    return statement.on_conflict_do_update(index_elements=[SUMMARY.c.household_id], set_=replaced)


def _refresh_chunk(conn, household_ids: list) -> None:
    if conn.dialect.name == "postgresql":
        # Lock the rows first (in key order, so two commits never wait on each other in a circle):
        # the statement after this one then reads the source tables as a commit that refreshed
        # the same households just before left them.
        rows = SUMMARY.c.household_id.in_(household_ids)
        conn.execute(sa.select(SUMMARY.c.household_id).where(rows).order_by(SUMMARY.c.household_id).with_for_update())
    written = conn.execute(_upsert(conn, summary_select(household_ids))).rowcount
    if written < len(household_ids):  # some households no longer exist at all
        live = sa.select(Household.id).where(Household.id.in_(household_ids))
        gone = sa.and_(SUMMARY.c.household_id.in_(household_ids), SUMMARY.c.household_id.not_in(live))
        conn.execute(sa.delete(SUMMARY).where(gone))


def refresh(conn, household_ids=(), session_ids=()) -> int:
    """Recompute the rows of these households and of everyone who attended these sessions."""
    wanted = set(household_ids) | attendees(conn, session_ids)
    wanted.discard(None)
    for chunk in _chunks(sorted(wanted)):
        _refresh_chunk(conn, chunk)
    return len(wanted)


def rebuild(conn) -> int:
    """Recompute every row (after a migration, a restore, or writes made behind the app's back)."""
    conn.execute(sa.delete(SUMMARY))
    conn.execute(sa.insert(SUMMARY).from_select(COLUMNS, summary_select()))
    return conn.scalar(sa.select(sa.func.count()).select_from(SUMMARY))
