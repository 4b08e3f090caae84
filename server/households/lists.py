"""Household lists within a user's scope: search, follow-up filters, and rows for export."""

from collections.abc import Iterator

import sqlalchemy as sa

from server.auth.scope import Scope
from server.extensions import db
from server.households.models import Consent, Household, MarketplaceAccount, PaymentAccount
from server.places.models import Place
from server.reports.household_dates import counted_households
from server.reports.indicators import households_in
from server.reports.models import HouseholdSummary
from server.text import fold, normalise_phone

FOLLOW_UPS = ("trained_no_account", "no_smartphone")


def follow_up_condition(name: str | None):
    """SQL condition of a follow-up list (or true).

    Read from household_summaries, which marks the households of each list (trained without a
    seller account, no smartphone) and is kept up to date at every commit; an index there
    counts a list of a million households without reading them.
    """
    if name in FOLLOW_UPS:
        summary = HouseholdSummary.__table__.c
        flag = summary[f"follow_up_{name}"]
        return sa.select(summary.household_id).where(summary.household_id == Household.id, flag == sa.true()).exists()
    return sa.true()


def search_condition(q: str):
    """Every word of q in the folded name, hamlet or phone; diacritics ignored."""
    conditions = []
    for word in fold(q).split():
        digits = normalise_phone(word) if word.replace("+", "").isdigit() else None
        matches = Household.search_text.contains(word, autoescape=True)
        if digits:
            matches = sa.or_(matches, Household.phone.contains(digits, autoescape=True))
        conditions.append(matches)
    return sa.and_(sa.true(), *conditions)


def household_query(scope: Scope, place: Place | None = None, q: str = "", follow_up: str | None = None):
    """Counted households in scope (and in `place`), matching q and the follow-up list, by name."""
    query = sa.select(Household).where(counted_households(), scope.commune_filter(Household.commune_code))
    if place is not None:
        query = query.where(households_in(place))
    return query.where(search_condition(q), follow_up_condition(follow_up)).order_by(Household.head_name, Household.id)


def count(query) -> int:
    """Number of rows a household query returns."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0


def contact_allowed():
    """SQL: the household lets the programme contact it by phone."""
    return (
        sa.select(Consent.id)
        .where(Consent.household_id == Household.id, Consent.purpose == "contact", Consent.given.is_(True))
        .where(Consent.deleted_at.is_(None))
        .exists()
    )


def _names_by_household(model, column, ids) -> dict:
    rows = db.session.execute(
        sa.select(model.household_id, column).where(model.household_id.in_(ids), model.deleted_at.is_(None))
    )
    found: dict = {}
    for household_id, name in rows:
        found.setdefault(household_id, []).append(name)
    return found


def export_rows(query, limit: int | None = None, offset: int = 0, chunk: int = 1000) -> Iterator[dict]:
    """Households of a query (all, or one page) with hamlet, commune, platforms, providers, consented phone."""
    hamlet, commune = sa.orm.aliased(Place), sa.orm.aliased(Place)
    rows = query.add_columns(contact_allowed().label("contact"), hamlet.name, commune.name)
    rows = rows.outerjoin(hamlet, hamlet.code == Household.hamlet_code).join(
        commune, commune.code == Household.commune_code
    )
    end = offset + limit if limit is not None else None
    while batch := db.session.execute(rows.limit(min(chunk, end - offset) if end else chunk).offset(offset)).all():
        ids = [row[0].id for row in batch]
        platforms = _names_by_household(MarketplaceAccount, MarketplaceAccount.platform, ids)
        providers = _names_by_household(PaymentAccount, PaymentAccount.provider, ids)
        for household, contact, hamlet_name, commune_name in batch:
            yield {
                "household": household,
                "phone": household.phone if contact else None,
                "hamlet": hamlet_name,
                "commune": commune_name,
                "platforms": sorted(platforms.get(household.id, [])),
                "providers": sorted(providers.get(household.id, [])),
            }
        offset += len(batch)
        if end is not None and offset >= end:
            break
