"""A household's fields and those of its consents and accounts: one schema each for phone and web."""

from datetime import UTC

from marshmallow import Schema, fields, post_load, validate

from server.field_rules import clean_phone, rule
from server.households.models import (
    ACCOUNT_STATUSES,
    CONSENT_PURPOSES,
    LANGUAGES,
    PAYMENT_PROVIDERS,
    PAYMENT_STATUSES,
    PLATFORMS,
    SMARTPHONE,
)
from server.mutations.fields import FieldsSchema, nullable_text, text


class HouseholdFieldsSchema(FieldsSchema):
    text_fields = ("head_name", "ethnicity", "plus_code", "vnpost_code")
    name_fields = ("head_name",)
    head_name = fields.String(required=True, validate=rule("household", "head_name"))
    phone = fields.String(allow_none=True, validate=rule("household", "phone"))
    commune_code = text(24, required=True)
    hamlet_code = nullable_text(24)
    preferred_language = fields.String(validate=validate.OneOf(LANGUAGES))
    smartphone = fields.String(validate=validate.OneOf(SMARTPHONE))
    ethnicity = fields.String(allow_none=True, validate=rule("household", "ethnicity"))
    latitude = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    plus_code = fields.String(allow_none=True, validate=rule("household", "plus_code"))
    vnpost_code = fields.String(allow_none=True, validate=rule("household", "vnpost_code"))

    @post_load
    def _phone(self, data: dict, **_kwargs) -> dict:
        if "phone" in data:
            data["phone"] = clean_phone(data["phone"])
        return data


class ConsentFieldsSchema(FieldsSchema):
    household_id = fields.UUID(required=True)
    purpose = fields.String(required=True, validate=validate.OneOf(CONSENT_PURPOSES))
    given = fields.Boolean(required=True)
    recorded_at = fields.AwareDateTime(required=True, default_timezone=UTC)


class MarketplaceAccountFieldsSchema(FieldsSchema):
    text_fields = ("shop_name",)
    household_id = fields.UUID(required=True)
    platform = fields.String(required=True, validate=validate.OneOf(PLATFORMS))
    shop_name = fields.String(allow_none=True, validate=rule("marketplace_account", "shop_name"))
    status = fields.String(validate=validate.OneOf(ACCOUNT_STATUSES))
    products_listed = fields.Integer(strict=True, validate=validate.Range(min=0, max=10_000_000))
    orders_reported = fields.Integer(strict=True, validate=validate.Range(min=0, max=10_000_000))
    checked_on = fields.Date(allow_none=True)


class PaymentAccountFieldsSchema(FieldsSchema):
    household_id = fields.UUID(required=True)
    provider = fields.String(required=True, validate=validate.OneOf(PAYMENT_PROVIDERS))
    status = fields.String(validate=validate.OneOf(PAYMENT_STATUSES))


# --- what pulls send ---------------------------------------------------------------------


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
