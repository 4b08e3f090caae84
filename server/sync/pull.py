"""Pull: every record in the caller's scope changed after a cursor, in version order, paged.

Consistency: the pull first reads the last version handed out (the ceiling) and serves only
versions up to it. Versions become visible in the order they are handed out (one counter row,
locked until commit), so every version up to the ceiling is already committed and none of
them can appear later: the next cursor never jumps over a change. A row changed again after
the ceiling was read carries a version above it and comes in a later pull.

Layout: a page holds the changes with versions in (cursor, next_cursor], grouped by kind of
record, each kind as one list of column names and rows of values (repeating every field name
on every record made up a third of a page). Attendance rows carry no id: the phone keys
attendance by (session_id, household_id), as the server merges it, and random ids were most of
the bytes of a first pull. Ids are read from the database as text: building uuid.UUID objects
only to print them again cost more than the queries.

With `refs` (a phone that asks for it, docs/sync.md) household rows carry their `ref`, a short
number the household keeps for good, and attendance rows name their household by it
(`household_ref`, `household_id` null) instead of its UUID, whose random part was then most of
a first pull's bytes. The UUID still comes instead where the phone cannot hold the ref: the
household changed after the page (it comes on a later page), was deleted, or is outside the
pulled communes (it moved away while its attendance stays with the session's commune).

A page costs, whatever its size, one statement reading the ceiling and the oldest change of every
kind above the cursor, and one query for each kind whose changes can fall within the page (a
page of a first pull: one or two). Kinds whose every column has a single JSON text come as JSON
the database wrote (`rowjson`), attendance by ref with its UUID form beside it where the ref may
not do, so no second query picks those rows up again.
"""

from bisect import bisect_right
from functools import cache, lru_cache, partial
from operator import itemgetter

import sqlalchemy as sa
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from server.auth.scope import Scope
from server.bulletins.models import Bulletin
from server.bulletins.rules import reaching_places, today
from server.extensions import db
from server.households.models import Household
from server.models_base import UTCDateTime, VersionCounter
from server.mutations.entity import Entity
from server.mutations.kinds import ENTITIES
from server.mutations.merge import jsonable
from server.mutations.models import ScopeExit
from server.sync.rowjson import DELETED, JsonRows, row_json, uuid_text, writable
from server.training.models import TrainingSession

DEFAULT_LIMIT = 500
# A page costs a fixed part whatever its size (the bearer check, the ceiling, the request itself):
# a first pull of 110,000 records takes 23 pages of 5,000 rather than 56 of 2,000.
MAX_LIMIT = 5000
# Kinds of record identified on the wire by their natural key instead of an id.
KEYED = {"attendance": ("session_id", "household_id")}
# Bulletins are written on the server only: phones get the published ones whose place reaches
# their communes; withdrawn and expired ones come as deleted, so the phone drops them.
BULLETIN = "bulletin"
# The source of a page's scope exits (records that left the communes pulled).
EXIT = "exit"
BULLETIN_FIELDS = ("place_code", "kind", "category", "price", "price_unit", "price_on", "expires_on", "texts")


def identity(entity: Entity) -> tuple[str, ...]:
    """The columns that identify a record of this kind on the phone."""
    return KEYED.get(entity.name, ("id",))


def columns(entity: Entity, refs: bool = False) -> list[str]:
    """The column names of this kind's rows: id (unless keyed), version, deleted, then its fields
    (with `refs`: and the household's ref, or the ref of an attendance row's household)."""
    own_id = [] if entity.name in KEYED else ["id"]
    extra = [REFS[entity.name]] if refs and entity.name in REFS else []
    return [*own_id, "version", "deleted", *entity.fields, *extra]


# With refs: the extra column of a kind's rows.
REFS = {"household": "ref", "attendance": "household_ref"}


def pull(scope: Scope, cursor: int, limit: int, with_exits: bool = True, refs: bool = False) -> dict:
    """One page of changes after `cursor`: {records, exits, next_cursor, has_more}.

    The rows of a kind the database writes as JSON come as `rowjson.JsonRows`: encode the page
    with `rowjson.page_json`."""
    ceiling, firsts = _ceiling_and_first_changes(cursor)
    if cursor >= ceiling:  # nothing changed anywhere above the cursor: no kind needs asking
        return {"records": {}, "exits": {}, "next_cursor": cursor, "has_more": False}
    sources = {name: partial(_changes, entity, refs=refs) for name, entity in ENTITIES.items()}
    sources[BULLETIN] = _bulletins
    if with_exits and not scope.everything:
        sources[EXIT] = _exits
    found = []  # (kind, versions, rows) of each source with changes, in version order
    oldest: list[int] = []  # the versions of the limit + 1 oldest changes found so far
    # The kinds with a change in (cursor, ceiling] anywhere, oldest first: a kind whose oldest
    # change lies beyond the page (whatever its scope) is not asked, so a page of a first pull
    # costs a statement or two for its kinds instead of one for each.
    for first, name in firsts:
        # Only what can still make the page: up to the newest of the limit + 1 oldest found so far.
        upper = oldest[limit] if len(oldest) > limit else ceiling
        if name not in sources or first > upper:
            continue
        kind, versions, rows = sources[name](scope, cursor, upper, limit + 1)
        if versions:
            found.append((kind, versions, rows))
            oldest = sorted(oldest + versions)[: limit + 1]  # versions are unique: one counter hands them out
    has_more = len(oldest) > limit
    next_cursor = oldest[limit - 1] if has_more else max(ceiling, cursor)
    page = []
    for kind, versions, rows in found:
        count = bisect_right(versions, next_cursor)
        if count:
            page.append((versions[0], kind, rows[:count]))
    records: dict[str, dict] = {}
    exits: dict[str, list] = {}
    for _first, kind, rows in sorted(page, key=itemgetter(0)):  # kinds in the order of their first change
        if kind == EXIT:
            for name, record_id in rows:
                exits.setdefault(name, []).append(record_id)
        else:
            names = bulletin_columns() if kind == BULLETIN else columns(ENTITIES[kind], refs)
            records[kind] = {"columns": names, "rows": _finished(kind, rows, next_cursor, refs)}
    return {
        "records": records,
        "exits": _exit_blocks(scope, exits),
        "next_cursor": next_cursor,
        "has_more": has_more,
    }


def _ceiling_and_first_changes(cursor: int) -> tuple[int, list[tuple[int, str]]]:
    """The ceiling, and (oldest version in (cursor, ceiling], source) of each source with changes
    there, oldest first: one statement, read in one snapshot."""
    query, names = _ceiling_and_first_changes_query()
    row = db.session.execute(query, {"cursor": cursor}).first()
    if row is None:  # a database no version was handed out in yet
        return 0, []
    ceiling, firsts = row[0], row[1:]
    return ceiling, sorted((first, name) for first, name in zip(firsts, names, strict=True) if first is not None)


@cache
def _ceiling_and_first_changes_query() -> tuple:
    """One statement for the ceiling and every source: the lowest version of its table above the
    cursor (one step down its version index each), looked for only when the ceiling is above the
    cursor, so that an up-to-date phone's pull costs the counter's row alone."""
    tables = {name: entity.model.__table__ for name, entity in ENTITIES.items()}
    tables[BULLETIN], tables[EXIT] = Bulletin.__table__, ScopeExit.__table__
    counter = VersionCounter.__table__
    after, ceiling = sa.bindparam("cursor", type_=sa.BigInteger), counter.c.value
    firsts = [
        sa.case(
            (
                after < ceiling,
                sa.select(sa.func.min(table.c.version))
                .where(table.c.version > after, table.c.version <= ceiling)
                .correlate(counter)
                .scalar_subquery(),
            )
        )
        for table in tables.values()
    ]
    return sa.select(ceiling, *firsts).where(counter.c.id == 1), list(tables)


def _finished(kind: str, rows: list, upto: int, refs: bool) -> list:
    """A kind's rows of the page in wire form: lists of values, or the JSON texts the database wrote.

    With refs, an attendance row names its household by ref where the phone holds that household
    by the end of this page (its version, `seen`, is at most `upto`), else by UUID (the database
    wrote that second text wherever the household's version did not settle it already)."""
    if kind == BULLETIN or _shape(kind, refs and kind in REFS) == PYTHON:
        return rows
    if refs and kind in KEYED:
        return JsonRows(text if 0 <= seen <= upto else by_uuid for _version, text, seen, by_uuid in rows)
    return JsonRows(row[1] for row in rows)


def narrowed(scope: Scope, communes: frozenset[str]) -> Scope:
    """The part of a scope that lies in the given communes."""
    return Scope(False, frozenset(communes if scope.everything else communes & scope.communes), frozenset())


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


def _select(entity: Entity, names, dialect: str) -> tuple[list, list]:
    """Columns for `names`, and (position, converter) for the values Python must still put in wire form."""
    table = entity.model.__table__
    postgresql = dialect == "postgresql"
    selected, converters = [], []
    for position, name in enumerate(names):
        if name == "deleted":
            selected.append(table.c.deleted_at.is_not(None))
            continue
        column = table.c[name]
        if isinstance(column.type, sa.Uuid) and postgresql:
            selected.append(sa.cast(column, sa.Text))
        elif isinstance(column.type, sa.Uuid):
            selected.append(_raw_uuid(column))
            converters.append((position, uuid_text))
        else:
            selected.append(column)
            if isinstance(column.type, sa.Date | sa.DateTime | UTCDateTime):
                converters.append((position, jsonable))
    return selected, converters


def _raw_uuid(column):
    """SQLite keeps a UUID as 32 lowercase hex digits: read them as they are (`uuid_text` puts the
    dashes in, cheaper in Python than in SQL, and much cheaper than a uuid.UUID per value)."""
    return sa.type_coerce(column, sa.String)


def _changes(entity: Entity, scope: Scope, cursor: int, ceiling: int, limit: int, refs: bool = False) -> tuple:
    """(kind, versions, rows) of at most `limit` of the kind's oldest changes in (cursor, ceiling]."""
    dialect = db.session.get_bind().dialect.name
    refs = refs and entity.name in REFS
    query, converters = _changes_query(entity.name, dialect, scope.everything, refs)
    params = {"cursor": cursor, "ceiling": ceiling, "limit": limit}
    if not scope.everything:
        params["communes"] = sorted(scope.communes)
    if _shape(entity.name, refs) == PYTHON:
        rows = _rows(query, converters, params)
        at_version = 0 if entity.name in KEYED else 1
        return entity.name, [row[at_version] for row in rows], rows
    rows, _description = _fetched(query, params)  # (version, JSON text, ...)
    return entity.name, [row[0] for row in rows], rows


PYTHON, DATABASE = "python", "database"


@cache
def _shape(name: str, refs: bool) -> str:
    """Who writes a kind's rows as JSON: the database where it writes them as Python would (rowjson)."""
    if name == BULLETIN:
        return PYTHON
    entity = ENTITIES[name]
    fields = [c for c in columns(entity, refs) if c not in REFS.values()]
    return DATABASE if writable(entity.model.__table__, fields) else PYTHON


@cache
def _changes_query(name: str, dialect: str, everything: bool, refs: bool = False):
    """The query for a page of one kind's changes, with its converters; built once per kind and
    database, as building the expressions of every page cost more than running them."""
    entity = ENTITIES[name]
    table = entity.model.__table__
    communes = sa.bindparam("communes", type_=sa.String, expanding=True)
    version = table.c.version
    if refs and name == "attendance":  # every column of attendance has one JSON text: rowjson.EXACT_TYPES
        households = Household.__table__.alias("referenced")
        selected, converters = _attendance_by_ref(entity, households, dialect, None if everything else communes), []
    elif _shape(name, refs) == PYTHON:
        selected, converters = _select(entity, [c for c in columns(entity, refs) if c != "ref"], dialect)
        selected += [table.c.ref] if refs else []
    else:
        selected = [version, row_json(_parts(entity, columns(entity, refs)), dialect)]
        converters = []
    after, upto = sa.bindparam("cursor", type_=sa.BigInteger), sa.bindparam("ceiling", type_=sa.BigInteger)
    query = sa.select(*selected).select_from(table).where(version > after, version <= upto)
    if refs and name == "attendance":
        query = query.join(households, households.c.id == table.c.household_id)
    if not everything:
        query, commune = scope_commune_column(entity, query)
        if dialect == "sqlite":
            # SQLite would otherwise find every row of the communes by their index and sort
            # them all for each page, a page costing more the further the cursor: an expression
            # cannot use that index, so it walks the version index from the cursor and stops
            # at the limit instead (PostgreSQL chooses by its statistics). A unary `+` is the
            # cheapest such expression.
            commune = UnaryExpression(commune, operator=custom_op("+"), type_=commune.type)
        query = query.where(commune.in_(communes))
    return query.order_by(version).limit(sa.bindparam("limit", type_=sa.Integer)), converters


def _parts(entity: Entity, names, replaced: dict | None = None) -> list:
    """(kind, expression) of each named column for `rowjson.row_json`; `replaced`: name -> part."""
    table = entity.model.__table__
    parts = []
    for name in names:
        if replaced and name in replaced:
            parts.append(replaced[name])
        elif name == "deleted":
            parts.append((DELETED, table.c.deleted_at))
        elif isinstance(table.c[name].type, sa.Uuid):
            parts.append(("uuid", table.c[name]))
        else:
            parts.append(("value", table.c[name]))
    return parts


def _attendance_by_ref(entity: Entity, households: sa.Alias, dialect: str, communes) -> list:
    """Attendance with refs: version, the row's JSON naming the household by ref, the household's
    version (`seen`: -1 where the phone will not hold it, deleted or outside the pulled communes),
    and the row's JSON naming it by UUID wherever `seen` does not settle already that the ref will
    do (the household is not held, or changed after the row: `_finished` chooses by the page's end)."""
    table = entity.model.__table__
    names = columns(entity, refs=True)
    held = [households.c.deleted_at.is_(None), households.c.ref.is_not(None)]
    if communes is not None:
        held.append(households.c.commune_code.in_(communes))
    held = sa.and_(*held)
    by_ref = _parts(
        entity, names, replaced={"household_id": ("null", None), "household_ref": ("value", households.c.ref)}
    )
    by_uuid = _parts(entity, names, replaced={"household_ref": ("null", None)})
    settled = sa.and_(held, households.c.version <= table.c.version)
    return [
        table.c.version,
        row_json(by_ref, dialect),
        sa.case((held, households.c.version), else_=-1),
        sa.case((settled, sa.null()), else_=row_json(by_uuid, dialect)),
    ]


def _fetched(query, params: dict | None) -> tuple[list[tuple], tuple]:
    """The query's rows as the driver gives them, and the driver's description of their columns.

    Read from the driver's cursor itself: SQLAlchemy's rows cost more than the query for a page
    of attendance."""
    result = db.session.execute(query, params)
    try:
        return result.cursor.fetchall(), result.cursor.description
    finally:
        result.close()


def bulletin_columns() -> list[str]:
    """The column names of bulletin rows."""
    return ["id", "version", "deleted", *BULLETIN_FIELDS]


def _bulletins(scope: Scope, cursor: int, ceiling: int, limit: int) -> tuple:
    query, converters = _bulletins_query(db.session.get_bind().dialect.name, scope, today())
    rows = _rows(query, converters, {"cursor": cursor, "ceiling": ceiling, "limit": limit})
    return BULLETIN, [row[1] for row in rows], rows


@lru_cache(maxsize=512)
def _bulletins_query(dialect: str, scope: Scope, day) -> tuple:
    """The query of a page of bulletins for a scope on a day, built once: building the places
    they reach cost more than running it, on every page of a first pull."""
    table = Bulletin.__table__
    gone = sa.or_(table.c.status != "published", table.c.expires_on < day)
    postgresql = dialect == "postgresql"
    selected = [sa.cast(table.c.id, sa.Text) if postgresql else _raw_uuid(table.c.id), table.c.version, gone]
    selected += [table.c[name] for name in BULLETIN_FIELDS]
    converters = [(3 + BULLETIN_FIELDS.index(name), jsonable) for name in ("price_on", "expires_on")]
    converters += [] if postgresql else [(0, uuid_text)]
    version = table.c.version
    after, upto = sa.bindparam("cursor", type_=sa.BigInteger), sa.bindparam("ceiling", type_=sa.BigInteger)
    query = (
        sa.select(*selected)
        .where(version > after, version <= upto, table.c.published_at.is_not(None))
        .where(reaching_places(scope))
        .order_by(version)
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )
    return query, converters


def _rows(query, converters: list, params: dict | None = None) -> list[list]:
    """The query's rows as lists of wire values (read from the driver: `_fetched`).

    The few values the driver does not give in their Python type (SQLite's booleans and JSON,
    dates) go through their column type's own result conversion, then the wire conversion."""
    fetched, description = _fetched(query, params)
    rows = list(map(list, fetched))
    dialect = db.session.get_bind().dialect
    for position, convert in _wire_converters(query, converters, dialect, description):
        for row in rows:
            row[position] = convert(row[position])
    return rows


def _wire_converters(query, converters: list, dialect, description) -> list:
    """(position, function) for each column whose driver value is not its wire value yet."""
    wire = dict(converters)
    out = []
    for position, column in enumerate(query.selected_columns):
        stored = column.type._cached_result_processor(dialect, description[position][1])
        then = wire.get(position)
        if stored and then:
            out.append((position, lambda value, stored=stored, then=then: then(stored(value))))
        elif stored or then:
            out.append((position, stored or then))
    return out


def _exits(scope: Scope, cursor: int, ceiling: int, limit: int) -> tuple:
    table = ScopeExit.__table__
    query = (
        sa.select(table.c.version, table.c.entity, table.c.record_id)
        .where(table.c.version > cursor, table.c.version <= ceiling, scope.commune_filter(table.c.commune_code))
        .order_by(table.c.version)
        .limit(limit)
    )
    rows = db.session.execute(query).all()
    return (
        EXIT,
        [version for version, _name, _record_id in rows],
        [(name, record_id) for _version, name, record_id in rows],
    )


def _exit_blocks(scope: Scope, exits: dict[str, list]) -> dict:
    """The exited records by kind, identified as in `records`; a record back in scope is no exit."""
    blocks = {}
    for name, record_ids in exits.items():
        entity = ENTITIES[name]
        table = entity.model.__table__
        names = identity(entity)
        selected, converters = _select(entity, names, db.session.get_bind().dialect.name)
        query, commune = scope_commune_column(entity, sa.select(*selected))
        # It may have moved back since: an exit is news only to phones it no longer concerns.
        query = query.where(table.c.id.in_(record_ids), sa.not_(scope.commune_filter(commune)))
        rows = _rows(query.order_by(*selected), converters)
        if rows:
            blocks[name] = {"columns": list(names), "rows": rows}
    return blocks
