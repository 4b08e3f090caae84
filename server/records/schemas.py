"""Load schemas for corrections made on the records pages."""

from marshmallow import Schema, fields, post_load, pre_load, validate

from server.field_rules import clean_phone, rule
from server.households.models import LANGUAGES, SMARTPHONE
from server.text import nfc
from server.training.models import TOPICS


def _blank_to_none(data: dict) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) or None for k, v in data.items()}


class HouseholdCorrectionLoadSchema(Schema):
    """What a supervisor may correct on a household."""

    head_name = fields.String(required=True, validate=rule("household", "head_name"))
    phone = fields.String(load_default=None, allow_none=True, validate=rule("household", "phone"))
    hamlet_code = fields.String(load_default=None, allow_none=True)
    preferred_language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    smartphone = fields.String(required=True, validate=validate.OneOf(SMARTPHONE))
    vnpost_code = fields.String(load_default=None, allow_none=True, validate=rule("household", "vnpost_code"))

    @pre_load
    def _clean(self, data, **kwargs):
        return _blank_to_none(dict(data))

    @post_load
    def _normalise(self, data, **kwargs):
        data["head_name"] = nfc(data["head_name"])
        data["phone"] = clean_phone(data.get("phone"))
        return data


class SessionCorrectionLoadSchema(Schema):
    """What a supervisor may correct on a training session."""

    held_on = fields.Date(required=True, validate=rule("training_session", "held_on"))
    title = fields.String(load_default=None, allow_none=True, validate=rule("training_session", "title"))
    topics = fields.List(fields.String(validate=validate.OneOf(TOPICS)), required=True, validate=validate.Length(min=1))
    hamlet_code = fields.String(load_default=None, allow_none=True)

    @pre_load
    def _clean(self, data, **kwargs):
        topics = data.get("topics", [])
        cleaned = _blank_to_none({k: v for k, v in data.items() if k != "topics"})
        cleaned["topics"] = topics
        return cleaned
