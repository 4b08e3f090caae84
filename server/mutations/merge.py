"""Field-level last-writer-wins by hybrid logical clock.

Every field of a synced record carries the clock of the write that set it (`field_clocks`).
A pushed value replaces the stored one only when its clock is greater; clocks are strings
f"{ms:013d}-{counter:04d}-{device_id}", so string order is time order with ties broken by
device id. Whether a record exists is merged the same way, as the pseudo-field "deleted":
an upsert says "exists" and a delete says "deleted", each at its clock. Since each field ends
with the value of its greatest clock, the result does not depend on the order or number of
deliveries.
"""

import uuid
from datetime import UTC, date, datetime

from server import clock as hlc
from server.models_base import utcnow

DELETED = "deleted"


def jsonable(value):
    """A stored value as it appears in JSON."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        # One instant, one text: 03:45+07:00 and 20:45+00:00 the day before are the same value.
        return (value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _current(record, name: str):
    if name == DELETED:
        return record.deleted_at is not None
    return getattr(record, name)


def _store(record, name: str, value) -> None:
    if name == DELETED:
        if value and record.deleted_at is None:
            record.deleted_at = utcnow()
        elif not value:
            record.deleted_at = None
        return
    setattr(record, name, value)


def _concurrent(record, name: str, value, other_clock: str | None, clock: str, base_version) -> bool:
    """Whether another device set a different value that this device had not seen."""
    if other_clock is None or hlc.device_of(other_clock) == hlc.device_of(clock):
        return False
    if jsonable(_current(record, name)) == jsonable(value):
        return False
    return base_version is None or base_version < (record.version or 0)


def _units(values: dict, together: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The values in merge units: fields merged together form one unit, every other field its own."""
    joined = tuple(name for name in together if name in values)
    return ([joined] if joined else []) + [(name,) for name in values if name not in joined]


def merge_fields(
    record, values: dict, clock: str, base_version: int | None, is_new: bool, together: tuple[str, ...] = ()
) -> tuple[list, dict]:
    """Apply the values whose clock wins; return (fields changed, conflicts {field: {value, clock}}).

    Fields in `together` (a commune and its hamlet) win or lose as one, against the newest clock
    of any of them, so one is never kept with the other of a different write.
    """
    if is_new and not record.field_clocks:
        return _merge_new(record, values, clock, together), {}
    clocks = dict(record.field_clocks or {})
    changed, conflicts = [], {}
    for unit in _units(values, together):
        other = max((clocks[name] for name in unit if clocks.get(name)), default=None)
        if other == clock:
            continue  # the same write delivered again
        for name in unit:
            if not is_new and _concurrent(record, name, values[name], clocks.get(name), clock, base_version):
                conflicts[name] = {"value": jsonable(_current(record, name)), "clock": clocks.get(name)}
        if hlc.is_later(clock, other):
            for name in unit:
                if jsonable(_current(record, name)) != jsonable(values[name]) or is_new:
                    changed.append(name)
                _store(record, name, values[name])
                clocks[name] = clock
    if clocks != (record.field_clocks or {}):
        record.field_clocks = clocks
    return changed, conflicts


def _merge_new(record, values: dict, clock: str, together: tuple[str, ...]) -> list:
    """merge_fields for a record this write creates: with no clock yet, every value wins and is a change."""
    joined = [name for name in together if name in values]
    order = [*joined, *(name for name in values if name not in joined)] if joined else list(values)
    for name in order:
        if name == DELETED:
            _store(record, name, values[name])
        else:
            setattr(record, name, values[name])
    record.field_clocks = dict.fromkeys(order, clock)
    return order
