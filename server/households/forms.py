"""What the household correction form holds, and how its refusals read."""

from flask_babel import gettext as _

CORRECTION_FIELDS = ("head_name", "phone", "hamlet_code", "preferred_language", "smartphone", "vnpost_code")
FIELD_MESSAGES = {
    "head_name": lambda: _("Please enter the name of the head of household."),
    "phone": lambda: _("The phone number should have 10 digits and start with 0."),
    "vnpost_code": lambda: _("The VNPost code has 10 digits."),
    "hamlet_code": lambda: _("Choose a hamlet of this commune."),
    "commune_code": lambda: _("Choose a hamlet of this commune."),
}
