"""`column IN (a list)` with the whole list as one bound parameter, for the push's prefetch.

A push looks up hundreds of ids at once (its mutation ids, record ids, parents, natural keys).
With one parameter per id, SQLAlchemy processes and renders each of them and the database
parses them every time; here the list is one parameter: a PostgreSQL array (`= ANY(...)`, or
`unnest()` of one array per column for a natural key) or, on SQLite, a JSON array read by
`json_each`. The statements are built once per dialect; `value()` makes the parameter's value.

On PostgreSQL a list of UUIDs goes as the text of its array, `{id,id,...}`, in a parameter typed
uuid[] (`UuidArrayText`): psycopg dumps a Python list element by element in Python (a fifth of a
push's statement preparation), while the hex digits of each UUID and one join are quick, and the
database reads the same text either way. The parameter's type travels with it, so the planner
sees the array as it would a list (a text parameter cast to uuid[] in the statement was planned
blind: forty times slower).
"""

import json
from uuid import UUID

import psycopg
import sqlalchemy as sa
from psycopg.adapt import Dumper
from sqlalchemy.dialects import postgresql


class UuidArrayText(str):
    """The text of a PostgreSQL uuid[], sent as a uuid[] parameter."""

    @classmethod
    def of(cls, values) -> "UuidArrayText":
        """The array of these UUIDs (or their strings); a None is the array's NULL.

        A UUID goes as its 32 hex digits, which PostgreSQL reads as it reads the hyphenated form:
        `.hex` is a sixth of the cost of `str()`, and a push sends a few thousand ids per batch.
        """
        return cls(
            "{" + ",".join(["NULL" if v is None else v.hex if isinstance(v, UUID) else str(v) for v in values]) + "}"
        )


class _UuidArrayTextDumper(Dumper):
    oid = psycopg.postgres.types["uuid"].array_oid

    def dump(self, obj: UuidArrayText) -> bytes:
        return obj.encode()


psycopg.adapters.register_dumper(UuidArrayText, _UuidArrayTextDumper)


class UuidArray(sa.types.UserDefinedType):
    """A bound uuid[] whose value is a UuidArrayText: SQLAlchemy neither processes nor casts it."""

    cache_ok = True

    def get_col_spec(self, **_kw) -> str:
        return "UUID[]"


def pg_array(column, name: str):
    """The PostgreSQL array of the column's type given as the parameter `name` (see pg_array_value)."""
    if isinstance(column.type, sa.Uuid):
        return sa.bindparam(name, type_=UuidArray())
    return sa.bindparam(name, type_=postgresql.ARRAY(column.type))


def pg_array_value(column, values) -> object:
    """The value of pg_array(column, ...) for these values."""
    if isinstance(column.type, sa.Uuid):
        return UuidArrayText.of(values)
    return list(values)


def among(column, name: str, dialect: str):
    """`column IN` the list given as the parameter `name`."""
    if dialect == "postgresql":
        return column == sa.any_(pg_array(column, name))
    if dialect == "sqlite":
        values = sa.func.json_each(sa.bindparam(name, type_=sa.String)).table_valued("value")
        return column.in_(sa.select(values.c.value))
    return column.in_(sa.bindparam(name, expanding=True))


def among_tuples(columns: list, name: str, dialect: str):
    """`(columns) IN` the list of tuples given as the parameter `name` (see tuples_value)."""
    if dialect == "postgresql":
        arrays = [pg_array(c, f"{name}_{n}") for n, c in enumerate(columns)]
        table = sa.func.unnest(*arrays).table_valued(*[f"k{n}" for n in range(len(columns))]).render_derived()
        return sa.tuple_(*columns).in_(sa.select(*table.c))
    if dialect == "sqlite":
        each = sa.func.json_each(sa.bindparam(name, type_=sa.String)).table_valued("value")
        parts = [sa.func.json_extract(each.c.value, f"$[{n}]") for n in range(len(columns))]
        return sa.tuple_(*columns).in_(sa.select(*parts))
    return sa.tuple_(*columns).in_(sa.bindparam(name, expanding=True))


def value(column, values, dialect) -> object:
    """The parameter of among(column, ...) for these values."""
    if dialect.name == "postgresql":
        return pg_array_value(column, values)
    if dialect.name == "sqlite":
        process = column.type._cached_bind_processor(dialect)
        return json.dumps([process(v) for v in values] if process else list(values))
    return list(values)


def tuples_value(columns: list, name: str, keys, dialect) -> dict:
    """The parameters of among_tuples(columns, name, ...) for these tuples."""
    keys = list(keys)
    if dialect.name == "postgresql":
        return {f"{name}_{n}": pg_array_value(c, [key[n] for key in keys]) for n, c in enumerate(columns)}
    if dialect.name == "sqlite":
        processes = [c.type._cached_bind_processor(dialect) for c in columns]
        rows = [[p(v) if p else v for p, v in zip(processes, key, strict=True)] for key in keys]
        return {name: json.dumps(rows)}
    return {name: keys}
