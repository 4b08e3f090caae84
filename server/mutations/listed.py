"""`column IN (a list)` with the whole list as one bound parameter, for the push's prefetch.

A push looks up hundreds of ids at once (its mutation ids, record ids, parents, natural keys).
With one parameter per id, SQLAlchemy processes and renders each of them and the database
parses them every time; here the list is one parameter: a PostgreSQL array (`= ANY(...)`, or
`unnest()` of one array per column for a natural key) or, on SQLite, a JSON array read by
`json_each`. The statements are built once per dialect; `value()` makes the parameter's value.
"""

import json

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def among(column, name: str, dialect: str):
    """`column IN` the list given as the parameter `name`."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=postgresql.ARRAY(column.type)))
    if dialect == "sqlite":
        values = sa.func.json_each(sa.bindparam(name, type_=sa.String)).table_valued("value")
        return column.in_(sa.select(values.c.value))
    return column.in_(sa.bindparam(name, expanding=True))


def among_tuples(columns: list, name: str, dialect: str):
    """`(columns) IN` the list of tuples given as the parameter `name` (see tuples_value)."""
    if dialect == "postgresql":
        arrays = [sa.bindparam(f"{name}_{n}", type_=postgresql.ARRAY(c.type)) for n, c in enumerate(columns)]
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
        return list(values)
    if dialect.name == "sqlite":
        process = column.type._cached_bind_processor(dialect)
        return json.dumps([process(v) for v in values] if process else list(values))
    return list(values)


def tuples_value(columns: list, name: str, keys, dialect) -> dict:
    """The parameters of among_tuples(columns, name, ...) for these tuples."""
    keys = list(keys)
    if dialect.name == "postgresql":
        return {f"{name}_{n}": [key[n] for key in keys] for n in range(len(columns))}
    if dialect.name == "sqlite":
        processes = [c.type._cached_bind_processor(dialect) for c in columns]
        rows = [[p(v) if p else v for p, v in zip(processes, key, strict=True)] for key in keys]
        return {name: json.dumps(rows)}
    return {name: keys}
