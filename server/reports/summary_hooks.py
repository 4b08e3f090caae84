"""Keep household_summaries exactly up to date, in the same transaction as the writes.

Every flush notes the households whose figures a write may change (a household itself, its
attendance and accounts, everyone at a training session whose date, topics or tombstone
changed); just before the commit, in the commit's second step (server/transaction.py), their
rows are recomputed from the source tables in a few set-based statements (server/reports/summary.py).

ORM writes are seen at flush. Core INSERT/UPDATE/DELETE statements run through the session
(`db.session.execute(sa.update(...))`) are seen in do_orm_execute. Statements run on a bare
connection or as text are not seen: call mark_households() / mark_sessions() after them.
"""

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import event, orm
from sqlalchemy.sql import visitors

from server.households.models import Household, MarketplaceAccount, PaymentAccount
from server.reports import summary
from server.reports.household_dates import summary_select
from server.training.models import Attendance, TrainingSession

log = logging.getLogger(__name__)
PENDING = "household_summary_pending"  # session.info key
CHILDREN = (Attendance, MarketplaceAccount, PaymentAccount)  # rows that belong to one household
WATCHED = {model.__table__.name: model for model in (Household, TrainingSession, *CHILDREN)}


def _columns_read() -> dict[type, tuple[str, ...]]:
    """Per watched model, the columns the summary is computed from: changing any other one changes nothing."""
    read: dict[str, set[str]] = {name: set() for name in WATCHED}
    for element in visitors.iterate(summary_select([])):
        table = getattr(element, "table", None)
        if isinstance(element, sa.Column) and table is not None and table.name in read:
            read[table.name].add(element.key)
    return {WATCHED[name]: tuple(sorted(keys)) for name, keys in read.items()}


RELEVANT = _columns_read()


@dataclass
class Pending:
    """What the transaction changed so far."""

    households: set = field(default_factory=set)
    sessions: set = field(default_factory=set)
    removed: set = field(default_factory=set)  # households deleted outright
    new: set = field(default_factory=set)  # households this transaction inserted: no summary row yet
    everything: bool = False


def _pending(session) -> Pending:
    if isinstance(session, orm.scoped_session):
        session = session()
    return session.info.setdefault(PENDING, Pending())


def mark_households(session, household_ids) -> None:
    """Have these households' rows recomputed at commit (for writes the hooks cannot see)."""
    _pending(session).households.update(household_ids)


def mark_sessions(session, session_ids) -> None:
    """Have the rows of everyone at these training sessions recomputed at commit."""
    _pending(session).sessions.update(session_ids)


def _note(pending: Pending, obj, old_household_ids=()) -> None:
    if isinstance(obj, Household):
        pending.households.add(obj.id)
    elif isinstance(obj, TrainingSession):
        pending.sessions.add(obj.id)
    else:
        pending.households.add(obj.household_id)
        pending.households.update(old_household_ids)


def _changed(obj) -> tuple[bool, list]:
    """Whether a column the summary reads changed, and the household ids it belonged to before."""
    state = sa.inspect(obj)
    keys = RELEVANT[type(obj)]
    touched = set(keys) - state.unmodified_intersection(keys)  # cheap: no history built for the others
    changed = [key for key in touched if state.attrs[key].history.has_changes()]
    old = state.attrs.household_id.history.deleted if "household_id" in changed else ()
    return bool(changed), list(old)


@event.listens_for(orm.Session, "before_flush")
def _note_before_flush(session, flush_context, instances):
    # Rows about to be deleted must be read now: after the flush they are gone.
    for obj in session.deleted:
        if type(obj) in RELEVANT:
            _note(_pending(session), obj)
        if isinstance(obj, Household):
            _pending(session).removed.add(obj.id)
    # A household id overwritten without being loaded first: read the old one while it is there.
    for obj in session.dirty:
        if isinstance(obj, CHILDREN) and sa.inspect(obj).key is not None:
            history = sa.inspect(obj).attrs.household_id.history
            if history.added and not history.deleted:
                table = type(obj).__table__
                old = session.connection().scalar(sa.select(table.c.household_id).where(table.c.id == obj.id))
                _pending(session).households.add(old)


@event.listens_for(orm.Session, "after_flush")
def _note_after_flush(session, flush_context):
    # After the flush, new rows have their foreign keys even when set through a relationship;
    # the lists and attribute histories are still those of before the flush.
    for obj in session.new:
        if type(obj) in RELEVANT:
            _note(_pending(session), obj)
        if isinstance(obj, Household):
            _pending(session).new.add(obj.id)
    for obj in session.dirty:
        if type(obj) in RELEVANT and obj not in session.deleted:
            changed, old = _changed(obj)
            if changed:
                _note(_pending(session), obj, old)


def _statement_rows(conn, table, state) -> list | None:
    """Primary keys of the rows a Core UPDATE or DELETE hits (None: cannot tell, so all of them)."""
    params = state.parameters
    if isinstance(params, list | tuple):  # executemany: an ORM bulk UPDATE by primary key
        keys = [row.get("id") for row in params]
        return None if None in keys else keys
    where = state.statement.whereclause
    if where is None:
        return None
    return list(conn.scalars(sa.select(table.c.id).where(where), params or {}))


def _household_ids(conn, model, row_ids: list) -> set:
    if model is Household:
        return set(row_ids)
    table = model.__table__
    found = set()
    for chunk in summary._chunks(row_ids):
        found.update(conn.scalars(sa.select(table.c.household_id).where(table.c.id.in_(chunk))))
    return found


def _inserted(model, state) -> set | None:
    """Household ids in the parameters of a Core INSERT (None: not all of them are there)."""
    params = state.parameters
    rows = params if isinstance(params, list | tuple) else [params or {}]
    if rows == [{}]:  # values given in the statement itself
        rows = [state.statement.compile().params]
    return _households_of(model, rows)


def _households_of(model, rows: list[dict]) -> set | None:
    key = "id" if model is Household else "household_id"
    values = [row.get(key) for row in rows]
    return None if None in values else set(values)


def mark_inserted(session, table, rows: list[dict]) -> None:
    """Note rows a plain INSERT (no ON CONFLICT) put into `table` behind the hooks' back (by the driver)."""
    model = WATCHED.get(table.name)
    if model is None or model is TrainingSession:  # a new session: nobody at it yet
        return
    found = _households_of(model, rows)
    if found is None:
        _pending(session).everything = True
        return
    _pending(session).households.update(found)
    if model is Household:
        _pending(session).new.update(found)


@event.listens_for(orm.Session, "do_orm_execute")
def _note_core_write(state):
    statement = state.statement
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    model = WATCHED.get(getattr(getattr(statement, "table", None), "name", None))
    if model is None:
        return None
    pending, conn = _pending(state.session), state.session.connection()
    if state.is_insert:
        rows = _inserted(model, state) if model is not TrainingSession else set()  # a new session: nobody at it
    else:
        rows = _statement_rows(conn, model.__table__, state)
    if rows is None:
        log.warning("Core %s on %s without rows to tell: every summary is recomputed", statement, model.__name__)
        pending.everything = True
        return None
    if state.is_insert:
        pending.households.update(rows)
        if model is Household and getattr(statement, "_post_values_clause", None) is None:  # no ON CONFLICT
            pending.new.update(rows)
        return None
    if model is TrainingSession:
        pending.sessions.update(rows)
        return None
    if model is Household and state.is_delete:
        pending.removed.update(rows)
    pending.households.update(_household_ids(conn, model, rows))
    result = state.invoke_statement()
    if state.is_update and model is not Household:  # rows may have moved to another household
        pending.households.update(_household_ids(conn, model, rows))
    return result


def refresh_summaries(session: orm.Session) -> None:
    """Commit step 2 (server/transaction.py): recompute the summaries of what the transaction changed."""
    # After the versions step, whose flush is the commit's last write to the source tables.
    if session.get_nested_transaction() is not None:
        return  # a SAVEPOINT is released: the outer commit refreshes
    session.flush()
    pending = session.info.pop(PENDING, None)
    if pending is None:
        return
    conn = session.connection()
    if pending.everything:
        summary.rebuild(conn)
    elif pending.households or pending.sessions or pending.removed:
        summary.refresh(conn, pending.households, pending.sessions, pending.removed, pending.new - pending.removed)


@event.listens_for(orm.Session, "after_transaction_end")
def _forget(session, transaction):
    # Only when the whole transaction ends (committed, rolled back or closed). Marks made inside
    # a rolled-back SAVEPOINT stay: recomputing a row for nothing is harmless.
    if transaction.parent is None and not transaction.nested:
        session.info.pop(PENDING, None)
