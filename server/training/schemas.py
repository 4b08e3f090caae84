"""A training session's and an attendance's fields: one schema each for phone and web."""

from marshmallow import Schema, fields, post_load, validate

from server.field_rules import rule
from server.mutations.fields import FieldsSchema, nullable_text, text
from server.training.models import CHECK_IN_METHODS, TOPICS


class TrainingSessionFieldsSchema(FieldsSchema):
    text_fields = ("title",)
    commune_code = text(24, required=True)
    hamlet_code = nullable_text(24)
    held_on = fields.Date(required=True, validate=rule("training_session", "held_on"))
    topics = fields.List(
        fields.String(validate=validate.OneOf(TOPICS)), validate=validate.Length(min=1, max=len(TOPICS))
    )
    title = fields.String(allow_none=True, validate=rule("training_session", "title"))

    @post_load
    def _unique_topics(self, data: dict, **_kwargs) -> dict:
        if "topics" in data:
            data["topics"] = sorted(set(data["topics"]))
        return data


class AttendanceFieldsSchema(FieldsSchema):
    text_fields = ("attendee_name",)
    session_id = fields.UUID(required=True)
    household_id = fields.UUID(required=True)
    attendee_name = fields.String(allow_none=True, validate=rule("attendance", "attendee_name"))
    method = fields.String(validate=validate.OneOf(CHECK_IN_METHODS))


# --- what pulls send ---------------------------------------------------------------------


class TrainingSessionDumpSchema(Schema):
    commune_code = fields.String(required=True)
    hamlet_code = fields.String(allow_none=True)
    held_on = fields.Date(required=True, validate=rule("training_session", "held_on"))
    topics = fields.List(fields.String(validate=validate.OneOf(TOPICS)), required=True)
    title = fields.String(allow_none=True)


class AttendanceDumpSchema(Schema):
    session_id = fields.UUID(required=True)
    household_id = fields.UUID(required=True)
    attendee_name = fields.String(allow_none=True)
    method = fields.String(required=True, validate=validate.OneOf(CHECK_IN_METHODS))
