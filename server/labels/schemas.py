"""Marshmallow schemas for the label API (load and dump kept apart)."""

from marshmallow import Schema, fields, validate

from server.labels.layouts import LAYOUTS

LANGUAGES = ("vi", "km", "en")
MAX_LOT_LABELS = 5000
# A PDF rendered while the client waits stays small; more labels go through a batch job.
MAX_DIRECT_LABELS = 96


class LayoutDumpSchema(Schema):
    """A label layout as data."""

    key = fields.String()
    title = fields.Function(lambda layout: str(layout.title))
    width_mm = fields.Float()
    height_mm = fields.Float()
    dpi = fields.Integer()
    sheet = fields.Function(lambda layout: layout.is_sheet)
    columns = fields.Integer()
    rows = fields.Integer()


class LabelQueryLoadSchema(Schema):
    """Query parameters of a single label file."""

    layout = fields.String(load_default="thermal-50x30", validate=validate.OneOf(sorted(LAYOUTS)))
    lang = fields.String(
        validate=validate.OneOf(LANGUAGES),
        metadata={"description": "Label language; the household's own by default."},
    )
    count = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_DIRECT_LABELS),
        metadata={"description": "Labels in a lot's PDF."},
    )


class BatchLoadSchema(Schema):
    """A batch: every household of a hamlet or commune, or `count` labels of a lot."""

    kind = fields.String(required=True, validate=validate.OneOf(("households", "lot")))
    place_code = fields.String(load_default=None)
    lot_id = fields.UUID(load_default=None)
    count = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_LOT_LABELS))
    layout = fields.String(load_default="a4-3x8", validate=validate.OneOf(sorted(LAYOUTS)))
    lang = fields.String(load_default=None, validate=validate.OneOf(LANGUAGES))


class BatchDumpSchema(Schema):
    """Progress of a batch PDF."""

    job_id = fields.String()
    state = fields.String(metadata={"enum": ["queued", "running", "done", "failed"]})
    labels = fields.Integer()
    pages_total = fields.Integer()
    pages_done = fields.Integer()
    layout = fields.String()
    title = fields.String()
    status_url = fields.String()
    download_url = fields.String(allow_none=True)
    message = fields.String(allow_none=True, metadata={"description": "Set when the server stopped during the job"})
