"""Official denominators (baselines) and targets per place and year."""

import sqlalchemy as sa

from server.extensions import db
from server.models_base import Versioned

INDICATORS = (
    "trained_digital",
    "trained_packaging",
    "trained_livestream",
    "seller_account",
    "active_account",
    "payment_account",
    "smartphone",
    "digital_address",
)


class Baseline(Versioned, db.Model):
    """The official number of farm households of a place in a year."""

    __tablename__ = "baselines"
    __table_args__ = (sa.UniqueConstraint("place_code", "year"),)
    id = sa.Column(sa.Integer, primary_key=True)
    place_code = sa.Column(sa.String(24), sa.ForeignKey("places.code"), nullable=False)
    year = sa.Column(sa.Integer, nullable=False)
    farm_households = sa.Column(sa.Integer, nullable=False)


class Target(Versioned, db.Model):
    """A target percentage for one indicator; children inherit it unless they set their own."""

    __tablename__ = "targets"
    __table_args__ = (sa.UniqueConstraint("place_code", "year", "indicator"),)
    id = sa.Column(sa.Integer, primary_key=True)
    place_code = sa.Column(sa.String(24), sa.ForeignKey("places.code"), nullable=False)
    year = sa.Column(sa.Integer, nullable=False)
    indicator = sa.Column(sa.String(32), nullable=False)
    percent = sa.Column(sa.Numeric(5, 2), nullable=False)


class HouseholdSummary(db.Model):
    """One row per household: where it is, whether it counts, and the first day it met each indicator.

    Derived data: recomputed from the source tables in the same transaction as every write that
    can change it (server/reports/summary_hooks.py), so the dashboard only has to count rows.
    No foreign keys: checking them would take locks on households inside every commit.
    """

    __tablename__ = "household_summaries"
    household_id = sa.Column(sa.Uuid, primary_key=True)
    commune_code = sa.Column(sa.String(24), nullable=False, index=True)
    hamlet_code = sa.Column(sa.String(24), nullable=True, index=True)
    counted = sa.Column(sa.Boolean, nullable=False)  # not tombstoned and not merged away
    registered_on = sa.Column(sa.Date, nullable=False, index=True)
    trained_digital = sa.Column(sa.Date, nullable=True)
    trained_packaging = sa.Column(sa.Date, nullable=True)
    trained_livestream = sa.Column(sa.Date, nullable=True)
    seller_account = sa.Column(sa.Date, nullable=True)
    active_account = sa.Column(sa.Date, nullable=True)
    payment_account = sa.Column(sa.Date, nullable=True)
    smartphone = sa.Column(sa.Date, nullable=True)
    digital_address = sa.Column(sa.Date, nullable=True)
    orders = sa.Column(sa.Integer, nullable=False, default=0)
    # First day of a live seller account on each platform (one column per households.models.PLATFORMS).
    platform_postmart = sa.Column(sa.Date, nullable=True)
    platform_voso = sa.Column(sa.Date, nullable=True)
    platform_shopee = sa.Column(sa.Date, nullable=True)
    platform_lazada = sa.Column(sa.Date, nullable=True)
    platform_tiktok = sa.Column(sa.Date, nullable=True)
    platform_sendo = sa.Column(sa.Date, nullable=True)
    platform_tiki = sa.Column(sa.Date, nullable=True)
    platform_provincial = sa.Column(sa.Date, nullable=True)
    platform_other = sa.Column(sa.Date, nullable=True)
    # Whether a counted household is on each follow-up list (server/households/lists.py FOLLOW_UPS):
    # trained (a live attendance at a live session) without a live seller account; no smartphone.
    follow_up_trained_no_account = sa.Column(sa.Boolean, nullable=False, default=False)
    follow_up_no_smartphone = sa.Column(sa.Boolean, nullable=False, default=False)


class PlaceDayCount(db.Model):
    """Counted households of a commune that met one figure on one day, by year of registration.

    Derived from household_summaries, by the same refresh (server/reports/counters.py):
    `metric` is "registered" (dated by registration), "orders" (the orders summed, dated by
    registration), an indicator, "platform_<p>" or "follow_up_<list>" (on a follow-up list, dated by
    registration); `households` is how many met it on `on_day`.
    The province dashboard adds these up instead of counting a million summary rows.
    """

    __tablename__ = "place_day_counts"
    on_day = sa.Column(sa.Date, primary_key=True)  # first in the key: the dashboard reads a few days
    commune_code = sa.Column(sa.String(24), primary_key=True)
    registered_year = sa.Column(sa.Integer, primary_key=True)
    metric = sa.Column(sa.String(32), primary_key=True)
    households = sa.Column(sa.Integer, nullable=False)


class PlaceMonthCount(db.Model):
    """The same counts added up per calendar month (`month` is its first day)."""

    __tablename__ = "place_month_counts"
    commune_code = sa.Column(sa.String(24), primary_key=True)
    registered_year = sa.Column(sa.Integer, primary_key=True)
    metric = sa.Column(sa.String(32), primary_key=True)
    month = sa.Column(sa.Date, primary_key=True)
    households = sa.Column(sa.Integer, nullable=False)
