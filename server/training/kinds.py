"""The training record kinds as the one write path knows them."""

from server.mutations.entity import Entity
from server.places.rules import check_commune_and_hamlet
from server.training import rules
from server.training.models import Attendance, TrainingSession
from server.training.schemas import AttendanceFieldsSchema, TrainingSessionFieldsSchema

TRAINING_SESSION = Entity(
    "training_session",
    TrainingSession,
    TrainingSessionFieldsSchema,
    together=("commune_code", "hamlet_code"),
    place=check_commune_and_hamlet,
    complete=rules.complete_session,
)
# Attendance needs its session and its household in the writer's scope (both are parents).
ATTENDANCE = Entity("attendance", Attendance, AttendanceFieldsSchema, ("session_id", "household_id"), "session")
