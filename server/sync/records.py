"""Creating synced records and keeping their derived columns right after a merge."""

from server import clock as hlc
from server.sync.entities import Entity
from server.text import fold


def new_record(entity: Entity, record_id, values: dict, user):
    """A new row with the phone's id and its natural key (which never changes afterwards)."""
    record = entity.model(id=record_id, field_clocks={}, **{f: values[f] for f in entity.key})
    if entity.name == "training_session":
        record.trainer_id = user.id
    return record


def complete_record(entity: Entity, record, values: dict, changed: list, clock: str, batch) -> None:
    """Derived columns: household search text and smartphone date, consent recorder."""
    if entity.name == "household":
        if {"head_name", "phone", "hamlet_code"} & set(changed):
            hamlet = batch.place(record.hamlet_code)
            parts = (record.head_name, record.phone, hamlet.name if hamlet else None)
            record.search_text = fold(" ".join(p for p in parts if p))
        if values.get("smartphone") == "yes":
            # The first day "yes" was recorded: the earliest clock saying so, whatever the arrival order.
            day = hlc.day(clock)
            if record.smartphone_since is None or day < record.smartphone_since:
                record.smartphone_since = day
    elif entity.name == "consent" and (record.field_clocks or {}).get("given") == clock:
        record.recorded_by_id = batch.user.id
