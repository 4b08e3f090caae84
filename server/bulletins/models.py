"""Bulletins, their passing-on at training sessions, and which phones received and opened them."""

import sqlalchemy as sa
from sqlalchemy import orm

from server.extensions import db
from server.models_base import Synced, UTCDateTime, Versioned, utcnow, uuid7

KINDS = ("market_price", "season_weather", "marketplace_tip", "training", "buyer_wanted")
CATEGORIES = ("rice", "coconut", "fruit", "vegetables", "fish_shrimp", "livestock", "processed", "other")
PRICE_UNITS = ("kg", "fruit", "dozen", "ton", "litre")
LANGUAGES = ("vi", "km", "en")
REQUIRED_LANGUAGES = ("vi", "km")
STATUSES = ("draft", "published", "withdrawn")


class Bulletin(Versioned, db.Model):
    """A short notice for a province, commune or hamlet (and every place below it), in several languages."""

    __tablename__ = "bulletins"
    id = sa.Column(sa.Uuid, primary_key=True, default=uuid7)
    place_code = sa.Column(sa.String(24), sa.ForeignKey("places.code"), nullable=False, index=True)
    kind = sa.Column(sa.String(24), nullable=False)
    category = sa.Column(sa.String(24), nullable=True)
    price = sa.Column(sa.Integer, nullable=True)  # đồng per unit
    price_unit = sa.Column(sa.String(16), nullable=True)
    price_on = sa.Column(sa.Date, nullable=True)
    expires_on = sa.Column(sa.Date, nullable=False)
    # {"vi": {"title": …, "body": …}, "km": {…}, "en": {…}}: plain text, never HTML.
    texts = sa.Column(sa.JSON, nullable=False, default=dict)
    status = sa.Column(sa.String(12), nullable=False, default="draft", index=True)
    author_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    published_at = sa.Column(UTCDateTime(), nullable=True)
    withdrawn_at = sa.Column(UTCDateTime(), nullable=True)

    place = orm.relationship("Place")
    author = orm.relationship("User")


class BulletinTold(Synced, db.Model):
    """A trainer told the households of a session about a bulletin (a set: one row per bulletin and session)."""

    __tablename__ = "bulletin_told"
    __table_args__ = (sa.UniqueConstraint("bulletin_id", "session_id"),)
    bulletin_id = sa.Column(sa.Uuid, sa.ForeignKey("bulletins.id"), nullable=False, index=True)
    session_id = sa.Column(sa.Uuid, sa.ForeignKey("training_sessions.id"), nullable=False, index=True)

    bulletin = orm.relationship("Bulletin")
    session = orm.relationship("TrainingSession")


class BulletinReceipt(db.Model):
    """A phone (device token) received a bulletin with a pull, and perhaps showed it to its trainer."""

    __tablename__ = "bulletin_receipts"
    __table_args__ = (sa.UniqueConstraint("bulletin_id", "token_id"),)
    id = sa.Column(sa.Integer, primary_key=True)
    bulletin_id = sa.Column(sa.Uuid, sa.ForeignKey("bulletins.id"), nullable=False, index=True)
    token_id = sa.Column(sa.Integer, sa.ForeignKey("device_tokens.id", ondelete="CASCADE"), nullable=False, index=True)
    received_at = sa.Column(UTCDateTime(), nullable=False, default=utcnow)
    opened_at = sa.Column(UTCDateTime(), nullable=True)
