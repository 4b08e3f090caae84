"""How a household's figures are computed from the source tables, in SQL.

`summary_select` gives, per household, where it is, whether it counts and the first day it
met each indicator. It fills household_summaries (server/reports/summary.py), which the
dashboard counts; a household that met an indicator on day D counts for every period ending
on or after D.
"""

import json

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from server.households.models import PLATFORMS, Household, MarketplaceAccount, PaymentAccount
from server.mutations.listed import UuidArray, UuidArrayText
from server.training.models import Attendance, TrainingSession

# Indicator → training topic whose attendance counts for it.
TRAINING_TOPICS = {
    "trained_digital": "digital_skills",
    "trained_packaging": "packaging_delivery",
    "trained_livestream": "livestream",
}


class day(FunctionElement):
    """The calendar day of a timestamp: date(x) on SQLite, CAST(x AS DATE) elsewhere."""

    type = sa.Date()
    inherit_cache = True


@compiles(day)
def _day_default(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


@compiles(day, "sqlite")
def _day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


class month_start(FunctionElement):
    """The first day of a date's month."""

    type = sa.Date()
    inherit_cache = True


@compiles(month_start)
def _month_start_default(element, compiler, **kw):
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


def counted_households():
    """Condition for households that count: not tombstoned and not merged away.

    An erased household still counts: erasure removes who it was, not what the programme did.
    """
    return sa.and_(Household.deleted_at.is_(None), Household.merged_into_id.is_(None))


def among(column, ids, dialect: str):
    """`column IN ids` with all the ids in one bound parameter (the text of a uuid[], or a JSON array).

    One parameter rather than one per id keeps a refresh of 1,000 households cheap to send
    and to plan, however often the list appears in the statement.
    """
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam("ids", among_ids(ids, dialect), type_=UuidArray()))
    if dialect == "sqlite":
        values = sa.func.json_each(sa.bindparam("ids", among_ids(ids, dialect))).table_valued("value")
        return column.in_(sa.select(values.c.value))
    return column.in_(list(ids))


def among_ids(ids, dialect: str):
    """The value of among()'s parameter "ids", to run a statement built once with other ids: the
    text of a uuid[] (server/mutations/listed.py says why) or a JSON array."""
    if dialect == "postgresql":
        return UuidArrayText.of(ids)
    return json.dumps([i.hex for i in ids])


def _chosen(column, household_ids, dialect: str):
    """The rows of these households (all rows when `household_ids` is None)."""
    return sa.true() if household_ids is None else among(column, household_ids, dialect)


def _trained(household_ids, dialect: str):
    """Per household, the first day it attended a live session of each training topic."""
    topics_text = sa.cast(TrainingSession.topics, sa.Text)
    columns = [
        sa.func.min(sa.case((topics_text.like(f'%"{topic}"%'), TrainingSession.held_on))).label(indicator)
        for indicator, topic in TRAINING_TOPICS.items()
    ]
    select = (
        sa.select(Attendance.household_id.label("household_id"), *columns)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(Attendance.deleted_at.is_(None), TrainingSession.deleted_at.is_(None))
        .group_by(Attendance.household_id)
    )
    if household_ids is not None and dialect == "postgresql":
        # Per household, by its attendance index: PostgreSQL otherwise may read every attendance
        # of every live session and filter it by the list, which it did while the tables' statistics
        # were those of empty ones (a refresh of 250 households grew from 13 to 25 ms as a push went on).
        return select.where(Attendance.household_id == Household.id).lateral("trained")
    return select.where(_chosen(Attendance.household_id, household_ids, dialect)).subquery("trained")


def _marketplace(household_ids, dialect: str):
    """Per household, first seller account, first active account, orders, first account per platform."""
    opened = sa.func.coalesce(MarketplaceAccount.opened_on, day(MarketplaceAccount.created_at))
    active = (MarketplaceAccount.products_listed > 0) | (MarketplaceAccount.orders_reported > 0)
    checked = sa.func.coalesce(MarketplaceAccount.checked_on, opened)
    platforms = [
        sa.func.min(sa.case((MarketplaceAccount.platform == name, opened))).label(f"platform_{name}")
        for name in PLATFORMS
    ]
    return (
        sa.select(
            MarketplaceAccount.household_id.label("household_id"),
            sa.func.min(opened).label("seller_account"),
            sa.func.min(sa.case((active, checked))).label("active_account"),
            sa.func.sum(MarketplaceAccount.orders_reported).label("orders"),
            *platforms,
        )
        .where(MarketplaceAccount.deleted_at.is_(None))
        .where(_chosen(MarketplaceAccount.household_id, household_ids, dialect))
        .group_by(MarketplaceAccount.household_id)
        .subquery("marketplace")
    )


def _payment(household_ids, dialect: str):
    """Per household, the first day it had an e-payment account."""
    opened = sa.func.coalesce(PaymentAccount.opened_on, day(PaymentAccount.created_at))
    return (
        sa.select(PaymentAccount.household_id.label("household_id"), sa.func.min(opened).label("payment_account"))
        .where(PaymentAccount.deleted_at.is_(None), _chosen(PaymentAccount.household_id, household_ids, dialect))
        .group_by(PaymentAccount.household_id)
        .subquery("payment")
    )


def summary_select(household_ids=None, dialect: str = "default"):
    """SELECT of household_summaries rows for these households (every household when None)."""
    trained, market = _trained(household_ids, dialect), _marketplace(household_ids, dialect)
    payment = _payment(household_ids, dialect)
    registered_on = day(Household.created_at)
    has_address = sa.or_(
        sa.func.coalesce(Household.plus_code, "") != "", sa.func.coalesce(Household.vnpost_code, "") != ""
    )
    smartphone = sa.func.coalesce(Household.smartphone_since, registered_on)
    counted = counted_households()
    trained_no_account = sa.and_(counted, trained.c.household_id.is_not(None), market.c.household_id.is_(None))
    return (
        sa.select(
            Household.id.label("household_id"),
            Household.commune_code.label("commune_code"),
            Household.hamlet_code.label("hamlet_code"),
            sa.case((counted, sa.true()), else_=sa.false()).label("counted"),
            registered_on.label("registered_on"),
            *[trained.c[indicator] for indicator in TRAINING_TOPICS],
            market.c.seller_account,
            market.c.active_account,
            payment.c.payment_account,
            sa.case((Household.smartphone == "yes", smartphone)).label("smartphone"),
            sa.case((has_address, registered_on)).label("digital_address"),
            sa.func.coalesce(market.c.orders, 0).label("orders"),
            *[market.c[f"platform_{p}"] for p in PLATFORMS],
            sa.case((trained_no_account, sa.true()), else_=sa.false()).label("follow_up_trained_no_account"),
            sa.case((sa.and_(counted, Household.smartphone == "no"), sa.true()), else_=sa.false()).label(
                "follow_up_no_smartphone"
            ),
        )
        .outerjoin(trained, trained.c.household_id == Household.id)
        .outerjoin(market, market.c.household_id == Household.id)
        .outerjoin(payment, payment.c.household_id == Household.id)
        .where(_chosen(Household.id, household_ids, dialect))
    )
