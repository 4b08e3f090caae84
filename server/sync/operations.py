"""Applying pushed mutations: checked one by one, committed once per push.

A push runs in one database transaction that commits once, at the end, with the device's
sync details and the mutation log: if anything fails before that, nothing of the batch is
kept and the phone sends it again, which is safe because every mutation is idempotent.
Versions are handed out at that commit (one counter-row lock per push, held briefly).

Each mutation is checked completely (schema, places, scope, references) before anything is
written, so a rejected one leaves no trace but its log entry and never blocks the others.
The one write the database itself can still refuse is a new row with a natural key that a
concurrent push inserted meanwhile: that write runs inside its own SAVEPOINT, and on a
unique violation only it is rolled back and tried again, which then finds the row and merges.
Other writes are flushed together at commit (a SAVEPOINT and flush per mutation made pushes
several times slower and protected against nothing the checks do not already catch).

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
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError as SchemaError

from server import clock as hlc
from server.auth.scope import scope_for
from server.extensions import db
from server.models_base import ASSIGNED_VERSIONS, current_version, touch, utcnow
from server.sync.batch import Batch
from server.sync.entities import ENTITIES, FOLLOWERS, Entity
from server.sync.merge import DELETED, merge_fields
from server.sync.models import ScopeExit
from server.sync.records import complete_record, new_record
from server.sync.schemas import MutationSchema

REJECTIONS = {
    "invalid": _l("Some values are not valid."),
    "out_of_scope": _l("This record belongs to a commune you do not work in."),
    "unknown_place": _l("There is no such commune or hamlet, or the hamlet is not in that commune."),
    "key_change": _l("The household, session, platform, provider or purpose of a saved record cannot be changed."),
    "unknown_household": _l("The household of this record is not on the server yet."),
    "unknown_session": _l("The training session of this record is not on the server yet."),
    "unknown_record": _l("This record is not on the server yet."),
    "incomplete": _l("A new record is missing required values."),
    "clock_ahead": _l(
        "The date and time of this phone are wrong (ahead of the server's). Set them right in the "
        "phone's settings: your changes are kept and will be sent then."
    ),
}
_MUTATION = MutationSchema()
_LOADERS = {name: entity.schema() for name, entity in ENTITIES.items()}
# The phone keeps these in its outbox and sends them again: what is missing may arrive later.
# A clock ahead of the server's time is kept too: the phone stamps the change again once its date is right.
RETRYABLE = frozenset({"unknown_household", "unknown_session", "unknown_record", "incomplete", "clock_ahead"})


class Rejected(Exception):
    """A mutation that cannot be applied; `code` is stable, the message is translated."""

    def __init__(self, code: str, errors: dict | None = None):
        super().__init__(code)
        self.code, self.errors = code, errors


def push(user, token, envelope: dict, raw_mutations: list) -> dict:
    """Apply a batch of mutations from one device and commit once; one result per mutation."""
    checked = [_check_envelope(raw) for raw in raw_mutations]
    for attempt in range(2):
        try:
            return _push_once(user, token, envelope, checked, fresh=attempt > 0)
        except sa.exc.IntegrityError:
            # A concurrent push inserted the same natural key or mutation id meanwhile: nothing
            # of this attempt is kept, and the second one finds those rows and merges.
            db.session.rollback()
            if attempt:
                raise
    raise AssertionError("unreachable")


def _push_once(user, token, envelope: dict, checked: list[dict], fresh: bool) -> dict:
    _record_sync(token, envelope)
    batch = Batch(user, token, scope_for(user), fresh=fresh).load([m for m in checked if "reply" not in m])
    with db.session.no_autoflush:  # everything is written in one flush at commit, with its version
        replies = [m["reply"] if "reply" in m else apply_mutation(batch, m) for m in checked]
        batch.logs.write()
    records = [_reply_record(batch, m, reply) for m, reply in zip(checked, replies, strict=True)]
    known = {record: record.version for record in records if record is not None}
    db.session.commit()
    _add_versions(checked, replies, records, known, db.session.info.pop(ASSIGNED_VERSIONS, {}))
    return {"results": replies, "cursor_hint": current_version(db.session)}


def _record_sync(token, envelope: dict) -> None:
    """Update the device first: it serialises one device's pushes and takes SQLite's write lock early."""
    if token is None:
        return
    token.last_sync_at = utcnow()
    token.app_version = envelope.get("app_version") or token.app_version
    if envelope.get("queued") is not None:
        token.queued_changes = envelope["queued"]
    db.session.flush()


def _check_envelope(raw) -> dict:
    """A loaded mutation, or {"reply": rejection} when it cannot even be read."""
    try:
        return _MUTATION.load(raw if isinstance(raw, dict) else {})
    except SchemaError as error:
        mutation_id = raw.get("mutation_id") if isinstance(raw, dict) else None
        record_id = raw.get("record_id") if isinstance(raw, dict) else None
        reply = _reply(str(mutation_id), "rejected", record_id)
        return {"reply": _rejection(reply, Rejected("invalid", error.normalized_messages()))}


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
        reply = _rejection(_reply(str(m["mutation_id"]), "rejected", str(m["record_id"])), rejection)
    batch.logs.add(m, reply, conflicts)
    return reply


def _resolve(batch: Batch, entity: Entity, m: dict) -> tuple[object | None, dict, bool]:
    """Find the target and check the mutation fully before anything is written."""
    if hlc.is_ahead(m["clock"]):
        raise Rejected("clock_ahead", {"clock": ["ahead of the server's time"]})
    values = _load_values(entity, m)
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
    _check_places(batch, entity, record, values)
    _check_scope(batch, entity, record, values)
    return record, values, merged


def _load_values(entity: Entity, m: dict) -> dict:
    # A delete carries no values, but may name its record by natural key (attendance by
    # session and household: the phone does not keep the server's id of those).
    changed = {f: m["changed"][f] for f in entity.key if f in m["changed"]} if m["op"] == "delete" else m["changed"]
    try:
        return _LOADERS[entity.name].load(changed, partial=True)
    except SchemaError as error:
        raise Rejected("invalid", error.normalized_messages()) from error


def _check_places(batch: Batch, entity: Entity, record, values: dict) -> None:
    """The commune must be a commune, and the hamlet one of its hamlets."""
    if "commune_code" not in values and "hamlet_code" not in values:
        return
    commune_code = values.get("commune_code", getattr(record, "commune_code", None))
    commune = batch.place(commune_code)
    if commune is None or commune.kind != "commune":
        raise Rejected("unknown_place", {"commune_code": ["unknown"]})
    moved = record is not None and record.commune_code != commune_code
    if moved and "hamlet_code" not in values:
        values["hamlet_code"] = None  # the old hamlet belongs to the old commune
    hamlet_code = values.get("hamlet_code", getattr(record, "hamlet_code", None))
    if hamlet_code is not None:
        hamlet = batch.place(hamlet_code)
        if hamlet is None or hamlet.kind != "hamlet" or hamlet.parent_code != commune_code:
            raise Rejected("unknown_place", {"hamlet_code": ["not in commune"]})


def _check_scope(batch: Batch, entity: Entity, record, values: dict) -> None:
    """The record's commune before and after the change must both be the user's."""
    communes = {scope_commune(batch, entity, record)} if record is not None else set()
    if entity.parent is None:
        communes.add(values.get("commune_code", getattr(record, "commune_code", None)))
    for field, parent in (("session_id", "session"), ("household_id", "household")):
        if field in entity.fields:
            parent_id = values.get(field, getattr(record, field, None))
            found = batch.session(parent_id) if parent == "session" else batch.household(parent_id)
            if found is None:
                raise Rejected(f"unknown_{parent}")
            if entity.parent == parent:
                communes.add(found.commune_code)
    if not all(batch.scope.covers_commune(code) for code in communes):
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
        record = new_record(entity, m["record_id"], values, batch.user)
        db.session.add(record)
        batch.remember(entity, record)
    old_commune = None if is_new else getattr(record, "commune_code", None)
    merge_values = {k: v for k, v in values.items() if k not in entity.key}
    merge_values[DELETED] = m["op"] == "delete"
    changed, conflicts = merge_fields(record, merge_values, m["clock"], m["base_version"], is_new)
    complete_record(entity, record, values, changed, m["clock"], batch)
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


def _reply(mutation_id: str, status: str, record_id) -> dict:
    return {"mutation_id": mutation_id, "status": status, "record_id": str(record_id) if record_id else None}


def _rejection(reply: dict, rejection: Rejected) -> dict:
    reply.update(code=rejection.code, message=str(REJECTIONS[rejection.code]), retryable=rejection.code in RETRYABLE)
    if rejection.errors:
        reply["errors"] = rejection.errors
    return reply


def _reply_record(batch: Batch, m: dict, reply: dict):
    """The record a reply is about, if this push loaded or made it."""
    if "entity" not in m or not reply["record_id"] or reply.get("original_status", reply["status"]) == "rejected":
        return None
    return batch.record(ENTITIES[m["entity"]], uuid.UUID(reply["record_id"]))


def _add_versions(checked: list[dict], replies: list[dict], records: list, known: dict, assigned: dict) -> None:
    """Fill in each record's version: handed out at the commit, as loaded, or (rarely) read back."""
    missing: dict[str, set] = {}
    for m, reply, record in zip(checked, replies, records, strict=True):
        if record is not None:
            reply["version"] = assigned.get(record, known[record])
        elif "entity" in m and reply["record_id"] and reply.get("original_status", reply["status"]) != "rejected":
            missing.setdefault(m["entity"], set()).add(uuid.UUID(reply["record_id"]))
    if not missing:
        return
    versions = {}
    for name, ids in missing.items():
        model = ENTITIES[name].model
        versions.update(db.session.execute(sa.select(model.id, model.version).where(model.id.in_(ids))).tuples().all())
    for m, reply, record in zip(checked, replies, records, strict=True):
        if record is None and reply["record_id"] and "entity" in m and uuid.UUID(reply["record_id"]) in versions:
            reply["version"] = versions[uuid.UUID(reply["record_id"])]


def revoke_device(token) -> None:
    """Stop a device token from working, at once and for good."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    db.session.commit()
