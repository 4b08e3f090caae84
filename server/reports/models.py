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
