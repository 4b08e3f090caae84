"""Corrections of training sessions from the session pages: mutations through the one write path."""

from flask_babel import gettext as _

from server.mutations.web import correct_from_form
from server.training.models import TrainingSession

CORRECTION_FIELDS = ("held_on", "title", "topics", "hamlet_code")
FIELD_MESSAGES = {
    "held_on": lambda: _("Please enter the date of the session."),
    "topics": lambda: _("Choose at least one topic."),
    "title": lambda: _("The title is too long."),
    "hamlet_code": lambda: _("Choose a hamlet of this commune."),
    "commune_code": lambda: _("Choose a hamlet of this commune."),
}


def correct_session(session: TrainingSession, form: dict, user) -> bool:
    """Apply a supervisor's correction to a session (flushed, not committed); returns whether anything changed."""
    return correct_from_form("training_session", session, form, CORRECTION_FIELDS, FIELD_MESSAGES, user)
