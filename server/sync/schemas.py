"""Sync wire format: a push and its replies, a pull page; each kind's fields are its domain's schemas."""

from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, fields, missing, validate
from marshmallow import ValidationError as SchemaError

from server.apiargs import WholeNumber
from server.bulletins.schemas import BulletinDumpSchema, BulletinToldDumpSchema
from server.clock import PATTERN as CLOCK_PATTERN
from server.households.schemas import (
    ConsentDumpSchema,
    HouseholdDumpSchema,
    MarketplaceAccountDumpSchema,
    PaymentAccountDumpSchema,
)
from server.places.schemas import PlaceDumpSchema
from server.reports.schemas import ProgressDumpSchema
from server.sync.pull import DEFAULT_LIMIT, MAX_LIMIT
from server.training.schemas import AttendanceDumpSchema, TrainingSessionDumpSchema

ENTITY_NAMES = (
    *("household", "consent", "marketplace_account", "payment_account", "training_session", "attendance"),
    "bulletin_told",
)
MAX_MUTATIONS = 500
MAX_VERSION = 2**63 - 1  # versions are BIGINT
MAX_COMMUNES_ARG = 2000


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
    shown = fields.List(
        fields.UUID(),
        load_default=list,
        validate=validate.Length(max=MAX_MUTATIONS),
        metadata={"description": "Bulletins the phone has shown to its trainer since its last push (ids)."},
    )


class MutationBatch(fields.List):
    """The mutations as sent, at most MAX_MUTATIONS; each is checked on its own when applied."""

    def __init__(self, **kwargs):
        super().__init__(fields.Raw(), required=True, validate=validate.Length(max=MAX_MUTATIONS), **kwargs)

    def deserialize(self, value, attr=None, data=None, **kwargs):
        """The list as sent, or one translated message for a missing, non-list or too long one."""
        try:
            return super().deserialize(value, attr, data, **kwargs)
        except SchemaError as error:
            raise SchemaError(_("Send a list of at most %(n)d mutations.", n=MAX_MUTATIONS)) from error


class PushEnvelopeSchema(PushSchema):
    """The batch with its mutations unchecked: they are checked one by one so one bad one blocks none."""

    problem_codes = {"mutations": "bad_batch"}
    own_text = ("mutations",)  # text no database can store refuses its own mutation (sync/operations.py)
    mutations = MutationBatch()

    class Meta:
        unknown = EXCLUDE


class CommuneCodes(fields.String):
    """Comma-separated commune codes, read as a set of one or more."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Length(max=MAX_COMMUNES_ARG), **kwargs)

    def deserialize(self, value, attr=None, data=None, **kwargs):
        """The set of codes, or one translated message for a too long list.

        A value naming no code (`?communes=`, `?communes=,`) counts as absent, as the document
        allows it: every commune of the scope.
        """
        try:
            raw = super().deserialize(value, attr, data, **kwargs)
        except SchemaError as error:
            raise SchemaError(_("List one or more commune codes, separated by commas.")) from error
        if raw is missing:
            return raw
        codes = frozenset(code.strip() for code in raw.split(",") if code.strip())
        if not codes:
            return missing
        return codes


class PullQuerySchema(Schema):
    """The query string of a pull."""

    cursor = WholeNumber(0, MAX_VERSION, load_default=0, metadata={"description": "Send the last next_cursor."})
    limit = WholeNumber(1, MAX_LIMIT, load_default=DEFAULT_LIMIT, metadata={"description": "Records per page."})
    reference = fields.Integer(
        load_default=0,
        validate=validate.OneOf((0, 1)),
        metadata={"description": "1: send the reference data (always sent with cursor=0 and no communes)."},
    )
    communes = CommuneCodes(
        metadata={"description": "Comma-separated commune codes to restrict the pull to; empty: as if not given."}
    )
    refs = fields.Integer(
        load_default=0,
        validate=validate.OneOf((0, 1)),
        metadata={
            "description": '1: household rows carry their "ref" and attendance rows name their household by it '
            '("household_ref", with "household_id" null) where the phone holds that household; see docs/sync.md.'
        },
    )


# --- what the server answers -------------------------------------------------------------


class MutationResultSchema(Schema):
    mutation_id = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The mutation_id sent; null for a change sent without one (or not as text)."},
    )
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


DUMP_SCHEMAS = {
    "household": HouseholdDumpSchema,
    "consent": ConsentDumpSchema,
    "marketplace_account": MarketplaceAccountDumpSchema,
    "payment_account": PaymentAccountDumpSchema,
    "training_session": TrainingSessionDumpSchema,
    "attendance": AttendanceDumpSchema,
    "bulletin_told": BulletinToldDumpSchema,
    "bulletin": BulletinDumpSchema,
}


class RecordsSchema(Schema):
    """Changed records of one kind: column names, then one row of values per record in that order."""

    columns = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": '"id" (not for attendance, identified by session_id and household_id), "version", '
            '"deleted", then the fields of the kind\'s dump schema; with refs=1, "ref" last for households, '
            '"household_ref" last for attendance.'
        },
    )
    rows = fields.List(fields.List(fields.Raw(allow_none=True)), required=True)


class ExitsSchema(Schema):
    """Records of one kind that left the caller's communes: the columns that identify them, one row each."""

    columns = fields.List(fields.String(), required=True)
    rows = fields.List(fields.List(fields.String()), required=True)


# One block per kind of record, every kind optional (a page holds only the kinds that changed).
RecordsByKindSchema = Schema.from_dict(
    {name: fields.Nested(RecordsSchema) for name in (*ENTITY_NAMES, "bulletin")}, name="RecordsByKindSchema"
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


class FieldRuleDumpSchema(Schema):
    """What one field must be (server/field_rules.py); only the keys that the rule checks are present."""

    required = fields.Boolean(metadata={"description": "Must not be empty once given."})
    max_length = fields.Integer()
    format = fields.String(metadata={"description": "Name of the format, for its message: phone, vnpost_code."})
    pattern = fields.String(metadata={"description": "ASCII regular expression the cleaned value must match."})
    separators = fields.String(metadata={"description": "Regex character class removed before matching."})
    country_code = fields.String(metadata={"description": "A leading +<code> (or <code> and 9 digits) reads as 0."})
    min = fields.String(metadata={"description": "Earliest date, YYYY-MM-DD."})
    max = fields.String(metadata={"description": 'Latest date: "today".'})


class ReferenceSchema(Schema):
    places = fields.List(fields.Nested(PlaceDumpSchema), required=True)
    topics = fields.List(fields.Nested(CodeNameSchema), required=True)
    platforms = fields.List(fields.Nested(CodeNameSchema), required=True)
    payment_providers = fields.List(fields.Nested(CodeNameSchema), required=True)
    consent_purposes = fields.List(fields.Nested(CodeNameSchema), required=True)
    scope = fields.Nested(ScopeDumpSchema, required=True)
    translations_version = fields.String(required=True)
    rules = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Nested(FieldRuleDumpSchema)),
        required=True,
        metadata={"description": "Lengths, formats and date bounds by record kind and field, as the push checks."},
    )
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
