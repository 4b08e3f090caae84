"""Corrections of households and training sessions from the records pages (this module commits)."""

import sqlalchemy as sa
from flask_babel import gettext as _
from marshmallow import ValidationError as SchemaError

from server.errors import ValidationError
from server.extensions import db
from server.field_rules import RuleMessage
from server.households.models import Consent, Household, MarketplaceAccount, PaymentAccount
from server.places.models import Place
from server.records.schemas import HouseholdCorrectionLoadSchema, SessionCorrectionLoadSchema
from server.records.web_edits import record_web_edit
from server.sync.models import Mutation
from server.training.models import Attendance, TrainingSession

FIELD_MESSAGES = {
    "head_name": lambda: _("Please enter the name of the head of household."),
    "phone": lambda: _("The phone number should have 10 digits and start with 0."),
    "vnpost_code": lambda: _("The VNPost code has 10 digits."),
    "hamlet_code": lambda: _("Choose a hamlet of this commune."),
    "held_on": lambda: _("Please enter the date of the session."),
    "topics": lambda: _("Choose at least one topic."),
}


def _load(schema, form: dict) -> dict:
    try:
        return schema.load(form)
    except SchemaError as error:
        messages = {name: _message(name, found) for name, found in error.messages.items()}
        raise ValidationError(" ".join(messages.values()), errors=messages) from error


def _message(name: str, found) -> str:
    """The field rule's own reason when it gave one (it is already translated), else the field's message."""
    if isinstance(found, list) and found and isinstance(found[0], RuleMessage):
        return str(found[0])
    return FIELD_MESSAGES.get(name, lambda: _("This value is not valid."))()


def _check_hamlet(code: str | None, commune_code: str) -> None:
    if code is None:
        return
    hamlet = db.session.get(Place, code)
    if hamlet is None or hamlet.kind != "hamlet" or hamlet.parent_code != commune_code:
        raise ValidationError(FIELD_MESSAGES["hamlet_code"](), errors={"hamlet_code": FIELD_MESSAGES["hamlet_code"]()})


def correct_household(household: Household, form: dict, user) -> bool:
    """Apply a supervisor's correction; returns whether anything changed."""
    values = _load(HouseholdCorrectionLoadSchema(), form)
    _check_hamlet(values["hamlet_code"], household.commune_code)
    changed = record_web_edit("household", household, values, user) is not None
    db.session.commit()
    return changed


def correct_session(session: TrainingSession, form: dict, user) -> bool:
    """Apply a supervisor's correction to a training session; returns whether anything changed."""
    values = _load(SessionCorrectionLoadSchema(), form)
    _check_hamlet(values["hamlet_code"], session.commune_code)
    values["topics"] = [t for t in dict.fromkeys(values["topics"])]
    changed = record_web_edit("training_session", session, values, user) is not None
    db.session.commit()
    return changed


def history(household: Household) -> list[Mutation]:
    """Every logged change of the household, its consents, accounts, attendance and merged-in households."""
    ids = {household.id}
    for model in (Consent, MarketplaceAccount, PaymentAccount, Attendance):
        ids.update(db.session.scalars(sa.select(model.id).where(model.household_id == household.id)))
    ids.update(db.session.scalars(sa.select(Household.id).where(Household.merged_into_id == household.id)))
    query = (
        sa.select(Mutation).where(Mutation.record_id.in_(ids)).order_by(Mutation.received_at.desc(), Mutation.id.desc())
    )
    return list(db.session.scalars(query.limit(500)))
