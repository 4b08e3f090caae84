"""Changes made on web pages, written like a phone's: per-field clocks and a mutation log entry.

Phones merge field by field on the hybrid logical clock, so a web correction stamps each field
it changes with a clock later than any the record has seen; the mutation log then tells who
changed what and when, exactly as for changes pushed from phones.
"""

from server import clock as hlc
from server.extensions import db
from server.models_base import utcnow, uuid7
from server.places.models import Place
from server.sync.merge import DELETED, jsonable
from server.sync.models import Mutation
from server.text import fold

WEB_DEVICE = "web"


def web_clock(record, device_id: str = WEB_DEVICE) -> str:
    """A clock later than now and than every clock the record carries."""
    return hlc.after((record.field_clocks or {}).values(), device_id)


def household_search_text(household) -> str:
    """Folded name, phone and hamlet name, as the search box matches them."""
    hamlet = db.session.get(Place, household.hamlet_code) if household.hamlet_code else None
    parts = (household.head_name, household.phone, hamlet.name if hamlet else None)
    return fold(" ".join(p for p in parts if p))


def _derived(entity: str, record, changed: dict, clock: str) -> None:
    if entity != "household":
        return
    if {"head_name", "phone", "hamlet_code"} & changed.keys():
        record.search_text = household_search_text(record)
    if changed.get("smartphone") == "yes" and record.smartphone_since is None:
        record.smartphone_since = hlc.day(clock)


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
