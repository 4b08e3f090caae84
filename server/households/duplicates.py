"""Likely duplicate households (same phone, or same name without diacritics in one hamlet) and merging."""

from dataclasses import dataclass

import sqlalchemy as sa

from server.auth.models import User
from server.extensions import db
from server.households.models import Household, MarketplaceAccount, PaymentAccount
from server.mutations.models import Mutation
from server.places.models import Place
from server.reports.household_dates import counted_households
from server.reports.indicators import households_in
from server.text import fold, normalise_phone
from server.training.models import Attendance


def phone_key(column):
    """SQL: the phone as 0xxxxxxxxx digits (spaces, dots, dashes and the +84 prefix removed)."""
    digits = column
    for mark in (" ", ".", "-", "(", ")"):
        digits = sa.func.replace(digits, mark, "")
    return sa.case(
        (digits.like("+84%"), "0" + sa.func.substr(digits, 4)),
        (sa.and_(digits.like("84%"), sa.func.length(digits) >= 11), "0" + sa.func.substr(digits, 3)),
        else_=digits,
    )


@dataclass
class DuplicateGroup:
    """Households that are probably one household, and why."""

    reason: str  # phone | name
    households: list[Household]

    @property
    def phones_differ(self) -> bool:
        """Same name, but two different phone numbers: perhaps two households after all."""
        phones = {normalise_phone(h.phone) for h in self.households if h.phone}
        return len(phones) > 1


@dataclass
class HouseholdFacts:
    """What tells two households apart on the duplicates page."""

    accounts: int = 0
    attendance: int = 0
    registered_by: str | None = None
    registered_on: str | None = None  # device: phone, web or import


def _counts(model, ids) -> dict:
    rows = db.session.execute(
        sa.select(model.household_id, sa.func.count())
        .where(model.household_id.in_(ids), model.deleted_at.is_(None))
        .group_by(model.household_id)
    )
    return dict(rows.all())


def household_facts(households: list[Household]) -> dict:
    """Household id → its live accounts, attendance and who first registered it (and from where)."""
    ids = [h.id for h in households]
    facts = {i: HouseholdFacts() for i in ids}
    for model in (MarketplaceAccount, PaymentAccount):
        for household_id, count in _counts(model, ids).items():
            facts[household_id].accounts += count
    for household_id, count in _counts(Attendance, ids).items():
        facts[household_id].attendance = count
    first = (
        sa.select(Mutation.record_id, Mutation.device_id, sa.func.coalesce(User.display_name, User.username))
        .outerjoin(User, User.id == Mutation.user_id)
        .where(Mutation.entity == "household", Mutation.record_id.in_(ids), Mutation.result == "applied")
        .order_by(Mutation.received_at.desc(), Mutation.id.desc())
    )
    for household_id, device, name in db.session.execute(first):
        facts[household_id].registered_by = name  # the last row read is the first change
        facts[household_id].registered_on = device if device in ("web", "import") else "phone"
    return facts


def _by_phone(where) -> list[DuplicateGroup]:
    key = phone_key(Household.phone)
    keys = (
        sa.select(key.label("key"))
        .where(where, Household.phone.is_not(None), Household.phone != "")
        .group_by(key)
        .having(sa.func.count() > 1)
        .limit(200)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(key, Household).where(where, key.in_(sa.select(keys.c.key))).order_by(key, Household.created_at)
    ).all()
    groups: dict[str, list] = {}
    for phone, household in rows:
        groups.setdefault(phone, []).append(household)
    return [DuplicateGroup("phone", members) for members in groups.values()]


def _by_name(where) -> list[DuplicateGroup]:
    rows = db.session.execute(
        sa.select(Household.id, Household.head_name, Household.hamlet_code).where(
            where, Household.hamlet_code.is_not(None)
        )
    ).all()
    groups: dict[tuple, list] = {}
    for household_id, name, hamlet in rows:
        groups.setdefault((hamlet, fold(name)), []).append(household_id)
    ids = [member for members in groups.values() if len(members) > 1 for member in members]
    found = {h.id: h for h in db.session.scalars(sa.select(Household).where(Household.id.in_(ids)))}
    return [
        DuplicateGroup("name", sorted((found[i] for i in members), key=lambda h: h.created_at))
        for members in groups.values()
        if len(members) > 1
    ]


def likely_duplicates(scope, place: Place) -> list[DuplicateGroup]:
    """Groups of likely duplicates in a place; names are compared within a commune or hamlet only."""
    where = sa.and_(counted_households(), scope.commune_filter(Household.commune_code), households_in(place))
    groups = _by_phone(where)
    if place.kind != "province":
        seen = {frozenset(h.id for h in g.households) for g in groups}
        groups += [g for g in _by_name(where) if frozenset(h.id for h in g.households) not in seen]
    return groups
