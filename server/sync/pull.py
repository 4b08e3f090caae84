"""Pull: every record in the caller's scope changed after a cursor, in version order, paged.

Consistency: the pull first reads the last version handed out (the ceiling) and serves only
versions up to it. Versions become visible in the order they are handed out (one counter row,
locked until commit), so every version up to the ceiling is already committed and none of
them can appear later: the next cursor never jumps over a change. A row changed again after
the ceiling was read carries a version above it and comes in a later pull.

Each page costs one query per kind of record plus one for scope exits, whatever its size.
"""

import uuid

import sqlalchemy as sa

from server.auth.scope import Scope
from server.extensions import db
from server.households.models import Household
from server.models_base import current_version
from server.sync.entities import ENTITIES, Entity
from server.sync.merge import jsonable
from server.sync.models import ScopeExit
from server.training.models import TrainingSession

DEFAULT_LIMIT = 500
MAX_LIMIT = 2000


def pull(scope: Scope, cursor: int, limit: int) -> dict:
    """One page of changes after `cursor`: {changes, next_cursor, has_more}."""
    ceiling = current_version(db.session)
    candidates = []
    for entity in ENTITIES.values():
        candidates.extend(_changes(entity, scope, cursor, ceiling, limit + 1))
    if not scope.everything:
        candidates.extend(_exits(scope, cursor, ceiling, limit + 1))
    candidates.sort(key=lambda change: change["version"])
    page, has_more = candidates[:limit], len(candidates) > limit
    next_cursor = page[-1]["version"] if has_more else max(ceiling, cursor)
    return {"changes": _drop_exits_still_in_scope(scope, page), "next_cursor": next_cursor, "has_more": has_more}


def scope_commune_column(entity: Entity, query):
    """The query joined to what decides the record's commune, and that commune column."""
    table = entity.model.__table__
    if entity.parent == "household":
        households = Household.__table__
        return query.join(households, households.c.id == table.c.household_id), households.c.commune_code
    if entity.parent == "session":
        sessions = TrainingSession.__table__
        return query.join(sessions, sessions.c.id == table.c.session_id), sessions.c.commune_code
    return query, table.c.commune_code


def _changes(entity: Entity, scope: Scope, cursor: int, ceiling: int, limit: int) -> list[dict]:
    table = entity.model.__table__
    names = entity.fields
    query = sa.select(table.c.id, table.c.version, table.c.deleted_at, *(table.c[name] for name in names))
    query = query.where(table.c.version > cursor, table.c.version <= ceiling)
    if not scope.everything:
        query, commune = scope_commune_column(entity, query)
        query = query.where(scope.commune_filter(commune))
    query = query.order_by(table.c.version).limit(limit)
    return [
        {
            "entity": entity.name,
            "id": str(row[0]),
            "version": row[1],
            "deleted": row[2] is not None,
            "fields": {name: jsonable(value) for name, value in zip(names, row[3:], strict=True)},
        }
        for row in db.session.execute(query)
    ]


def _exits(scope: Scope, cursor: int, ceiling: int, limit: int) -> list[dict]:
    table = ScopeExit.__table__
    query = (
        sa.select(table.c.entity, table.c.record_id, table.c.version)
        .where(table.c.version > cursor, table.c.version <= ceiling, scope.commune_filter(table.c.commune_code))
        .order_by(table.c.version)
        .limit(limit)
    )
    return [
        {"entity": entity, "id": str(record_id), "version": version, "deleted": True, "reason": "out_of_scope"}
        for entity, record_id, version in db.session.execute(query)
    ]


def _drop_exits_still_in_scope(scope: Scope, page: list[dict]) -> list[dict]:
    """An exit is news only to phones whose scope no longer covers the record (it may have moved back)."""
    exits: dict[str, set] = {}
    for change in page:
        if change.get("reason"):
            exits.setdefault(change["entity"], set()).add(change["id"])
    still_in = set()
    for name, ids in exits.items():
        entity = ENTITIES[name]
        table = entity.model.__table__
        query, commune = scope_commune_column(entity, sa.select(table.c.id))
        query = query.where(table.c.id.in_([uuid.UUID(i) for i in ids]), scope.commune_filter(commune))
        still_in.update((name, str(record_id)) for record_id in db.session.scalars(query))
    kept = []
    for change in page:
        if change.get("reason"):
            if (change["entity"], change["id"]) in still_in:
                continue
            change["fields"] = {}
        kept.append(change)
    return kept
