"""Likely duplicate households (same phone, or same name without diacritics in one hamlet) and merging."""

from dataclasses import dataclass

import sqlalchemy as sa

from server.extensions import db
from server.households.models import Household
from server.places.models import Place
from server.reports.household_dates import counted_households
from server.reports.indicators import households_in
from server.text import fold


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
