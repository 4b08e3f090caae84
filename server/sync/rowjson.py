"""A pull page's rows written as JSON by the database, and the page's body around them.

Turning a page of 2,000 attendance rows into Python values and then into JSON cost more than the
query itself. For the kinds whose every column has one JSON text whatever writes it (text,
integers, UUIDs, dates and the deleted flag), the database writes each row's JSON array itself
(SQLite `json_array`, PostgreSQL `to_json` joined by commas), exactly as `json.dumps(row,
ensure_ascii=False, separators=(",", ":"))` writes the row's wire values: the same escapes (`\\n`,
`\\u001f`, `\\"`), characters beyond ASCII as they are, no spaces. The body of the page is then
joined from those texts (`page_json`), byte for byte what `json.dumps` of the whole page gives.

Kinds with a column whose text the database would write differently stay with Python: floats
(SQLite rounds to 15 digits, PostgreSQL writes 10.0 as 10), times (PostgreSQL drops trailing
zeros of the fraction) and JSON columns (kept as Python wrote them, with ASCII escapes).
`tests/sync/test_pull_json.py` writes awkward values through the pull and checks the texts.

What a row costs the database: on SQLite, cutting a UUID's 32 hex digits into its canonical text
with `substr` and `||` was 40% of a page of attendance; `uuid_text`, a function the app gives
every SQLite connection (`sqlite_functions`), does it in a quarter of that. The deleted flag is one
of two constant JSON values, which SQLite works out once per statement, not once per row. On
PostgreSQL a row is one `concat` of its pieces rather than a chain of `||`, each of which copies
the text so far.
"""

import json
from functools import lru_cache

import sqlalchemy as sa

# Column types whose values the database writes in JSON as Python does.
EXACT_TYPES = (sa.String, sa.Integer, sa.BigInteger, sa.Uuid, sa.Date)
DELETED = "deleted"

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class JsonRows(list):
    """A kind's rows as JSON texts already, one per row, in page order."""


def sqlite_functions(dbapi_connection) -> None:
    """The SQL functions `row_json` uses on SQLite, given to a new connection."""
    dbapi_connection.create_function("uuid_text", 1, uuid_text, deterministic=True)


@lru_cache(maxsize=4096)  # a page names the same few sessions again and again
def uuid_text(digits: str | None) -> str | None:
    """A UUID's canonical text from the 32 hex digits SQLite keeps (None stays None)."""
    if digits is None:
        return None
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def writable(table: sa.Table, names) -> bool:
    """Whether the database can write rows of these columns (`deleted` being deleted_at's flag)."""
    for name in names:
        if name == DELETED:
            continue
        if not isinstance(table.c[name].type, EXACT_TYPES):
            return False
    return True


def row_json(parts: list, dialect: str):
    """The SQL expression of a row's JSON array from (kind, expression) parts.

    kind: "deleted" (the expression is deleted_at: false while NULL), "uuid", "null" (always
    null), "value" (text, integer or date: the column as it is)."""
    if dialect == "sqlite":
        return sa.func.json_array(*(_sqlite_value(kind, expression) for kind, expression in parts))
    pieces = [sa.literal_column("'['")]
    for kind, expression in parts:
        if len(pieces) > 1:
            pieces.append(sa.literal_column("','"))
        pieces.append(_postgresql_value(kind, expression))
    pieces.append(sa.literal_column("']'"))
    # Every piece is text already, never NULL (`concat` would leave a NULL out).
    return sa.func.concat(*pieces, type_=sa.Text)


def _sqlite_value(kind: str, expression):
    if kind == DELETED:
        false, true = sa.func.json(sa.literal_column("'false'")), sa.func.json(sa.literal_column("'true'"))
        return sa.case((expression.is_(None), false), else_=true)
    if kind == "uuid":
        # SQLite keeps a UUID as 32 hex digits: `uuid_text` puts the dashes in.
        return sa.func.uuid_text(sa.type_coerce(expression, sa.String), type_=sa.String)
    if kind == "null":
        return sa.null()
    return expression


def _postgresql_value(kind: str, expression):
    if kind == DELETED:
        return sa.case((expression.is_(None), sa.literal_column("'false'")), else_=sa.literal_column("'true'"))
    if kind == "null":
        return sa.literal_column("'null'")
    if kind == "uuid":
        text = sa.literal_column("'\"'").op("||")(sa.cast(expression, sa.Text)).op("||")(sa.literal_column("'\"'"))
    elif isinstance(expression.type, sa.Integer):
        text = sa.cast(expression, sa.Text)
    else:
        text = sa.cast(sa.func.to_json(expression), sa.Text)
    if getattr(expression, "nullable", True) is False:
        return text
    return sa.func.coalesce(text, sa.literal_column("'null'"))


def page_json(body: dict) -> bytes:
    """The page as `json.dumps(body, ensure_ascii=False, separators=(",", ":"))` writes it, with
    the rows the database wrote (JsonRows) put in as they are."""
    members = []
    for key, value in body.items():
        if key == "records":
            blocks = ",".join(
                f'{_encode(kind)}:{{"columns":{_encode(block["columns"])},"rows":{_rows(block["rows"])}}}'
                for kind, block in value.items()
            )
            members.append(f'"records":{{{blocks}}}')
        else:
            members.append(f"{_encode(key)}:{_encode(value)}")
    return ("{" + ",".join(members) + "}").encode()


def _rows(rows) -> str:
    if isinstance(rows, JsonRows):
        return "[" + ",".join(rows) + "]"
    return _encode(rows)
