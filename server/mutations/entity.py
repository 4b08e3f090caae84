"""How one kind of record is written: its model, its one schema, its key, and its domain's rules."""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from marshmallow import Schema


@dataclass(frozen=True)
class Entity:
    """How one kind of record is synced."""

    name: str
    model: type
    schema: type[Schema]
    # Two phones recording the same fact (same key) make one row; key fields never change.
    key: tuple[str, ...] = ()
    # The record whose commune decides the scope: None (own commune_code), "household" or "session".
    parent: str | None = None
    # Fields merged as one value (one clock): a hamlet always belongs to the commune it came with.
    together: tuple[str, ...] = ()
    # The owning domain's rules, run before anything is written: place(batch, record, values) completes
    # and checks where the record is (before the scope is checked), check(batch, record, values,
    # record_id) the rest after it; both raise Rejected. complete(batch, record, values, changed,
    # clock) runs after the merge (derived columns).
    place: Callable | None = None
    check: Callable | None = None
    complete: Callable | None = None

    @functools.cached_property
    def fields(self) -> tuple[str, ...]:
        """The wire fields, in the schema's order."""
        return tuple(self.schema._declared_fields)

    @functools.cached_property
    def required(self) -> tuple[str, ...]:
        """Fields a new record needs."""
        return tuple(name for name, field in self.schema._declared_fields.items() if field.required)

    @property
    def parent_field(self) -> str | None:
        """The foreign key pointing at the parent record."""
        return {"household": "household_id", "session": "session_id"}.get(self.parent or "")
