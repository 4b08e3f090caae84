"""Corrections of training sessions from the session pages: mutations through the one write path."""

from flask_babel import gettext as _

from server.mutations.rejections import Rejected
from server.mutations.web import changes_from_form, form_error, web_change
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
    values = changes_from_form("training_session", session, form, CORRECTION_FIELDS, FIELD_MESSAGES)
    if "topics" in values and sorted(values["topics"]) == sorted(session.topics or []):
        del values["topics"]
    if not values:
        return False
    if "hamlet_code" in values:
        values["commune_code"] = session.commune_code  # the form picks a hamlet of this commune, it does not move
    try:
        web_change("training_session", session.id, values, user, record=session)
    except Rejected as rejection:
        raise form_error(rejection, FIELD_MESSAGES) from rejection
    return True
