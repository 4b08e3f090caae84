"""Columns every synced record shares, client-made ids and the global version counter.

Versions are handed out at commit from one counter row. The UPDATE on that row
holds a row lock until the transaction ends, so versions become visible in the
order they are handed out and a pull paging by version never skips one.
"""

import json
import os
import time
import uuid
from datetime import UTC, datetime
from functools import cache
from json import encoder as json_encoder

import sqlalchemy as sa
from sqlalchemy import event, orm

from server.extensions import db


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7)."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & 0xFFFFFFFFFFFF) << 80
    value |= 0x7 << 76
    value |= (rand >> 64 & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & 0x3FFFFFFFFFFFFFFF
    return uuid.UUID(int=value)


def _not_json(value):
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# One encoder made once: json.dumps builds a new one for every value, which cost more than the
# encoding itself in a push (three JSON columns a mutation). The text is the same as json.dumps's.
_ENCODE = (
    json_encoder.c_make_encoder(
        None, _not_json, json_encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True
    )
    if json_encoder.c_make_encoder is not None
    else None
)


def json_text(value) -> str:
    """A JSON column's value as stored: json.dumps's text (the engine's json_serializer)."""
    if _ENCODE is None:
        return json.dumps(value)
    return "".join(_ENCODE(value, 0))


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A point in time, stored as its UTC instant on every database and read back aware, in UTC.

    SQLite keeps no offset: without this, 03:45+07:00 would be stored and read back as 03:45 UTC.
    Naive values are taken as UTC. The DDL is that of DateTime(timezone=True).
    """

    impl = sa.DateTime
    cache_ok = True

    def __init__(self):
        super().__init__(timezone=True)

    def process_bind_param(self, value, dialect):
        """Aware values as UTC; naive ones are UTC already."""
        if isinstance(value, datetime):
            return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value, dialect):
        """Aware, in UTC, whatever the database or its session time zone."""
        if isinstance(value, datetime):
            return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return value


class VersionCounter(db.Model):
    """The one row whose value is the last version handed out."""

    __tablename__ = "version_counter"
    id = sa.Column(sa.Integer, primary_key=True)
    value = sa.Column(sa.BigInteger, nullable=False, default=0)


class Versioned:
    """Timestamps, tombstone and server version; rows get a new version whenever they change."""

    created_at = sa.Column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at = sa.Column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    deleted_at = sa.Column(UTCDateTime(), nullable=True)
    version = sa.Column(sa.BigInteger, nullable=False, default=0, index=True)

    @property
    def is_deleted(self) -> bool:
        """Whether the record is a tombstone."""
        return self.deleted_at is not None


class Synced(Versioned):
    """A record a phone can create or edit: client-made UUID and per-field clocks for merging."""

    id = sa.Column(sa.Uuid, primary_key=True, default=uuid7)
    # {field: "hlc"}: the device clock of the write that set each field (last writer wins).
    field_clocks = sa.Column(sa.JSON, nullable=False, default=dict)


def next_versions(session: orm.Session, count: int) -> range:
    """Reserve `count` consecutive versions; the counter row stays locked until commit."""
    conn = session.connection()
    new_value = conn.execute(
        sa.update(VersionCounter.__table__)
        .where(VersionCounter.__table__.c.id == 1)
        .values(value=VersionCounter.__table__.c.value + count)
        .returning(VersionCounter.__table__.c.value)
    ).scalar_one_or_none()
    if new_value is None:
        conn.execute(sa.insert(VersionCounter.__table__).values(id=1, value=count))
        new_value = count
    return range(new_value - count + 1, new_value + 1)


def current_version(session: orm.Session) -> int:
    """The last version handed out (0 on an empty database)."""
    value = session.connection().scalar(_current_version_query())
    return value or 0


@cache
def _current_version_query() -> sa.Select:
    # Built once and run on the connection: building it and going through the ORM's execution
    # cost twice the query itself, on every pull.
    table = VersionCounter.__table__
    return sa.select(table.c.value).where(table.c.id == 1)


def _changed(obj) -> bool:
    state = sa.inspect(obj)
    return any(
        state.attrs[attr.key].history.has_changes()
        for attr in state.mapper.column_attrs
        if attr.key not in ("version", "updated_at")
    )


PENDING = "versioned_pending"  # session.info key: {savepoint or None: {changed row: None}}
ASSIGNED_VERSIONS = "versions_assigned"  # session.info key: {row: version} of the last commit
ASSIGNING = "versions_assigning"  # session.info key: the same, while the commit hands them out
EARLY_VERSIONS = "versions_early"  # session.info key: {row: version} handed out before the commit


def _pending_sets(session) -> dict:
    return session.info.setdefault(PENDING, {})


def _collect(session, pending: dict, done=()) -> None:
    for obj in session.new:
        if isinstance(obj, Versioned) and obj not in done:
            pending[obj] = None
    for obj in session.dirty:
        if isinstance(obj, Versioned) and obj not in done and _changed(obj):
            pending[obj] = None


@event.listens_for(orm.Session, "before_flush")
def _collect_changed(session, flush_context, instances):
    # Rows are kept per savepoint, so rolling one back forgets only what it changed. The
    # commit's own flush skips the rows the commit has just given a version.
    done = session.info.get(ASSIGNING, ())
    _collect(session, _pending_sets(session).setdefault(session.get_nested_transaction(), {}), done)


def touch(session: orm.Session, obj: Versioned) -> None:
    """Give `obj` a new version at commit although no column changed (e.g. its scope moved)."""
    if isinstance(session, orm.scoped_session):
        session = session()
    _pending_sets(session).setdefault(session.get_nested_transaction(), {})[obj] = None


def assign_versions_now(session: orm.Session, new_rows: list) -> None:
    """Before the commit: versions for the session's changed rows and for `new_rows` in one counter step.

    `new_rows` are records the caller writes itself (server/mutations/rows.py: one INSERT per
    table); they get their `version` attribute set. The session's rows are flushed with theirs.
    All of them keep these versions at the commit, even if changed again in the meantime: the
    counter row stays locked until then, so the commit makes them visible in their order.
    """
    if any(isinstance(obj, VersionCounter) for obj in session.new):
        session.flush()  # the counter row itself is being made (a new database)
    _collect(session, _pending_sets(session).setdefault(session.get_nested_transaction(), {}))
    early = session.info.setdefault(EARLY_VERSIONS, {})
    sets = session.info.pop(PENDING, {})
    pending = [o for o in dict.fromkeys(o for rows in sets.values() for o in rows) if o in session]
    pending = [o for o in pending if o not in early]
    if pending or new_rows:
        versions = iter(next_versions(session, len(pending) + len(new_rows)))
        for obj in pending:
            obj.version = early[obj] = next(versions)
        for row in new_rows:
            row.version = early[row] = next(versions)
    session.info[ASSIGNING] = early
    try:
        session.flush()
    finally:
        session.info.pop(ASSIGNING, None)


def assign_versions(session: orm.Session) -> None:
    """Commit step 1 (server/transaction.py): give every changed row its version, flushing each once."""
    nested = session.get_nested_transaction()
    if nested is not None:
        # Releasing a savepoint: its rows join the enclosing transaction and get their
        # versions when that one commits, so the counter row is locked only at the end.
        session.flush()
        sets = _pending_sets(session)
        moved = sets.pop(nested, {})
        sets.setdefault(nested.parent if nested.parent.nested else None, {}).update(moved)
        return
    if any(isinstance(obj, VersionCounter) for obj in session.new):
        session.flush()  # the counter row itself is being made (a new database)
    # Rows not flushed yet get their version before the flush, so each is written once.
    _collect(session, _pending_sets(session).setdefault(None, {}))
    # Rows given their version before the commit (assign_versions_now) keep it.
    assigned = session.info[ASSIGNING] = session.info.pop(EARLY_VERSIONS, {})
    try:
        while True:
            sets = session.info.pop(PENDING, {})
            pending = [o for o in dict.fromkeys(o for rows in sets.values() for o in rows) if o in session]
            pending = [o for o in pending if o not in assigned]
            if not pending:
                break
            for obj, version in zip(pending, next_versions(session, len(pending)), strict=True):
                obj.version = assigned[obj] = version
            session.flush()  # rows a flush itself brings in (cascades) come round again
    finally:
        session.info.pop(ASSIGNING, None)
    session.info.pop(PENDING, None)
    session.info[ASSIGNED_VERSIONS] = assigned


@event.listens_for(orm.Session, "after_soft_rollback")
def _forget_pending(session, previous_transaction):
    if previous_transaction.nested:
        _pending_sets(session).pop(previous_transaction, None)
    else:
        session.info.pop(PENDING, None)
        session.info.pop(EARLY_VERSIONS, None)
