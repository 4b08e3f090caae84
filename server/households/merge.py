"""Merging a duplicate household into the one kept: its attendance, accounts and consents move over.

Every write of a merge goes through mutations.web.record_web_* and is noted in a
HouseholdMerge row with the values it replaced, so the merge can be undone from the kept
household's page, through the same writes, as long as nobody changed those records since.
"""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from server import clock as hlc
from server.errors import ValidationError
from server.extensions import db
from server.households.models import Consent, Household, HouseholdMerge, MarketplaceAccount, PaymentAccount
from server.models_base import utcnow
from server.mutations.merge import jsonable
from server.mutations.web import record_web_delete, record_web_edit, record_web_restore
from server.products.models import Producer
from server.training.models import Attendance

# Fields the kept household takes from the merged one when it has none itself.
FILLABLE = ("phone", "hamlet_code", "plus_code", "vnpost_code")
# (entity, model, the other half of the natural key, fields copied to the kept household's row)
CHILDREN = (
    ("attendance", Attendance, "session_id", ("attendee_name", "method")),
    ("consent", Consent, "purpose", ("given", "recorded_at", "recorded_by_id")),
    (
        "marketplace_account",
        MarketplaceAccount,
        "platform",
        ("shop_name", "status", "opened_on", "products_listed", "orders_reported", "checked_on"),
    ),
    ("payment_account", PaymentAccount, "provider", ("status", "opened_on")),
)
COUNTS = ("products_listed", "orders_reported")
MODELS = {"household": Household, "producer": Producer, **{entity: model for entity, model, *_ in CHILDREN}}


class _Journal:
    """The writes of one merge, each with the values it replaced."""

    def __init__(self, user):
        self.user = user
        self.changes: list[dict] = []

    def _note(self, entity: str, record, op: str, before: dict, mutation) -> None:
        if mutation is not None:
            kept = {name: before[name] for name in mutation.fields if name in before}
            self.changes.append(
                {
                    "entity": entity,
                    "record_id": str(record.id),
                    "op": op,
                    "before": kept,
                    "clock": mutation.client_clock,
                }
            )

    def edit(self, entity: str, record, values: dict) -> None:
        """Write values (a new record when it has no id yet)."""
        is_new = record.id is None or record not in db.session
        before = {} if is_new else _snapshot(record, values)
        self._note(
            entity,
            record,
            "created" if is_new else "edited",
            before,
            record_web_edit(entity, record, values, self.user),
        )

    def delete(self, entity: str, record, values: dict | None = None) -> None:
        """Tombstone a record."""
        before = _snapshot(record, values or {})
        self._note(entity, record, "deleted", before, record_web_delete(entity, record, self.user, values))

    def restore(self, entity: str, record, values: dict) -> None:
        """Bring a tombstoned record back with values."""
        before = _snapshot(record, values)
        self._note(entity, record, "restored", before, record_web_restore(entity, record, values, self.user))


def _snapshot(record, values: dict) -> dict:
    return {name: jsonable(getattr(record, name)) for name in values}


def _combined(entity: str, kept_row, moved_row, copied: tuple) -> dict:
    """Values for the kept household's row: its own, with the larger product and order counts."""
    if kept_row is None or kept_row.deleted_at is not None:
        return {name: getattr(moved_row, name) for name in copied}
    if entity != "marketplace_account":
        return {}
    return {name: max(getattr(kept_row, name) or 0, getattr(moved_row, name) or 0) for name in COUNTS}


def _live_children(model, household: Household) -> list:
    return list(
        db.session.scalars(sa.select(model).where(model.household_id == household.id, model.deleted_at.is_(None)))
    )


def _move_children(entity: str, model, key: str, copied: tuple, keep: Household, other: Household, journal) -> int:
    """Give `keep` every live child of `other` (natural keys stay unique), tombstoning the moved rows."""
    moved = 0
    kept_rows = {getattr(r, key): r for r in db.session.scalars(sa.select(model).where(model.household_id == keep.id))}
    for row in _live_children(model, other):
        kept = kept_rows.get(getattr(row, key))
        values = _combined(entity, kept, row, copied)
        if kept is None:
            journal.edit(entity, model(household_id=keep.id, **{key: getattr(row, key)}), values)
        elif kept.deleted_at is not None:
            journal.restore(entity, kept, values)
        elif values:
            journal.edit(entity, kept, values)
        journal.delete(entity, row)
        moved += 1
    return moved


def _check_mergeable(keep: Household, other: Household) -> None:
    if keep.id == other.id or other.merged_into_id is not None or keep.deleted_at or other.deleted_at:
        raise ValidationError(_("These households cannot be merged."))


def blanks_filled(keep: Household, other: Household) -> dict:
    """The fields the kept household takes from the other one, which it lacks."""
    blanks = {name: getattr(other, name) for name in FILLABLE if not getattr(keep, name) and getattr(other, name)}
    if keep.smartphone == "unknown" and other.smartphone != "unknown":
        blanks["smartphone"] = other.smartphone
    if blanks.get("hamlet_code") and keep.commune_code != other.commune_code:
        blanks.pop("hamlet_code")
    return blanks


def merge_preview(keep: Household, other: Household) -> dict:
    """What merging `other` into `keep` would move, per kind of record, and the fields it would fill."""
    _check_mergeable(keep, other)
    moving = {entity: len(_live_children(model, other)) for entity, model, *_ in CHILDREN}
    moving["producer"] = len(db.session.scalars(sa.select(Producer.id).where(Producer.household_id == other.id)).all())
    return {"household": other, "moving": moving, "filled": sorted(blanks_filled(keep, other))}


def merge_households(keep: Household, other: Household, user) -> int:
    """Merge `other` into `keep`: fill blanks, move children and producers, tombstone `other`; flushes."""
    _check_mergeable(keep, other)
    journal = _Journal(user)
    journal.edit("household", keep, blanks_filled(keep, other))
    moved = sum(_move_children(*child, keep, other, journal) for child in CHILDREN)
    for producer in db.session.scalars(sa.select(Producer).where(Producer.household_id == other.id)):
        journal.edit("producer", producer, {"household_id": keep.id})
    journal.delete("household", other, {"merged_into_id": keep.id})
    db.session.add(
        HouseholdMerge(
            kept_id=keep.id, merged_id=other.id, merged_by_id=user.id, merged_at=utcnow(), changes=journal.changes
        )
    )
    db.session.flush()
    return moved


def _python(model, name: str, value):
    """A value noted as JSON, back as the column holds it."""
    if value is None:
        return None
    python_type = model.__table__.c[name].type.python_type
    if python_type is uuid.UUID:
        return uuid.UUID(value)
    if python_type in (date, datetime):
        return python_type.fromisoformat(value)
    return value


def _records(merge: HouseholdMerge) -> list[tuple[dict, object]]:
    """Each noted change with its record; refused when one was changed after the merge."""
    found = []
    for change in merge.changes:
        record = db.session.get(MODELS[change["entity"]], uuid.UUID(change["record_id"]))
        later = record is None or any(hlc.is_later(c, change["clock"]) for c in (record.field_clocks or {}).values())
        if later:
            raise ValidationError(
                _(
                    "This merge cannot be undone: some of its records were changed afterwards. "
                    "Undo any later merge first, or correct the households by hand."
                ),
                code="merge_changed",
            )
        found.append((change, record))
    return found


def undo_merge(merge: HouseholdMerge, user) -> Household:
    """Put back what a merge wrote, newest first, through the same logged writes; returns the household restored."""
    if merge.undone_at is not None:
        raise ValidationError(_("This merge was already undone."), code="merge_undone")
    for change, record in reversed(_records(merge)):
        model, entity = MODELS[change["entity"]], change["entity"]
        before = {name: _python(model, name, value) for name, value in change["before"].items()}
        if change["op"] == "created":
            record_web_delete(entity, record, user)
        elif change["op"] == "edited":
            record_web_edit(entity, record, before, user)
        elif change["op"] == "deleted":
            record_web_restore(entity, record, before, user)
        else:
            record_web_delete(entity, record, user, before)
    merge.undone_at, merge.undone_by_id = utcnow(), user.id
    db.session.flush()
    return merge.merged
