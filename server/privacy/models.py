"""Who read, exported or erased whose personal data, and when."""

import sqlalchemy as sa

from server.extensions import db
from server.models_base import UTCDateTime, utcnow

ACTIONS = ("view", "export", "erase")


class AccessLog(db.Model):
    """One reading, export or erasure of a household's personal data."""

    __tablename__ = "access_log"
    id = sa.Column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True, index=True)
    action = sa.Column(sa.String(16), nullable=False)
    entity = sa.Column(sa.String(32), nullable=False)
    record_id = sa.Column(sa.String(64), nullable=False, index=True)
    at = sa.Column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    detail = sa.Column(sa.String(200), nullable=True)
