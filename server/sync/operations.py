"""A push: a batch of mutations from one device, each handed to the one write path, committed once.

A push runs in one database transaction that commits once, at the end, with the device's
sync details and the mutation log: if anything fails before that, nothing of the batch is
kept and the phone sends it again, which is safe because every mutation is idempotent.
Versions are handed out at that commit (one counter-row lock per push, held briefly).

The one write the database itself can still refuse is a new row with a natural key that a
concurrent push inserted meanwhile: then the whole push is rolled back and tried once more,
which finds the row and merges. What a mutation may change is decided by
server.mutations.apply and the rules of the domain that owns the record's kind.
"""

import uuid

import sqlalchemy as sa
from marshmallow import ValidationError as SchemaError
from sqlalchemy import orm

from server.auth.scope import scope_for
from server.bulletins.operations import record_opened
from server.extensions import db
from server.jsonbody import invalid_text_path, may_hold_broken_text
from server.models_base import ASSIGNED_VERSIONS, current_version, utcnow
from server.mutations.apply import apply_mutation, rejected_reply
from server.mutations.batch import Batch
from server.mutations.fastload import compile_loader
from server.mutations.kinds import ENTITIES
from server.mutations.rejections import Rejected
from server.sync.schemas import MutationSchema

_MUTATION = MutationSchema()
_load_mutation = compile_loader(_MUTATION)  # same result and errors as _MUTATION.load, quicker


def push(user, token, envelope: dict, raw_mutations: list) -> dict:
    """Apply a batch of mutations from one device and commit once; one result per mutation."""
    suspect = may_hold_broken_text()  # most bodies cannot hold a lone surrogate: no need to look
    checked = [_check_envelope(raw, suspect) for raw in raw_mutations]
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
    record_opened(token, envelope.get("shown"))
    batch = Batch(user, token, scope_for(user), fresh=fresh).load([m for m in checked if "reply" not in m])
    with db.session.no_autoflush:  # everything is written at the end, with its version
        replies = [m["reply"] if "reply" in m else apply_mutation(batch, m) for m in checked]
        batch.write()
    records = [_reply_record(batch, m, reply) for m, reply in zip(checked, replies, strict=True)]
    known = {record: record.version for record in records if record is not None}
    db.session.commit()  # a push is its own unit: its reply carries the versions this commit hands out
    assigned = db.session.info.pop(ASSIGNED_VERSIONS, {})
    _add_versions(checked, replies, records, known, assigned)
    # The newest version at the commit: the last this push handed out, if it handed out any.
    hint = max(assigned.values()) if assigned else current_version(db.session)
    return {"results": replies, "cursor_hint": hint}


def _record_sync(token, envelope: dict) -> None:
    """Update the device first: it serialises one device's pushes and takes SQLite's write lock early."""
    if token is None:
        return
    values = {"last_sync_at": utcnow(), "app_version": envelope.get("app_version") or token.app_version}
    if envelope.get("queued") is not None:
        values["queued_changes"] = envelope["queued"]
    # One UPDATE, not a flush of the token: the unit of work cost more than the rest of a small push's start.
    table = type(token).__table__
    db.session.execute(sa.update(table).where(table.c.id == token.id).values(values))
    for name, value in values.items():
        orm.attributes.set_committed_value(token, name, value)


def _check_envelope(raw, suspect: bool = True) -> dict:
    """A loaded mutation, or {"reply": rejection} when it cannot even be read.

    Text no database can store (a lone surrogate) refuses its mutation here, before it is logged,
    and for good: sending it again cannot mend it, so the phone takes it out of its outbox.
    """
    broken = invalid_text_path(raw) if suspect else None
    if broken is not None:
        mutation_id, record_id = _ids_sent(raw)
        if invalid_text_path([mutation_id, record_id]) is not None:
            mutation_id = record_id = None
        name = broken.removeprefix("fields.")
        return {"reply": rejected_reply(mutation_id, record_id, Rejected("invalid_text", {name: ["invalid text"]}))}
    try:
        return _load_mutation(raw if isinstance(raw, dict) else {})
    except SchemaError as error:
        return {"reply": rejected_reply(*_ids_sent(raw), Rejected("invalid", error.normalized_messages()))}


def _ids_sent(raw) -> tuple:
    """The mutation_id and record_id a change came with, whatever they are (for its rejection)."""
    return (raw.get("mutation_id"), raw.get("record_id")) if isinstance(raw, dict) else (None, None)


def _reply_record(batch: Batch, m: dict, reply: dict):
    """The record a reply is about, if this push loaded or made it.

    The record sent, or the one it was merged into (now, or by the push a replay repeats): the
    batch knows that merge, so the reply's record id need not be read back.
    """
    if "entity" not in m or not reply["record_id"] or reply.get("original_status", reply["status"]) == "rejected":
        return None
    return batch.record(ENTITIES[m["entity"]], m["record_id"])


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
    db.session.flush()
