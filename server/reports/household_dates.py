"""One row per counted household with the date it first met each indicator, built in SQL.

Every figure on the dashboard is an aggregate over this subquery, so a province of a
million households is counted by the database in one pass, never row by row in Python.
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from server.households.models import PLATFORMS, Household, MarketplaceAccount, PaymentAccount
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


def counted_households():
    """Condition for households that count: not tombstoned and not merged away.

    An erased household still counts: erasure removes who it was, not what the programme did.
    """
    return sa.and_(Household.deleted_at.is_(None), Household.merged_into_id.is_(None))


def _trained(where, as_of):
    """Per household, the first day it attended a session of each training topic."""
    topics_text = sa.cast(TrainingSession.topics, sa.Text)
    columns = [
        sa.func.min(sa.case((topics_text.like(f'%"{topic}"%'), TrainingSession.held_on))).label(indicator)
        for indicator, topic in TRAINING_TOPICS.items()
    ]
    return (
        sa.select(Attendance.household_id.label("household_id"), *columns)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Household, Household.id == Attendance.household_id)
        .where(Attendance.deleted_at.is_(None), TrainingSession.deleted_at.is_(None))
        .where(TrainingSession.held_on <= as_of, where)
        .group_by(Attendance.household_id)
        .cte("trained")
    )


def _marketplace(where, as_of):
    """Per household, first seller account, first active account, platforms and orders."""
    opened = sa.func.coalesce(MarketplaceAccount.opened_on, day(MarketplaceAccount.created_at))
    active = (MarketplaceAccount.products_listed > 0) | (MarketplaceAccount.orders_reported > 0)
    checked = sa.func.coalesce(MarketplaceAccount.checked_on, opened)
    platforms = [
        sa.func.max(sa.case((sa.and_(MarketplaceAccount.platform == name, opened <= as_of), 1), else_=0)).label(
            f"platform_{name}"
        )
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
        .join(Household, Household.id == MarketplaceAccount.household_id)
        .where(MarketplaceAccount.deleted_at.is_(None), where)
        .group_by(MarketplaceAccount.household_id)
        .cte("marketplace")
    )


def _payment(where):
    """Per household, the first day it had an e-payment account."""
    opened = sa.func.coalesce(PaymentAccount.opened_on, day(PaymentAccount.created_at))
    return (
        sa.select(PaymentAccount.household_id.label("household_id"), sa.func.min(opened).label("payment_account"))
        .join(Household, Household.id == PaymentAccount.household_id)
        .where(PaymentAccount.deleted_at.is_(None), where)
        .group_by(PaymentAccount.household_id)
        .cte("payment")
    )


def household_dates(where, group_column, as_of: date):
    """Subquery: group, household id, and the date each indicator was first met (NULL if not)."""
    as_of = sa.bindparam("as_of", as_of, type_=sa.Date)
    where = sa.and_(counted_households(), where)
    trained, market, payment = _trained(where, as_of), _marketplace(where, as_of), _payment(where)
    registered_on = day(Household.created_at)
    has_address = sa.or_(
        sa.func.coalesce(Household.plus_code, "") != "", sa.func.coalesce(Household.vnpost_code, "") != ""
    )
    platform_columns = [sa.func.coalesce(market.c[f"platform_{p}"], 0).label(f"platform_{p}") for p in PLATFORMS]
    return (
        sa.select(
            group_column.label("grp"),
            Household.id.label("household_id"),
            *[trained.c[indicator] for indicator in TRAINING_TOPICS],
            market.c.seller_account,
            market.c.active_account,
            sa.func.coalesce(market.c.orders, 0).label("orders"),
            payment.c.payment_account,
            sa.case((Household.smartphone == "yes", sa.func.coalesce(Household.smartphone_since, registered_on))).label(
                "smartphone"
            ),
            sa.case((has_address, registered_on)).label("digital_address"),
            *platform_columns,
        )
        .outerjoin(trained, trained.c.household_id == Household.id)
        .outerjoin(market, market.c.household_id == Household.id)
        .outerjoin(payment, payment.c.household_id == Household.id)
        .where(where, registered_on <= as_of)
        .subquery("household_dates")
    )
