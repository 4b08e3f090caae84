"""The one write path: a change from a phone or a web page, checked by its domain's rules, merged, logged.

Each mutation is checked completely (schema, the domain's rules, places, scope, references)
before anything is written, so a rejected one leaves no trace but its log entry and never
blocks the others. The caller decides when the transaction commits (the push once per batch,
a web request once per request).

Replays: a mutation id seen before returns its first reply (status "duplicate") and changes
nothing, unless it was rejected for a retryable reason (its household not on the server yet,
say), in which case it is tried again.

Scope moves: when a household or a training session changes commune, a ScopeExit row is
written for it and for the records that follow it (consents and accounts, or attendance)
with the old commune, and those records get a new version. Pulls by phones of the old
commune send the exit as a "gone" change; phones of the new commune get the records.
"""

import uuid

import sqlalchemy as sa

from server.extensions import db
from server.models_base import touch
from server.mutations.batch import Batch
from server.mutations.entity import Entity
from server.mutations.kinds import ENTITIES, FOLLOWERS
from server.mutations.log import scrub
from server.mutations.merge import DELETED, merge_fields
from server.mutations.models import ScopeExit
from server.mutations.rejections import RETRYABLE, Rejected

PARENT_FIELDS = (("session_id", "session"), ("household_id", "household"))
# Per kind, the parents its fields name (checked for scope).
_PARENTS = {name: tuple(p for p in PARENT_FIELDS if p[0] in entity.fields) for name, entity in ENTITIES.items()}


def apply_mutation(batch: Batch, m: dict) -> dict:
    """Check one mutation, apply it and log it; return its reply."""
    seen = batch.logs.get(m["mutation_id"])
    if seen is not None and seen.code not in RETRYABLE:
        return {**seen.reply, "status": "duplicate", "original_status": seen.reply["status"]}
    entity = ENTITIES[m["entity"]]
    conflicts = None
    try:
        record, values, merged = _resolve(batch, entity, m)
        record, conflicts = _write(batch, entity, m, record, values)
        if merged:
            batch.aliases[m["record_id"]] = record.id
        reply = _reply(str(m["mutation_id"]), "merged" if merged else "applied", str(record.id))
    except Rejected as rejection:
        reply = rejected_reply(m["mutation_id"], m["record_id"], rejection)
        if rejection.withheld:
            m = {**m, "changed": scrub(m["changed"], rejection.withheld)}
    batch.logs.add(m, reply, conflicts)
    return reply


def _resolve(batch: Batch, entity: Entity, m: dict) -> tuple[object | None, dict, bool]:
    """Find the target and check the mutation fully before anything is written."""
    # A phone's clock must not run ahead of the server's; the server's own clocks (web pages,
    # imports) are made after every clock a record carries, old frozen ones included.
    if batch.token is not None and m["clock"][:13] > batch.latest_prefix:
        raise Rejected("clock_ahead", {"clock": ["ahead of the server's time"]})
    values = batch.values(entity, m)
    record = batch.record(entity, m["record_id"])
    merged = record is not None and record.id != m["record_id"]
    if record is None and entity.key and all(f in values for f in entity.key):
        record = batch.find_key(entity, values)
        merged = record is not None
    if record is None:
        if m["op"] == "delete":
            raise Rejected("unknown_record")
        missing = [f for f in entity.required if f not in values]
        if missing:
            raise Rejected("incomplete", {f: ["missing"] for f in missing})
    else:
        changed_keys = [f for f in entity.key if f in values and values[f] != getattr(record, f)]
        if changed_keys:
            raise Rejected("key_change", {f: ["cannot change"] for f in changed_keys})
    if entity.place is not None and m["op"] != "delete":
        entity.place(batch, record, values)
    _check_scope(batch, entity, record, values)
    if entity.check is not None and m["op"] != "delete":
        entity.check(batch, record, values, m["record_id"])
    return record, values, merged


def _check_scope(batch: Batch, entity: Entity, record, values: dict) -> None:
    """The record's commune before and after the change, and that of every record it refers to, are the user's."""
    communes = [scope_commune(batch, entity, record)] if record is not None else []
    if entity.parent is None:
        communes.append(values["commune_code"] if "commune_code" in values else getattr(record, "commune_code", None))
    for field, parent in _PARENTS[entity.name]:
        parent_id = values[field] if field in values else getattr(record, field, None)
        found = batch.session(parent_id) if parent == "session" else batch.household(parent_id)
        if found is None:
            raise Rejected(f"unknown_{parent}")
        communes.append(found.commune_code)
    covers = batch.scope.covers_commune
    for code in communes:
        if not covers(code):
            raise Rejected("out_of_scope")


def scope_commune(batch: Batch, entity: Entity, record) -> str | None:
    """The commune whose users may see and change the record."""
    if entity.parent is None:
        return record.commune_code
    parent = batch.household(record.household_id) if entity.parent == "household" else batch.session(record.session_id)
    return parent.commune_code if parent is not None else None


def _write(batch: Batch, entity: Entity, m: dict, record, values: dict):
    """Merge the values into the record (creating it if new); return it and any conflicts."""
    is_new = record is None
    if is_new:
        record = batch.create(entity, id=m["record_id"], field_clocks={}, **{f: values[f] for f in entity.key})
    old_commune = None if is_new else getattr(record, "commune_code", None)
    merge_values = {k: v for k, v in values.items() if k not in entity.key}
    merge_values[DELETED] = m["op"] == "delete"
    changed, conflicts = merge_fields(record, merge_values, m["clock"], m["base_version"], is_new, entity.together)
    if entity.complete is not None:
        entity.complete(batch, record, values, changed, m["clock"])
    if old_commune is not None and "commune_code" in changed and entity.name in FOLLOWERS:
        _leave_commune(entity, record, old_commune)
    return record, conflicts or None


def _leave_commune(entity: Entity, record, old_commune: str) -> None:
    """Tell the old commune's phones to drop the record and those that follow it."""
    db.session.add(ScopeExit(entity=entity.name, record_id=record.id, commune_code=old_commune))
    for name in FOLLOWERS[entity.name]:
        follower = ENTITIES[name]
        link = follower.model.household_id if entity.name == "household" else follower.model.session_id
        for row in db.session.scalars(sa.select(follower.model).where(link == record.id)):
            db.session.add(ScopeExit(entity=name, record_id=row.id, commune_code=old_commune))
            touch(db.session, row)  # phones of the new commune must get it too


def _reply(mutation_id: str | None, status: str, record_id: str | None) -> dict:
    return {"mutation_id": mutation_id, "status": status, "record_id": record_id}


def rejected_reply(mutation_id, record_id, rejection: Rejected) -> dict:
    """The reply to a refused mutation: its code, the reason in words, whether to send it again.

    The ids are those sent (as text), or null where the mutation had none, or not as text: a
    mutation that cannot even be read may come with anything there.
    """
    reply = _reply(_sent_id(mutation_id), "rejected", _sent_id(record_id))
    reply.update(code=rejection.code, message=rejection.message, retryable=rejection.code in RETRYABLE)
    if rejection.errors:
        reply["errors"] = rejection.errors
    return reply


def _sent_id(value) -> str | None:
    if isinstance(value, uuid.UUID):
        return str(value)
    return value if isinstance(value, str) and value else None
