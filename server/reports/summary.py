"""Writing household_summaries: recompute the rows of some households, or of all, from the source tables.

Rows are always recomputed from the source tables (never patched), so a refreshed row is right
by construction. Refreshing is set-based: a few statements per thousand households.
"""

import functools
import operator
import uuid
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from server.reports import counters
from server.reports.household_dates import among, among_ids, summary_select
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
    found = {v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)) for v in values if v is not None}
    return sorted(found, key=_AS_INT)  # UUID order, compared as integers rather than by UUID.__lt__


_AS_INT = operator.attrgetter("int")


@functools.cache
def _statements(dialect: str) -> dict:
    """The refresh's statements, built once per dialect: each takes its ids as the parameter "ids".

    Building them (the summary's SELECT above all) cost more than running them in a small push.
    """
    rows = among(SUMMARY.c.household_id, [], dialect)
    return {
        "attendees": sa.select(Attendance.household_id).where(among(Attendance.session_id, [], dialect)),
        # On PostgreSQL the rows are locked first (in key order, so two commits never wait on each
        # other in a circle): the upsert after it then reads the source tables as a commit that
        # refreshed the same households just before left them.
        "before": counters.summary_rows_select(rows, lock=dialect == "postgresql"),
        "upsert": _upsert(dialect, summary_select([], dialect)).returning(*counters.summary_columns()),
        "delete": sa.delete(SUMMARY).where(rows),
    }


def _run(conn, name: str, ids: list):
    return conn.execute(_statements(conn.dialect.name)[name], {"ids": among_ids(ids, conn.dialect.name)})


def attendees(conn, session_ids) -> set:
    """Households with attendance (live or not) at these training sessions."""
    found = set()
    for chunk in _chunks(_uuids(session_ids)):
        found.update(_run(conn, "attendees", chunk).scalars())
    return found


def _upsert(dialect: str, select):
    """INSERT ... SELECT that replaces the rows already there (ON CONFLICT DO UPDATE) when they differ."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SUMMARY).from_select(COLUMNS, select)
    replaced = {name: statement.excluded[name] for name in COLUMNS if name != "household_id"}
    # Rows whose figures did not change (a name corrected, a training on another topic) are not rewritten.
    changed = sa.or_(*[SUMMARY.c[name].is_distinct_from(value) for name, value in replaced.items()])
    return statement.on_conflict_do_update(index_elements=[SUMMARY.c.household_id], set_=replaced, where=changed)


def _refresh_chunk(conn, household_ids: list, change: Counter, new: set) -> None:
    known = [i for i in household_ids if i not in new]  # a household made by this transaction has no row yet
    before = {row["household_id"]: row for row in _run(conn, "before", known).mappings()} if known else {}
    # The upsert returns the rows it wrote; the others are as they were, and change no counter.
    after = list(_run(conn, "upsert", household_ids).mappings())
    change.update(counters.difference([before[r["household_id"]] for r in after if r["household_id"] in before], after))


def refresh(conn, household_ids=(), session_ids=(), removed=(), new=()) -> int:
    """Recompute the rows of these households and of everyone who attended these sessions.

    `removed`: households deleted outright (the app tombstones them; this is for the rare
    DELETE): their rows go first, and come back if the household exists after all. `new`:
    households this transaction inserted, whose rows need not be read before (there are none).
    """
    new = set(_uuids(new)) - set(_uuids(removed))
    change: Counter = Counter()  # what the per-commune counters gain, added once at the end
    for chunk in _chunks(_uuids(removed)):
        change.update(counters.difference(_run(conn, "before", chunk).mappings(), []))
        _run(conn, "delete", chunk)
    wanted = _uuids({*household_ids, *removed, *attendees(conn, session_ids)})
    for chunk in _chunks(wanted):
        _refresh_chunk(conn, chunk, change, new)
    counters.add(conn, change)
    return len(wanted)


def rebuild(conn) -> int:
    """Recompute every row and the counters (after a migration, a restore, or writes made behind the app's back)."""
    conn.execute(sa.delete(SUMMARY))
    conn.execute(sa.insert(SUMMARY).from_select(COLUMNS, summary_select()))
    counters.rebuild(conn)
    return conn.scalar(sa.select(sa.func.count()).select_from(SUMMARY))
