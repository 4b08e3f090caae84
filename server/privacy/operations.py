"""Export and erase one household's personal data; log every access."""

import sqlalchemy as sa

from server.extensions import db
from server.households.models import Consent, Household, HouseholdMerge, MarketplaceAccount, PaymentAccount
from server.models_base import utcnow
from server.mutations.log import scrub
from server.mutations.models import Mutation
from server.mutations.web import web_clock
from server.privacy.models import AccessLog
from server.training.models import Attendance, TrainingSession

# Fields that identify or locate a person; erasure removes them everywhere, the log included.
PERSONAL_FIELDS = (
    "head_name",
    "phone",
    "ethnicity",
    "latitude",
    "longitude",
    "plus_code",
    "vnpost_code",
    "attendee_name",
)
ERASED_NAME = "—"


def log_access(user, action: str, entity: str, record_id, detail: str | None = None) -> None:
    """Record that `user` read, exported or erased a record (committed with the caller's work)."""
    db.session.add(
        AccessLog(
            user_id=getattr(user, "id", None), action=action, entity=entity, record_id=str(record_id), detail=detail
        )
    )


def _columns(record, skip=("field_clocks", "search_text")) -> dict:
    data = {}
    for column in record.__table__.columns:
        if column.key in skip:
            continue
        value = getattr(record, column.key)
        data[column.key] = value.isoformat() if hasattr(value, "isoformat") else value
        if column.key in ("id", "household_id", "session_id", "merged_into_id") and value is not None:
            data[column.key] = str(value)
    return data


def _related(household: Household):
    hid = household.id
    consents = db.session.scalars(sa.select(Consent).where(Consent.household_id == hid)).all()
    sellers = db.session.scalars(sa.select(MarketplaceAccount).where(MarketplaceAccount.household_id == hid)).all()
    payments = db.session.scalars(sa.select(PaymentAccount).where(PaymentAccount.household_id == hid)).all()
    attendance = db.session.scalars(sa.select(Attendance).where(Attendance.household_id == hid)).all()
    return consents, sellers, payments, attendance


def export_household(household: Household, user) -> dict:
    """Everything the programme holds about one household, as JSON-ready data."""
    consents, sellers, payments, attendance = _related(household)
    sessions = {
        s.id: s
        for s in db.session.scalars(
            sa.select(TrainingSession).where(TrainingSession.id.in_([a.session_id for a in attendance]))
        )
    }
    record_ids = [household.id, *(r.id for r in (*consents, *sellers, *payments, *attendance))]
    history = db.session.scalars(
        sa.select(Mutation).where(Mutation.record_id.in_(record_ids)).order_by(Mutation.received_at)
    ).all()
    log_access(user, "export", "household", household.id)
    db.session.flush()
    return {
        "household": _columns(household),
        "consents": [_columns(c) for c in consents],
        "marketplace_accounts": [_columns(a) for a in sellers],
        "payment_accounts": [_columns(a) for a in payments],
        "attendance": [
            {
                **_columns(a),
                "held_on": sessions[a.session_id].held_on.isoformat(),
                "topics": sessions[a.session_id].topics,
            }
            for a in attendance
        ],
        "history": [
            {"entity": m.entity, "op": m.op, "fields": m.fields, "at": m.received_at.isoformat(), "result": m.result}
            for m in history
        ],
    }


def erase_household(household: Household, user) -> None:
    """Anonymise a household: personal fields go, from the log too; accounts and attendance stay counted."""
    consents, sellers, payments, attendance = _related(household)
    now = utcnow()
    household.head_name = ERASED_NAME
    for field in ("phone", "ethnicity", "latitude", "longitude", "plus_code", "vnpost_code"):
        setattr(household, field, None)
    household.search_text = ""
    household.erased_at = now
    # A server clock newer than any write so far: a phone's stale copy cannot bring the name back.
    clock = web_clock(household, "server")
    household.field_clocks = {**(household.field_clocks or {}), **dict.fromkeys(PERSONAL_FIELDS[:7], clock)}
    for row in attendance:
        row.attendee_name = None
    for row in sellers:
        row.shop_name = None
    for consent in consents:
        consent.given = False
        consent.recorded_at = now
    record_ids = [household.id, *(r.id for r in (*consents, *sellers, *payments, *attendance))]
    for mutation in db.session.scalars(sa.select(Mutation).where(Mutation.record_id.in_(record_ids))):
        mutation.fields = _scrub(mutation.fields)
        mutation.reply = _scrub(mutation.reply)
        mutation.conflicts = _scrub(mutation.conflicts)
    # A merge's notes hold the values it replaced; an erased household's merges are no longer undone.
    involved = sa.or_(HouseholdMerge.kept_id == household.id, HouseholdMerge.merged_id == household.id)
    for merge in db.session.scalars(sa.select(HouseholdMerge).where(involved)):
        db.session.delete(merge)
    log_access(user, "erase", "household", household.id)
    db.session.flush()


def _scrub(data):
    """A copy of a logged JSON value with personal fields (and shop names) removed."""
    return scrub(data, (*PERSONAL_FIELDS, "shop_name"))
