"""Training sessions and attendance (a set: one row per session and household)."""

import sqlalchemy as sa
from sqlalchemy import orm

from server.extensions import db
from server.models_base import Synced

TOPICS = (
    "digital_skills",
    "selling_online",
    "packaging_delivery",
    "livestream",
    "e_payment",
    "online_safety",
)
CHECK_IN_METHODS = ("search", "qr", "new", "import", "web")


class TrainingSession(Synced, db.Model):
    """A training held in a commune or hamlet on one day, on one or more topics."""

    __tablename__ = "training_sessions"
    commune_code = sa.Column(sa.String(24), sa.ForeignKey("places.code"), nullable=False, index=True)
    hamlet_code = sa.Column(sa.String(24), sa.ForeignKey("places.code"), nullable=True)
    held_on = sa.Column(sa.Date, nullable=False, index=True)
    topics = sa.Column(sa.JSON, nullable=False, default=list)
    title = sa.Column(sa.String(200), nullable=True)
    trainer_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)

    commune = orm.relationship("Place", foreign_keys=[commune_code])
    hamlet = orm.relationship("Place", foreign_keys=[hamlet_code])
    trainer = orm.relationship("User")
    attendance = orm.relationship("Attendance", back_populates="session")


class Attendance(Synced, db.Model):
    """One household's presence at one session."""

    __tablename__ = "attendance"
    __table_args__ = (sa.UniqueConstraint("session_id", "household_id"),)
    # Indexed by the unique (session_id, household_id) above.
    session_id = sa.Column(sa.Uuid, sa.ForeignKey("training_sessions.id"), nullable=False)
    household_id = sa.Column(sa.Uuid, sa.ForeignKey("households.id"), nullable=False, index=True)
    attendee_name = sa.Column(sa.String(200), nullable=True)
    method = sa.Column(sa.String(16), nullable=False, default="search")

    session = orm.relationship("TrainingSession", back_populates="attendance")
    household = orm.relationship("Household")
