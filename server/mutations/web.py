"""Changes made on web pages: mutations like a phone's, through the same write path.

A supervisor's correction or an import is a mutation with a server clock later than any the
record has seen, the editing user as author, checked by the same schema and domain rules as a
push, merged by the same code and written to the same mutation log (device "web" or
"import"). It is flushed with the request; the request commits.

Merging duplicate households moves records between households, which no phone does: those
writes (record_web_edit, record_web_delete, record_web_restore) stamp clocks and log the
same way, without the domain rules of a new record.
"""

from flask_babel import gettext as _
from marshmallow import ValidationError as SchemaError

from server import clock as hlc
from server.auth.scope import scope_for
from server.errors import ValidationError
from server.extensions import db
from server.field_rules import RuleMessage
from server.households.rules import derive_household
from server.models_base import utcnow, uuid7
from server.mutations.apply import apply_mutation
from server.mutations.batch import Batch
from server.mutations.kinds import ENTITIES
from server.mutations.merge import DELETED, jsonable
from server.mutations.models import Mutation
from server.mutations.rejections import Rejected
from server.places.models import Place

WEB_DEVICE = "web"


def web_clock(record, device_id: str = WEB_DEVICE) -> str:
    """A clock later than now and than every clock the record (if any yet) carries."""
    return hlc.after((record.field_clocks or {}).values() if record is not None else (), device_id)


def web_mutation(entity: str, record_id, values: dict, record=None, device_id: str = WEB_DEVICE) -> dict:
    """A change made on a page as a mutation: a server clock, the record's version as its base."""
    return {
        "mutation_id": uuid7(),
        "entity": entity,
        "record_id": record_id,
        "op": "upsert",
        "base_version": record.version if record is not None else None,
        "clock": web_clock(record, device_id),
        "changed": {name: jsonable(value) for name, value in values.items()},
    }


def web_changes(mutations: list[dict], user, device_id: str = WEB_DEVICE) -> list[dict]:
    """Apply changes made together (an import's households and their consents) as one batch; return the replies."""
    batch = Batch(user, None, scope_for(user), device_id=device_id).load(mutations)
    with db.session.no_autoflush:
        replies = [apply_mutation(batch, m) for m in mutations]
        batch.write()
    return replies


def web_change(entity: str, record_id, values: dict, user, record=None, device_id: str = WEB_DEVICE) -> dict:
    """Apply one change made on a page as a mutation; return its reply, raise Rejected if refused."""
    [reply] = web_changes([web_mutation(entity, record_id, values, record, device_id)], user, device_id)
    if reply["status"] == "rejected":
        raise Rejected(reply["code"], reply.get("errors"))
    return reply


def correct_from_form(entity: str, record, form: dict, names: tuple[str, ...], messages: dict, user) -> bool:
    """A correction made on a page: the form's changed values as one mutation; whether anything changed."""
    values = changes_from_form(entity, record, form, names, messages)
    if not values:
        return False
    if "hamlet_code" in values:
        values["commune_code"] = record.commune_code  # the form picks a hamlet of this commune, it does not move
    try:
        web_change(entity, record.id, values, user, record=record)
    except Rejected as rejection:
        raise form_error(rejection, messages) from rejection
    return True


def changes_from_form(entity: str, record, form: dict, names: tuple[str, ...], messages: dict) -> dict:
    """The form's values of `names` read by the kind's one schema, keeping those that differ from the record."""
    raw = {name: _blank_to_none(form.get(name)) for name in names if name in form}
    try:
        values = ENTITIES[entity].schema().load(raw, partial=True)
    except SchemaError as error:
        raise form_error(Rejected("invalid", error.normalized_messages()), messages) from error
    return {name: value for name, value in values.items() if not _same(getattr(record, name), value)}


def _same(stored, value) -> bool:
    """Whether a form value is what the record holds (lists, such as topics, in any order)."""
    if isinstance(stored, list) and isinstance(value, list):
        return sorted(stored) == sorted(value)
    return jsonable(stored) == jsonable(value)


def form_error(rejection: Rejected, messages: dict) -> ValidationError:
    """A refused change as the page shows it: one message per field, in the user's language."""
    fields = {name: _field_message(name, found, messages) for name, found in (rejection.errors or {}).items()}
    return ValidationError(" ".join(dict.fromkeys(fields.values())) or rejection.message, errors=fields)


def _field_message(name: str, found, messages: dict) -> str:
    """The field rule's own reason when it gave one (already translated), else the field's message."""
    if isinstance(found, list) and found and isinstance(found[0], RuleMessage):
        return str(found[0])
    return messages[name]() if name in messages else _("This value is not valid.")


def _blank_to_none(value):
    if isinstance(value, str):
        return value.strip() or None
    return value


def _derived(entity: str, record, changed: dict, clock: str) -> None:
    """The household's derived columns, as its rules keep them after a merge."""
    if entity == "household":
        hamlet = db.session.get(Place, record.hamlet_code) if record.hamlet_code else None
        derive_household(record, hamlet, changed, changed.get("smartphone"), clock)


def _log(entity: str, record, op: str, fields: dict, clock: str, user, device_id: str, base_version) -> Mutation:
    mutation_id = uuid7()
    mutation = Mutation(
        mutation_id=mutation_id,
        device_id=device_id,
        user_id=user.id if user is not None else None,
        entity=entity,
        record_id=record.id,
        op=op,
        fields={name: jsonable(value) for name, value in fields.items()},
        base_version=base_version,
        client_clock=clock,
        received_at=utcnow(),
        result="applied",
        reply={"mutation_id": str(mutation_id), "status": "applied", "record_id": str(record.id)},
    )
    db.session.add(mutation)
    return mutation


def record_web_edit(entity: str, record, values: dict, user, device_id: str = WEB_DEVICE) -> Mutation | None:
    """Apply the values that differ, stamp their clocks, keep derived columns right, log the change."""
    is_new = record.id is None or record not in db.session
    if record.id is None:
        record.id = uuid7()
    changed = {k: v for k, v in values.items() if is_new or jsonable(getattr(record, k)) != jsonable(v)}
    if not changed:
        return None
    clock = web_clock(record, device_id)
    clocks = dict(record.field_clocks or {})
    for name, value in changed.items():
        setattr(record, name, value)
        clocks[name] = clock
    if is_new:
        clocks[DELETED] = clock
        db.session.add(record)
    record.field_clocks = clocks
    _derived(entity, record, changed, clock)
    return _log(entity, record, "upsert", changed, clock, user, device_id, None if is_new else record.version)


def record_web_delete(entity: str, record, user, values: dict | None = None, device_id: str = WEB_DEVICE) -> Mutation:
    """Tombstone a record (with any last values, e.g. merged_into_id) and log it as a delete."""
    clock = web_clock(record, device_id)
    clocks = dict(record.field_clocks or {})
    for name, value in (values or {}).items():
        setattr(record, name, value)
        clocks[name] = clock
    clocks[DELETED] = clock
    record.deleted_at = utcnow()
    record.field_clocks = clocks
    return _log(entity, record, "delete", values or {}, clock, user, device_id, record.version)


def record_web_restore(entity: str, record, values: dict, user, device_id: str = WEB_DEVICE) -> Mutation:
    """Bring a tombstoned record back with new values, logged as an upsert."""
    clock = web_clock(record, device_id)
    clocks = dict(record.field_clocks or {})
    for name, value in values.items():
        setattr(record, name, value)
        clocks[name] = clock
    clocks[DELETED] = clock
    record.deleted_at = None
    record.field_clocks = clocks
    return _log(entity, record, "upsert", values, clock, user, device_id, record.version)
