"""The bulletin record kind phones write: a bulletin told at a training session."""

from server.bulletins import rules
from server.bulletins.models import BulletinTold
from server.bulletins.schemas import BulletinToldFieldsSchema
from server.mutations.entity import Entity

# Scoped by its session (the parent); the bulletin must reach the session's commune.
BULLETIN_TOLD = Entity(
    "bulletin_told",
    BulletinTold,
    BulletinToldFieldsSchema,
    ("bulletin_id", "session_id"),
    "session",
    check=rules.check_told,
)
