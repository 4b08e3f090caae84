"""A bulletin as its page's form reads it, a bulletin-told record as phone and web write it, and what pulls send."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from server.bulletins.models import CATEGORIES, KINDS, LANGUAGES, PRICE_UNITS
from server.forms import FormSchema, optional_text, required_text
from server.models_base import utcnow
from server.mutations.fields import FieldsSchema
from server.text import nfc

TITLE_MAX = 120
BODY_MAX = 2000
MAX_DAYS = 366  # a bulletin is news: it expires within a year
MAX_PRICE = 1_000_000_000


def _choice(values, message):
    return fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(values), error_messages={"invalid": message}
    )


class BulletinFormSchema(FormSchema):
    """The supervisor's form: place, kind, the optional price, the expiry and one title and body per language."""

    verbatim = ("body_vi", "body_km", "body_en")  # their lines are kept: each is trimmed on its own
    place_code = required_text(_l("Choose the place the bulletin is for."), 24)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(KINDS),
        error_messages={"required": _l("Choose the kind of bulletin.")},
    )
    category = _choice(CATEGORIES, _l("Please choose from the list."))
    price = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=MAX_PRICE))
    price_unit = _choice(PRICE_UNITS, _l("Please choose from the list."))
    price_on = fields.Date(load_default=None, allow_none=True)
    expires_on = fields.Date(required=True, error_messages={"required": _l("Please enter the expiry date.")})
    title_vi = optional_text(TITLE_MAX)
    body_vi = optional_text(BODY_MAX)
    title_km = optional_text(TITLE_MAX)
    body_km = optional_text(BODY_MAX)
    title_en = optional_text(TITLE_MAX)
    body_en = optional_text(BODY_MAX)

    @validates_schema
    def _coherent(self, data: dict, **_kwargs) -> None:
        today = utcnow().date()
        expires = data.get("expires_on")
        if expires is not None and not today <= expires <= today + timedelta(days=MAX_DAYS):
            raise ValidationError(str(_l("The expiry date must be between today and a year from now.")), "expires_on")
        if data.get("price") is not None and not data.get("price_unit"):
            raise ValidationError(str(_l("Choose the unit of the price.")), "price_unit")
        if not data.get("title_vi"):
            raise ValidationError(str(_l("Please write the title in Vietnamese.")), "title_vi")

    @post_load
    def _texts(self, data: dict, **_kwargs) -> dict:
        texts = {}
        for language in LANGUAGES:
            title, body = data.pop(f"title_{language}", None), data.pop(f"body_{language}", None)
            if title or body:
                texts[language] = {"title": title or "", "body": _lines(body)}
        data["texts"] = texts
        if data.get("price") is None:
            data["price_unit"] = data["price_on"] = None
        elif data.get("price_on") is None:
            data["price_on"] = utcnow().date()
        return data


def _lines(body: str | None) -> str:
    """The text's lines in NFC, each trimmed, blank ones dropped."""
    return "\n".join(line for line in (nfc(raw) for raw in (body or "").splitlines()) if line)


def form_values_of(bulletin) -> dict:
    """A stored bulletin as its form shows it."""
    values = {
        name: getattr(bulletin, name)
        for name in ("place_code", "kind", "category", "price", "price_unit", "price_on", "expires_on")
    }
    for language in LANGUAGES:
        text = (bulletin.texts or {}).get(language) or {}
        values[f"title_{language}"] = text.get("title")
        values[f"body_{language}"] = text.get("body")
    return values


class BulletinToldFieldsSchema(FieldsSchema):
    bulletin_id = fields.UUID(required=True)
    session_id = fields.UUID(required=True)


# --- what pulls send ---------------------------------------------------------------------


class BulletinTextDumpSchema(Schema):
    title = fields.String(required=True)
    body = fields.String(required=True, metadata={"description": 'Plain text; lines starting with "- " are bullets.'})


class BulletinDumpSchema(Schema):
    """A published bulletin for a place that reaches the caller's communes; deleted once withdrawn or expired."""

    place_code = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    category = fields.String(allow_none=True, validate=validate.OneOf(CATEGORIES))
    price = fields.Integer(allow_none=True, metadata={"description": "Đồng per price_unit."})
    price_unit = fields.String(allow_none=True, validate=validate.OneOf(PRICE_UNITS))
    price_on = fields.Date(allow_none=True)
    expires_on = fields.Date(required=True, metadata={"description": "Drop it on the phone after this day."})
    texts = fields.Dict(
        keys=fields.String(validate=validate.OneOf(LANGUAGES)), values=fields.Nested(BulletinTextDumpSchema)
    )


class BulletinToldDumpSchema(Schema):
    bulletin_id = fields.UUID(required=True)
    session_id = fields.UUID(required=True)
