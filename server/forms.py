"""Posted web forms as marshmallow schemas read them: the CSRF token belongs to security.py, not to a record."""

from flask import current_app, request
from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load

from server.field_rules import FieldRule
from server.text import nfc


def form_values(lists: tuple[str, ...] = ()) -> dict:
    """The posted fields without the CSRF token, one value each; the fields named in lists keep all their values."""
    token_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    values = {name: value for name, value in request.form.items() if name != token_field}
    values.update({name: request.form.getlist(name) for name in lists})
    return values


class FormSchema(Schema):
    """A page's form: text is trimmed, a blank field is absent, and every refusal reads in the page's language."""

    class Meta:
        unknown = EXCLUDE  # a page's buttons and other forms' fields are not part of the record

    verbatim: tuple[str, ...] = ()  # fields kept exactly as typed, e.g. a password

    @pre_load
    def _blank_is_absent(self, values, **kwargs):
        cleaned = {}
        for name, value in values.items():
            if isinstance(value, str) and not value.strip():
                continue
            cleaned[name] = value if name in self.verbatim or not isinstance(value, str) else nfc(value)
        return cleaned

    def handle_error(self, error, data, **kwargs):
        """Marshmallow's own messages are English: replace the ones a page can meet with translated words."""
        error.messages = _translated(error.messages)


_MARSHMALLOW_WORDS = {
    "Missing data for required field.": lambda: _("Please fill in this field."),
    "Not a valid date.": lambda: _("Please enter a date, e.g. 2026-03-01."),
    "Not a valid number.": lambda: _("Please enter a number."),
    "Not a valid integer.": lambda: _("Please choose from the list."),
    "Special numeric values (nan or infinity) are not permitted.": lambda: _("Please enter a number."),
    "Not a valid string.": lambda: _("This value is not valid."),
    "Must be one of: {choices}.": lambda: _("Please choose from the list."),
}


def _translated(messages):
    if isinstance(messages, dict):
        return {name: _translated(value) for name, value in messages.items()}
    if isinstance(messages, list):
        return [_translated(message) for message in messages]
    key = "Must be one of: {choices}." if str(messages).startswith("Must be one of:") else messages
    words = _MARSHMALLOW_WORDS.get(key)
    return words() if words else messages


def required_text(message, max_length: int | None = None, **options) -> fields.String:
    """A text field that must be filled in, refused with the field's own message."""
    messages = {"required": message, "null": message}
    return fields.String(required=True, validate=at_most(max_length), error_messages=messages, **options)


def optional_text(max_length: int | None = None) -> fields.String:
    """A text field that may be left blank (then None)."""
    return fields.String(load_default=None, allow_none=True, validate=at_most(max_length))


def at_most(max_length: int | None) -> FieldRule | None:
    """A validator refusing text longer than max_length characters: the field rule the push uses."""
    return FieldRule(max_length=max_length) if max_length is not None else None


def load_form(schema: Schema, values: dict) -> tuple[dict, dict]:
    """The schema's cleaned values and no errors, or the posted values and the first error of each field."""
    try:
        return schema.load(values), {}
    except ValidationError as error:
        return values, {name: _first(messages) for name, messages in error.messages.items()}


def _first(messages) -> str:
    while isinstance(messages, (list, dict)):
        messages = next(iter(messages.values() if isinstance(messages, dict) else messages), "")
    return str(messages)
