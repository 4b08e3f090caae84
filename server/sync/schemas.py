"""Sync wire format: load schemas for pushed fields, dump schemas for what pulls and pushes answer."""

from datetime import UTC

from marshmallow import EXCLUDE, Schema, fields, post_load, validate

from server.clock import PATTERN as CLOCK_PATTERN
from server.households.models import (
    ACCOUNT_STATUSES,
    CONSENT_PURPOSES,
    LANGUAGES,
    PAYMENT_PROVIDERS,
    PAYMENT_STATUSES,
    PLATFORMS,
    SMARTPHONE,
)
from server.places.schemas import PlaceDumpSchema
from server.reports.schemas import ProgressDumpSchema
from server.text import nfc, normalise_phone
from server.training.models import CHECK_IN_METHODS, TOPICS

ENTITY_NAMES = ("household", "consent", "marketplace_account", "payment_account", "training_session", "attendance")
MAX_MUTATIONS = 500
MAX_VERSION = 2**63 - 1  # versions are BIGINT


def _text(max_length: int, **kwargs) -> fields.String:
    """Text that must contain more than spaces."""
    return fields.String(validate=[validate.Length(max=max_length), validate.Regexp(r"\S")], **kwargs)


def _nullable_text(max_length: int) -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(max=max_length))


class _FieldsSchema(Schema):
    """Pushed fields: only the changed ones (loaded with partial=True); unknown names are errors."""

    text_fields: tuple[str, ...] = ()

    @post_load
    def _normalise(self, data: dict, **_kwargs) -> dict:
        for name in self.text_fields:
            if data.get(name) is not None:
                data[name] = nfc(data[name]) or None
        return data


class HouseholdFieldsSchema(_FieldsSchema):
    text_fields = ("head_name", "ethnicity", "plus_code", "vnpost_code")
    head_name = _text(200, required=True)
    phone = _nullable_text(32)
    commune_code = _text(24, required=True)
    hamlet_code = _nullable_text(24)
    preferred_language = fields.String(validate=validate.OneOf(LANGUAGES))
    smartphone = fields.String(validate=validate.OneOf(SMARTPHONE))
    ethnicity = _nullable_text(60)
    latitude = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    plus_code = _nullable_text(16)
    vnpost_code = _nullable_text(10)

    @post_load
    def _phone(self, data: dict, **_kwargs) -> dict:
        if "phone" in data:
            data["phone"] = normalise_phone(data["phone"])
        return data


class ConsentFieldsSchema(_FieldsSchema):
    household_id = fields.UUID(required=True)
    purpose = fields.String(required=True, validate=validate.OneOf(CONSENT_PURPOSES))
    given = fields.Boolean(required=True)
    recorded_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class MarketplaceAccountFieldsSchema(_FieldsSchema):
    text_fields = ("shop_name",)
    household_id = fields.UUID(required=True)
    platform = fields.String(required=True, validate=validate.OneOf(PLATFORMS))
    shop_name = _nullable_text(200)
    status = fields.String(validate=validate.OneOf(ACCOUNT_STATUSES))
    products_listed = fields.Integer(strict=True, validate=validate.Range(min=0, max=10_000_000))
    orders_reported = fields.Integer(strict=True, validate=validate.Range(min=0, max=10_000_000))
    checked_on = fields.Date(allow_none=True)


class PaymentAccountFieldsSchema(_FieldsSchema):
    household_id = fields.UUID(required=True)
    provider = fields.String(required=True, validate=validate.OneOf(PAYMENT_PROVIDERS))
    status = fields.String(validate=validate.OneOf(PAYMENT_STATUSES))


class TrainingSessionFieldsSchema(_FieldsSchema):
    text_fields = ("title",)
    commune_code = _text(24, required=True)
    hamlet_code = _nullable_text(24)
    held_on = fields.Date(required=True)
    topics = fields.List(
        fields.String(validate=validate.OneOf(TOPICS)), validate=validate.Length(min=1, max=len(TOPICS))
    )
    title = _nullable_text(200)

    @post_load
    def _unique_topics(self, data: dict, **_kwargs) -> dict:
        if "topics" in data:
            data["topics"] = sorted(set(data["topics"]))
        return data


class AttendanceFieldsSchema(_FieldsSchema):
    text_fields = ("attendee_name",)
    session_id = fields.UUID(required=True)
    household_id = fields.UUID(required=True)
    attendee_name = _nullable_text(200)
    method = fields.String(validate=validate.OneOf(CHECK_IN_METHODS))


class MutationSchema(Schema):
    """One change made on a phone."""

    mutation_id = fields.UUID(required=True)
    entity = fields.String(required=True, validate=validate.OneOf(ENTITY_NAMES))
    record_id = fields.UUID(required=True)
    op = fields.String(required=True, validate=validate.OneOf(("upsert", "delete")))
    base_version = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=MAX_VERSION))
    clock = fields.String(required=True, validate=validate.Regexp(CLOCK_PATTERN))
    changed = fields.Dict(
        keys=fields.String(), data_key="fields", load_default=dict, metadata={"description": "Changed fields only."}
    )


class PushSchema(Schema):
    """A batch of changes from one phone."""

    app_version = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=40))
    queued = fields.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=0, max=10_000_000),
        metadata={"description": "Changes still waiting in the phone's outbox after this batch."},
    )
    mutations = fields.List(fields.Nested(MutationSchema), required=True, validate=validate.Length(max=MAX_MUTATIONS))


class PushEnvelopeSchema(PushSchema):
    """The batch without its mutations, which are checked one by one so one bad one blocks none."""

    class Meta:
        exclude = ("mutations",)
        unknown = EXCLUDE


# --- what the server answers -------------------------------------------------------------


class MutationResultSchema(Schema):
    mutation_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("applied", "duplicate", "merged", "rejected")))
    original_status = fields.String(
        validate=validate.OneOf(("applied", "merged", "rejected")),
        metadata={"description": "For a duplicate: what happened the first time."},
    )
    code = fields.String(metadata={"description": "Stable reason code of a rejection."})
    message = fields.String(metadata={"description": "The reason in the user's language."})
    retryable = fields.Boolean(metadata={"description": "Keep the change in the outbox and send it again later."})
    errors = fields.Dict(metadata={"description": "Field names and what is wrong with them."})
    record_id = fields.String(allow_none=True, required=True)
    version = fields.Integer(allow_none=True)


class PushReplySchema(Schema):
    results = fields.List(fields.Nested(MutationResultSchema), required=True)
    cursor_hint = fields.Integer(required=True, metadata={"description": "The newest version on the server."})


class HouseholdDumpSchema(Schema):
    head_name = fields.String(required=True)
    phone = fields.String(allow_none=True)
    commune_code = fields.String(required=True)
    hamlet_code = fields.String(allow_none=True)
    preferred_language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    smartphone = fields.String(required=True, validate=validate.OneOf(SMARTPHONE))
    ethnicity = fields.String(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    plus_code = fields.String(allow_none=True)
    vnpost_code = fields.String(allow_none=True)


class ConsentDumpSchema(Schema):
    household_id = fields.UUID(required=True)
    purpose = fields.String(required=True, validate=validate.OneOf(CONSENT_PURPOSES))
    given = fields.Boolean(required=True)
    recorded_at = fields.DateTime(required=True)


class MarketplaceAccountDumpSchema(Schema):
    household_id = fields.UUID(required=True)
    platform = fields.String(required=True, validate=validate.OneOf(PLATFORMS))
    shop_name = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(ACCOUNT_STATUSES))
    products_listed = fields.Integer(required=True)
    orders_reported = fields.Integer(required=True)
    checked_on = fields.Date(allow_none=True)


class PaymentAccountDumpSchema(Schema):
    household_id = fields.UUID(required=True)
    provider = fields.String(required=True, validate=validate.OneOf(PAYMENT_PROVIDERS))
    status = fields.String(required=True, validate=validate.OneOf(PAYMENT_STATUSES))


class TrainingSessionDumpSchema(Schema):
    commune_code = fields.String(required=True)
    hamlet_code = fields.String(allow_none=True)
    held_on = fields.Date(required=True)
    topics = fields.List(fields.String(validate=validate.OneOf(TOPICS)), required=True)
    title = fields.String(allow_none=True)


class AttendanceDumpSchema(Schema):
    session_id = fields.UUID(required=True)
    household_id = fields.UUID(required=True)
    attendee_name = fields.String(allow_none=True)
    method = fields.String(required=True, validate=validate.OneOf(CHECK_IN_METHODS))


DUMP_SCHEMAS = {
    "household": HouseholdDumpSchema,
    "consent": ConsentDumpSchema,
    "marketplace_account": MarketplaceAccountDumpSchema,
    "payment_account": PaymentAccountDumpSchema,
    "training_session": TrainingSessionDumpSchema,
    "attendance": AttendanceDumpSchema,
}


class RecordsSchema(Schema):
    """Changed records of one kind: column names, then one row of values per record in that order."""

    columns = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": '"id" (not for attendance, identified by session_id and household_id), "version", '
            '"deleted", then the fields of the kind\'s dump schema.'
        },
    )
    rows = fields.List(fields.List(fields.Raw(allow_none=True)), required=True)


class ExitsSchema(Schema):
    """Records of one kind that left the caller's communes: the columns that identify them, one row each."""

    columns = fields.List(fields.String(), required=True)
    rows = fields.List(fields.List(fields.String()), required=True)


# One block per kind of record, every kind optional (a page holds only the kinds that changed).
RecordsByKindSchema = Schema.from_dict(
    {name: fields.Nested(RecordsSchema) for name in ENTITY_NAMES}, name="RecordsByKindSchema"
)
ExitsByKindSchema = Schema.from_dict(
    {name: fields.Nested(ExitsSchema) for name in ENTITY_NAMES}, name="ExitsByKindSchema"
)


class CodeNameSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class ScopeDumpSchema(Schema):
    everything = fields.Boolean(required=True)
    communes = fields.List(fields.String(), required=True)


class ReferenceSchema(Schema):
    places = fields.List(fields.Nested(PlaceDumpSchema), required=True)
    topics = fields.List(fields.Nested(CodeNameSchema), required=True)
    platforms = fields.List(fields.Nested(CodeNameSchema), required=True)
    payment_providers = fields.List(fields.Nested(CodeNameSchema), required=True)
    consent_purposes = fields.List(fields.Nested(CodeNameSchema), required=True)
    scope = fields.Nested(ScopeDumpSchema, required=True)
    translations_version = fields.String(required=True)
    progress = fields.List(
        fields.Nested(ProgressDumpSchema),
        required=True,
        metadata={"description": "This year's figures of each of the user's communes (empty for admins)."},
    )


class PullReplySchema(Schema):
    records = fields.Nested(
        RecordsByKindSchema,
        required=True,
        metadata={"description": "Changed records (tombstones included) by kind, in any order within the page."},
    )
    exits = fields.Nested(
        ExitsByKindSchema,
        required=True,
        metadata={"description": "Records that left the caller's communes, by kind: drop them, they were not deleted."},
    )
    next_cursor = fields.Integer(required=True)
    has_more = fields.Boolean(required=True)
    reference = fields.Nested(ReferenceSchema)
