"""Marshmallow schemas for indicator figures (dump) and baseline and target forms (load)."""

from marshmallow import Schema, fields, validate

from server.households.models import PLATFORMS
from server.reports.models import INDICATORS


class FigureDumpSchema(Schema):
    """One indicator of one place."""

    indicator = fields.String(metadata={"enum": list(INDICATORS)})
    value = fields.Integer(metadata={"description": "Distinct households"})
    percent = fields.Float(allow_none=True, metadata={"description": "Share of the denominator, 0..1"})
    target = fields.Float(allow_none=True, metadata={"description": "Target in percent"})
    target_set_at = fields.String(allow_none=True, metadata={"description": "Place whose target applies"})
    target_households = fields.Integer(allow_none=True)
    gap = fields.Integer(allow_none=True, metadata={"description": "Households still needed"})
    forecast = fields.String(allow_none=True, metadata={"enum": ["reached", "on_track", "not_this_year", None]})
    forecast_on = fields.Date(
        allow_none=True, metadata={"description": "When the target is reached at the 90-day pace"}
    )


class ProgressDumpSchema(Schema):
    """All figures of one place for a year."""

    code = fields.String(metadata={"description": "Place code; empty for households without a hamlet"})
    name = fields.String()
    kind = fields.String(metadata={"enum": ["province", "commune", "hamlet"]})
    year = fields.Integer()
    as_of = fields.Date()
    registered = fields.Integer(metadata={"description": "Households registered in the app"})
    denominator = fields.Integer()
    denominator_source = fields.String(
        metadata={
            "enum": ["baseline", "children", "children_and_registered", "registered"],
            "description": "The place's own baseline; else its children's baselines summed (with the registered "
            "households of children that have none); else its registered households",
        }
    )
    orders = fields.Integer(data_key="orders_reported")
    platforms = fields.Dict(
        keys=fields.String(validate=validate.OneOf(PLATFORMS)),
        values=fields.Integer(),
        metadata={"description": "Households with a seller account, per platform"},
    )
    indicators = fields.List(fields.Nested(FigureDumpSchema))


class TrendPointDumpSchema(Schema):
    """Households reaching each indicator by the end of one month."""

    month_end = fields.Date()
    values = fields.Dict(keys=fields.String(), values=fields.Integer())


class IndicatorReportDumpSchema(Schema):
    """A place's figures, its children's (furthest behind first) and the monthly trend."""

    place = fields.Nested(ProgressDumpSchema)
    children = fields.List(fields.Nested(ProgressDumpSchema))
    trend = fields.List(fields.Nested(TrendPointDumpSchema))


class IndicatorQueryLoadSchema(Schema):
    """Query string of the indicators endpoint."""

    place = fields.String(
        required=True,
        validate=validate.Length(min=1, max=24),
        metadata={"description": "Code of a province, commune or hamlet in the caller's scope."},
    )
    year = fields.Integer(
        validate=validate.Range(min=2000, max=2100), metadata={"description": "The year (this year when absent)."}
    )


class BaselineTargetsLoadSchema(Schema):
    """The baseline and target form: blank fields mean "none" (targets then inherit)."""

    farm_households = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=10_000_000))
    targets = fields.Dict(
        keys=fields.String(validate=validate.OneOf(INDICATORS)),
        values=fields.Decimal(allow_none=True, places=2, validate=validate.Range(min=0, max=100)),
    )
