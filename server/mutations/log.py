"""The mutation log of one push: earlier entries found by mutation id, new ones written in one INSERT."""

import functools
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from server.extensions import db
from server.models_base import utcnow
from server.mutations import listed
from server.mutations.models import Mutation
from server.mutations.rows import insert_rows


@dataclass
class Entry:
    """What became of a mutation id: its first reply, and its row's id if it is already in the log."""

    reply: dict
    row_id: int | None = None  # already in the log
    pending: dict | None = None  # to be inserted at the end of this push

    @property
    def code(self) -> str | None:
        """The rejection code of the first reply, if rejected."""
        return self.reply.get("code")


class LogBook:
    """Log entries for one push by one device."""

    def __init__(self, user, token, device_id: str | None = None):
        self.user, self.token = user, token
        self.device_id = token.device_id if token is not None else device_id
        # Read once: the user is often flask_login's current_user, a proxy looked up on every use.
        self.user_id, self.token_id = user.id, token.id if token is not None else None
        self.entries: dict[uuid.UUID, Entry] = {}
        self.new_rows: list[dict] = []
        self.updates: dict[int, dict] = {}  # log row id -> new values of a retried mutation
        self.received_at = None  # the entries' time of reception (None: each when it is added)

    def load(self, mutation_ids: list, record_ids=()) -> dict[uuid.UUID, uuid.UUID]:
        """Find the mutation ids already in the log, and the record ids merged into another (one query).

        Returns {record id sent: id of the record it was merged into}.
        """
        merged = {}
        wanted = set(mutation_ids)
        table, dialect = Mutation.__table__, db.session.get_bind().dialect
        params = {"ids": listed.value(table.c.mutation_id, mutation_ids, dialect)}
        if record_ids:
            params["records"] = listed.value(table.c.record_id, record_ids, dialect)
        found = db.session.execute(_earlier(dialect.name, bool(record_ids)), params)
        for row in found:
            if row.mutation_id in wanted:
                self.entries[row.mutation_id] = Entry(row.reply or _applied(row), row.id)
            if row.result == "merged" and row.record_id in record_ids:
                merged[row.record_id] = uuid.UUID(row.reply["record_id"])
        return merged

    def get(self, mutation_id: uuid.UUID) -> Entry | None:
        """The entry of a mutation id seen before, in the log or earlier in this push."""
        return self.entries.get(mutation_id)

    def add(self, m: dict, reply: dict, conflicts: dict | None) -> None:
        """Log a processed mutation; a retried one updates its earlier row."""
        first = dict(reply)  # the reply as sent now: the push adds the versions to it later
        values = {
            "device_token_id": self.token_id,
            "device_id": self.device_id,
            "user_id": self.user_id,
            "entity": m["entity"],
            "record_id": m["record_id"],
            "op": m["op"],
            "fields": m["changed"],
            "base_version": m["base_version"],
            "client_clock": m["clock"],
            "received_at": self.received_at or utcnow(),
            "result": reply["status"],
            "result_code": reply.get("code"),
            # An applied mutation's reply follows from its row (_applied): not stored again.
            "reply": {} if reply["status"] == "applied" and reply.keys() == _APPLIED_KEYS else first,
            "conflicts": conflicts,
        }
        earlier = self.entries.get(m["mutation_id"])
        if earlier is None:
            pending = {"mutation_id": m["mutation_id"], **values}
            self.new_rows.append(pending)
            self.entries[m["mutation_id"]] = Entry(first, pending=pending)
            return
        # A retryable rejection tried again: the same log entry gets the new outcome.
        earlier.reply = first
        if earlier.pending is not None:
            earlier.pending.update(values)
        else:
            self.updates[earlier.row_id] = values

    def forget(self, record_id, names: tuple[str, ...]) -> None:
        """Remove withdrawn values of a record from the log, stored and pending entries alike."""
        for row in db.session.scalars(sa.select(Mutation).where(Mutation.record_id == record_id)):
            row.fields, row.reply = scrub(row.fields, names), scrub(row.reply, names)
            row.conflicts = scrub(row.conflicts, names) if row.conflicts else sa.null()
        for pending in [*self.new_rows, *self.updates.values()]:
            if pending["record_id"] == record_id:
                pending["fields"], pending["conflicts"] = (
                    scrub(pending["fields"], names),
                    scrub(pending["conflicts"], names),
                )

    def write(self) -> None:
        """Insert the new entries and update the retried ones; "no conflict" is SQL NULL, not JSON null."""
        table = Mutation.__table__
        with_conflicts = [row for row in self.new_rows if row["conflicts"]]
        without = [{k: v for k, v in row.items() if k != "conflicts"} for row in self.new_rows if not row["conflicts"]]
        for rows in (with_conflicts, without):
            if rows:
                insert_rows(db.session, table, rows)
        for row_id, values in self.updates.items():
            values = {**values, "conflicts": values["conflicts"] or sa.null()}
            db.session.execute(sa.update(table).where(table.c.id == row_id).values(**values))
        self.new_rows, self.updates = [], {}


_APPLIED_KEYS = {"mutation_id", "status", "record_id"}


def _applied(row) -> dict:
    """The first reply to a mutation applied to the record it named, as it was sent (apply._reply)."""
    return {"mutation_id": str(row.mutation_id), "status": row.result, "record_id": str(row.record_id)}


@functools.cache
def _earlier(dialect: str, with_records: bool):
    """Log entries of the mutation ids "ids", and the merges of the record ids "records"; built once."""
    table = Mutation.__table__
    found = listed.among(table.c.mutation_id, "ids", dialect)
    if with_records:
        merges = sa.and_(listed.among(table.c.record_id, "records", dialect), table.c.result == "merged")
        found = sa.or_(found, merges)
    return sa.select(table.c.id, table.c.mutation_id, table.c.record_id, table.c.result, table.c.reply).where(found)


def scrub(data, names: tuple[str, ...]):
    """A copy of a logged JSON value without the named fields, at any depth."""
    if isinstance(data, dict):
        return {k: scrub(v, names) for k, v in data.items() if k not in names}
    if isinstance(data, list):
        return [scrub(v, names) for v in data]
    return data
