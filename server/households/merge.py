"""Merging a duplicate household into the one kept: its attendance, accounts and consents move over."""

import sqlalchemy as sa
from flask_babel import gettext as _

from server.errors import ValidationError
from server.extensions import db
from server.households.models import Consent, Household, MarketplaceAccount, PaymentAccount
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


def _combined(entity: str, kept_row, moved_row, copied: tuple) -> dict:
    """Values for the kept household's row: its own, with the larger product and order counts."""
    if kept_row is None or kept_row.deleted_at is not None:
        return {name: getattr(moved_row, name) for name in copied}
    if entity != "marketplace_account":
        return {}
    return {name: max(getattr(kept_row, name) or 0, getattr(moved_row, name) or 0) for name in COUNTS}


def _move_children(entity: str, model, key: str, copied: tuple, keep: Household, other: Household, user) -> int:
    """Give `keep` every live child of `other` (natural keys stay unique), tombstoning the moved rows."""
    moved = 0
    kept_rows = {getattr(r, key): r for r in db.session.scalars(sa.select(model).where(model.household_id == keep.id))}
    for row in db.session.scalars(sa.select(model).where(model.household_id == other.id, model.deleted_at.is_(None))):
        kept = kept_rows.get(getattr(row, key))
        values = _combined(entity, kept, row, copied)
        if kept is None:
            record_web_edit(entity, model(household_id=keep.id, **{key: getattr(row, key)}), values, user)
        elif kept.deleted_at is not None:
            record_web_restore(entity, kept, values, user)
        elif values:
            record_web_edit(entity, kept, values, user)
        record_web_delete(entity, row, user)
        moved += 1
    return moved


def merge_households(keep: Household, other: Household, user) -> int:
    """Merge `other` into `keep`: fill blanks, move children and producers, tombstone `other`; flushes."""
    if keep.id == other.id or other.merged_into_id is not None or keep.deleted_at or other.deleted_at:
        raise ValidationError(_("These households cannot be merged."))
    blanks = {name: getattr(other, name) for name in FILLABLE if not getattr(keep, name) and getattr(other, name)}
    if keep.smartphone == "unknown" and other.smartphone != "unknown":
        blanks["smartphone"] = other.smartphone
    if blanks.get("hamlet_code") and keep.commune_code != other.commune_code:
        blanks.pop("hamlet_code")
    record_web_edit("household", keep, blanks, user)
    moved = sum(_move_children(*child, keep, other, user) for child in CHILDREN)
    for producer in db.session.scalars(sa.select(Producer).where(Producer.household_id == other.id)):
        record_web_edit("producer", producer, {"household_id": keep.id}, user)
    record_web_delete("household", other, user, {"merged_into_id": keep.id})
    db.session.flush()
    return moved
