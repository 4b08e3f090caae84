"""New records of a batch as plain rows, written with one INSERT per table (executemany) at the end of the batch.

A record created by a mutation is not an ORM object: the rules and the merge read and set its
attributes as they do on a loaded record, and `write_new` inserts every kind's new rows with one
Core statement each, after the versions step (server/models_base.py) has given them their
versions together with the session's changed rows. The INSERTs go through the driver's executemany
(on PostgreSQL its COPY) in `insert_rows`, which tells the summary hooks which households they touch
(server/reports/summary_hooks.py `mark_inserted`).
"""

import itertools
import operator

import sqlalchemy as sa
from sqlalchemy import orm

from server.extensions import db
from server.models_base import assign_versions_now
from server.reports.summary_hooks import mark_inserted

_SHAPES: dict[type, tuple] = {}
_ORDER: list[sa.Table] = []  # every table, parents first (sorting them anew costs on every batch)


def _shape(model: type):
    """Per model: (attribute, column) pairs, constant defaults, callable defaults, and the model's
    `complete_new_row` (columns that follow from the version, as its ORM listeners fill them) or None."""
    found = _SHAPES.get(model)
    if found is None:
        mapper = sa.inspect(model)
        pairs, constants, callables = [], {}, []
        for attr in mapper.column_attrs:
            [column] = attr.columns
            pairs.append((attr.key, column.key))
            default = column.default
            if default is None:
                constants[attr.key] = None
            elif default.is_callable:
                callables.append((attr.key, default.arg))
            elif default.is_scalar:
                constants[attr.key] = default.arg
            else:
                raise TypeError(f"{model.__name__}.{attr.key}: a default only the database can compute")
        complete = getattr(model, "complete_new_row", None)
        found = _SHAPES[model] = (tuple(pairs), constants, tuple(callables), complete)
    return found


class NewRow:
    """A record this batch creates: every column an attribute, defaults filled in as the INSERT would."""

    def __init__(self, model: type, **values):
        _pairs, constants, callables, _complete = _shape(model)
        attrs = self.__dict__
        attrs.update(constants)
        for key, default in callables:
            if key not in values:
                attrs[key] = default(None)
        attrs.update(values)
        attrs["_model"] = model

    @property
    def is_deleted(self) -> bool:
        """Whether the record is a tombstone."""
        return self.deleted_at is not None

    def values(self) -> dict:
        """The INSERT's parameters, by column; a model may fill in columns that follow from the
        version (`complete_new_row`), as its ORM listeners do for a record added to the session."""
        attrs = self.__dict__
        pairs, _constants, _callables, complete = _shape(self._model)
        values = {column: attrs[key] for key, column in pairs}
        return complete(values) if complete else values


def write_new(session: orm.Session, rows: list[NewRow]) -> None:
    """Versions for the session's changed rows and for `rows` in one step, then one INSERT per table."""
    if isinstance(session, orm.scoped_session):
        session = session()
    assign_versions_now(session, rows)
    by_table: dict[sa.Table, list[dict]] = {}
    for row in rows:
        by_table.setdefault(row._model.__table__, []).append(row.values())
    if not _ORDER:
        _ORDER.extend(db.metadata.sorted_tables)
    for table in _ORDER:  # parents before the rows that refer to them
        if table in by_table:
            insert_rows(session, table, by_table[table])


def insert_rows(session: orm.Session, table: sa.Table, rows: list[dict]) -> None:
    """One INSERT of `rows` (each with the same columns) by the driver's executemany.

    The values are processed by the columns' own types, as SQLAlchemy would, but once per value
    rather than through its per-row parameter handling, which cost as much as the database in a
    push of 500. The summary hooks do not see a driver's statement: they are told the rows here.
    """
    if isinstance(session, orm.scoped_session):
        session = session()
    conn = session.connection()
    sql, processors = _driver_insert(conn.dialect, table, tuple(rows[0]))
    # Column by column: one pass per column, and a value shared by every row (the batch's time,
    # say) processed once.
    columns = []
    for key, process in processors:
        values = [row[key] for row in rows]
        if process is not None:
            first = values[0]
            if all(map(operator.is_, values, itertools.repeat(first))):
                values = [process(first)] * len(values)
            else:
                values = list(map(process, values))
        columns.append(values)
    if conn.dialect.driver == "psycopg":
        _copy(conn, table, [key for key, _process in processors], columns)
    elif conn.dialect.positional:
        conn.exec_driver_sql(sql, list(zip(*columns, strict=True)))
    else:
        keys = [key for key, _process in processors]
        conn.exec_driver_sql(sql, [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)])
    mark_inserted(session, table, rows)


def _copy(conn, table: sa.Table, keys: list[str], columns: list[list]) -> None:
    """The rows by PostgreSQL's COPY (psycopg), one statement with no per-row statement work.

    Timed against the pipelined executemany, it took half the time for a push's log. In COPY's
    binary format where every column has a binary form psycopg writes (`_binary_types`): the
    database then reads a UUID's 16 bytes or a time's 8, not their text, and the app's CPU in a
    push's COPYs is halved (114 against 277 ms per 10,000 mutations; the wall time changed
    within the noise). Lengths are checked as for text. Listeners of the engine's statement
    events see it as one statement; a row the database refuses (a key a concurrent push
    inserted meanwhile) raises SQLAlchemy's IntegrityError, as an INSERT does.
    """
    quote = conn.dialect.identifier_preparer
    names = ", ".join(quote.quote(table.c[key].name) for key in keys)
    types = _binary_types(table, tuple(keys))
    statement = f"COPY {quote.format_table(table)} ({names}) FROM STDIN"
    if types is not None:
        statement += " (FORMAT BINARY)"
    raw = conn.connection.dbapi_connection
    with raw.cursor() as cursor:
        if conn._has_events or conn.engine._has_events:
            conn.dispatch.before_cursor_execute(conn, cursor, statement, (), None, True)
        try:
            with cursor.copy(statement) as copy:
                if types is not None:
                    copy.set_types(types)
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
        except raw.Error as error:
            raise sa.exc.DBAPIError.instance(statement, None, error, type(raw).Error) from error
        if conn._has_events or conn.engine._has_events:
            conn.dispatch.after_cursor_execute(conn, cursor, statement, (), None, True)


# The PostgreSQL type whose binary form psycopg writes for a column's bound value (a JSON column's
# value is bound wrapped in psycopg's Json); a binary integer must have its column's width.
_BINARY_NAMES = {
    sa.Uuid: "uuid",
    sa.String: "text",
    sa.Text: "text",
    sa.JSON: "json",
    sa.BigInteger: "int8",
    sa.Integer: "int4",
    sa.SmallInteger: "int2",
    sa.Boolean: "bool",
    sa.Float: "float8",
    sa.Date: "date",
    sa.DateTime: "timestamptz",
}
_BINARY_TYPES: dict[tuple, list | None] = {}


def _binary_types(table: sa.Table, keys: tuple) -> list | None:
    """The types of these columns for a binary COPY, or None if one has no binary form here."""
    found = _BINARY_TYPES.get((table, keys), False)
    if found is False:
        found = []
        for key in keys:
            column_type = table.c[key].type
            if isinstance(column_type, sa.types.TypeDecorator):
                column_type = column_type.impl_instance
            name = _BINARY_NAMES.get(type(column_type))  # the exact type: subclasses such as Enum go as text
            if (
                name is None
                or (name == "timestamptz" and not column_type.timezone)
                or (name == "float8" and column_type.precision is not None)
            ):
                found = None
                break
            found.append(name)
        _BINARY_TYPES[(table, keys)] = found
    return found


_INSERTS: dict[tuple, tuple] = {}


def _driver_insert(dialect, table: sa.Table, keys: tuple) -> tuple[str, list]:
    """The INSERT's text for these columns and, in its parameters' order, each one's bind processor."""
    found = _INSERTS.get((dialect, table, keys))
    if found is None:
        compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(keys))
        order = compiled.positiontup if dialect.positional else keys
        processors = [(key, table.c[key].type._cached_bind_processor(dialect)) for key in order]
        found = _INSERTS[(dialect, table, keys)] = (compiled.string, processors)
    return found
