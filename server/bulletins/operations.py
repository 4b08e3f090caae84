"""Writes made from the bulletin pages and by syncing phones (receipts); flushed here, committed by the caller."""

import uuid

import sqlalchemy as sa
from flask_babel import gettext as _

from server.auth.models import DeviceToken, User
from server.auth.scope import Scope
from server.bulletins import rules
from server.bulletins.models import Bulletin, BulletinReceipt, BulletinTold
from server.errors import ValidationError
from server.extensions import db
from server.models_base import utcnow
from server.places.models import Place

EDITABLE = ("place_code", "kind", "category", "price", "price_unit", "price_on", "expires_on", "texts")


def _place_in_scope(code: str, scope: Scope) -> Place:
    place = db.session.get(Place, code)
    if place is None or place.deleted_at is not None or not scope.covers_place(place):
        raise ValidationError(
            _("Choose a province, commune or hamlet you supervise."),
            errors={"place_code": _("Choose a province, commune or hamlet you supervise.")},
        )
    return place


def create_bulletin(values: dict, user, scope: Scope) -> Bulletin:
    """A new draft from the form's checked values."""
    _place_in_scope(values["place_code"], scope)
    bulletin = Bulletin(status="draft", author_id=user.id, **{name: values.get(name) for name in EDITABLE})
    db.session.add(bulletin)
    db.session.flush()
    return bulletin


def update_bulletin(bulletin: Bulletin, values: dict, scope: Scope) -> bool:
    """Change a draft; whether anything changed. Published bulletins are withdrawn, not edited."""
    if bulletin.status != "draft":
        raise ValidationError(_("Only a draft can be changed. Withdraw this bulletin and write a new one."))
    _place_in_scope(values["place_code"], scope)
    changed = False
    for name in EDITABLE:
        if getattr(bulletin, name) != values.get(name):
            setattr(bulletin, name, values.get(name))
            changed = True
    db.session.flush()
    return changed


def publish(bulletin: Bulletin) -> None:
    """Send a draft out: phones of its communes get it with their next pull."""
    if bulletin.status != "draft":
        raise ValidationError(_("This bulletin is not a draft."))
    rules.check_publishable(bulletin)
    bulletin.status, bulletin.published_at = "published", utcnow()
    db.session.flush()


def withdraw(bulletin: Bulletin) -> None:
    """Take a published bulletin back: phones drop it at their next pull, its public page says so."""
    if bulletin.status != "published":
        raise ValidationError(_("Only a published bulletin can be withdrawn."))
    bulletin.status, bulletin.withdrawn_at = "withdrawn", utcnow()
    db.session.flush()


def _receipts(token, bulletin_ids: set) -> dict:
    if not bulletin_ids:
        return {}
    query = sa.select(BulletinReceipt).where(
        BulletinReceipt.token_id == token.id, BulletinReceipt.bulletin_id.in_(sorted(bulletin_ids))
    )
    return {receipt.bulletin_id: receipt for receipt in db.session.scalars(query)}


def record_received(token, bulletin_ids) -> None:
    """The phone of this token was sent these (live) bulletins by a pull."""
    ids = {uuid.UUID(str(i)) for i in bulletin_ids}
    if token is None or not ids:
        return
    known = _receipts(token, ids)
    for bulletin_id in sorted(ids - set(known)):
        db.session.add(BulletinReceipt(bulletin_id=bulletin_id, token_id=token.id, received_at=utcnow()))
    db.session.flush()


def record_opened(token, bulletin_ids) -> None:
    """The phone reports (in a push) that it showed these bulletins to its trainer; unknown ids are ignored."""
    ids = set(bulletin_ids or ())
    if token is None or not ids:
        return
    ids &= set(db.session.scalars(sa.select(Bulletin.id).where(Bulletin.id.in_(sorted(ids)))))
    known = _receipts(token, ids)
    now = utcnow()
    for bulletin_id in sorted(ids):
        receipt = known.get(bulletin_id)
        if receipt is None:
            db.session.add(BulletinReceipt(bulletin_id=bulletin_id, token_id=token.id, received_at=now, opened_at=now))
        elif receipt.opened_at is None:
            receipt.opened_at = now
    db.session.flush()


def reach(bulletin_ids) -> dict:
    """Per bulletin: phones that received it, phones that opened it, sessions where it was passed on."""
    ids = sorted(set(bulletin_ids))
    figures = {i: {"received": 0, "opened": 0, "sessions": 0} for i in ids}
    if not ids:
        return figures
    # Trainers' phones only: a supervisor or admin pulling on a phone is not the bulletin reaching a village.
    receipts = (
        sa.select(BulletinReceipt.bulletin_id, sa.func.count(), sa.func.count(BulletinReceipt.opened_at))
        .join(DeviceToken, DeviceToken.id == BulletinReceipt.token_id)
        .join(User, User.id == DeviceToken.user_id)
        .where(BulletinReceipt.bulletin_id.in_(ids), User.role == "trainer")
    )
    for bulletin_id, received, opened in db.session.execute(receipts.group_by(BulletinReceipt.bulletin_id)):
        figures[bulletin_id].update(received=received, opened=opened)
    told = (
        sa.select(BulletinTold.bulletin_id, sa.func.count(sa.distinct(BulletinTold.session_id)))
        .where(BulletinTold.bulletin_id.in_(ids), BulletinTold.deleted_at.is_(None))
        .group_by(BulletinTold.bulletin_id)
    )
    for bulletin_id, sessions in db.session.execute(told):
        figures[bulletin_id]["sessions"] = sessions
    return figures


def record_pulled(token, records: dict) -> None:
    """Receipts for the live bulletins of a pull page sent to this token's phone."""
    block = records.get("bulletin")
    if token is not None and block:
        at_id, at_deleted = block["columns"].index("id"), block["columns"].index("deleted")
        record_received(token, [row[at_id] for row in block["rows"] if not row[at_deleted]])


def told_at(session_id, language: str) -> list[tuple[Bulletin, dict]]:
    """The bulletins passed on at a session, each with its text in the language (or Vietnamese)."""
    query = (
        sa.select(Bulletin)
        .join(BulletinTold, BulletinTold.bulletin_id == Bulletin.id)
        .where(BulletinTold.session_id == session_id, BulletinTold.deleted_at.is_(None))
        .order_by(Bulletin.created_at)
    )
    return [(bulletin, rules.text_for(bulletin, language)[0]) for bulletin in db.session.scalars(query)]
