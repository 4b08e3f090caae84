"""Corrections of households from the household pages: mutations through the one write path."""

import sqlalchemy as sa

from server.extensions import db
from server.households.forms import CORRECTION_FIELDS, FIELD_MESSAGES
from server.households.models import Consent, Household, MarketplaceAccount, PaymentAccount
from server.mutations.models import Mutation
from server.mutations.rejections import Rejected
from server.mutations.web import changes_from_form, form_error, web_change
from server.training.models import Attendance


def correct_household(household: Household, form: dict, user) -> bool:
    """Apply a supervisor's correction (flushed, not committed); returns whether anything changed."""
    values = changes_from_form("household", household, form, CORRECTION_FIELDS, FIELD_MESSAGES)
    if not values:
        return False
    if "hamlet_code" in values:
        values["commune_code"] = household.commune_code  # the form picks a hamlet of this commune, it does not move
    try:
        web_change("household", household.id, values, user, record=household)
    except Rejected as rejection:
        raise form_error(rejection, FIELD_MESSAGES) from rejection
    return True


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
