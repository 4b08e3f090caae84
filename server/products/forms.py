"""Forms for producers, products and lots, read by marshmallow schemas; each error is shown next to its field."""

import re
import uuid
from datetime import date
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, post_load, validate, validates, validates_schema

from server.extensions import db
from server.forms import FormSchema, optional_text, required_text
from server.households.models import PLATFORMS, Household
from server.places.models import Place
from server.products import gs1
from server.products.models import PRODUCER_KINDS
from server.public.codes import record_id
from server.text import nfc, normalise_phone
from server.vocab import PLATFORM_NAMES

OCOP_FIRST_YEAR = 2018  # the OCOP programme started rating products in 2018
ROWS = 3  # certification and marketplace rows a new product's form shows
GTIN_MESSAGES = {
    "characters": _l("A GTIN has digits only."),
    "length": _l("A GTIN has 8, 12, 13 or 14 digits."),
    "check_digit": _l("The last digit (check digit) does not match: please check the number on the barcode."),
}
ROW_NAME = re.compile(r"^(certifications|marketplace_links)-(\d{1,2})-(name|number|platform|url)$")


class ProducerFormSchema(FormSchema):
    """A producer, checked against the places of the user's scope."""

    def __init__(self, scope, **kwargs):
        super().__init__(**kwargs)
        self.scope = scope

    kind = fields.String(load_default=PRODUCER_KINDS[0], validate=validate.OneOf(PRODUCER_KINDS))
    name = required_text(_l("Please enter the name."), max_length=200)
    commune_code = required_text(_l("Please enter the commune code."))
    hamlet_code = optional_text()
    household_ref = optional_text()
    phone = optional_text(max_length=32)
    publish_contact = fields.Boolean(load_default=False)

    @validates("commune_code")
    def _commune(self, code: str, **kwargs) -> None:
        place = db.session.get(Place, code)
        if place is None or place.kind != "commune":
            raise ValidationError(_("There is no commune with this code. Find it with the place search."))
        if not self.scope.covers_commune(place.code):
            raise ValidationError(_("This commune is outside the places you work with."))

    @validates("phone")
    def _phone(self, phone: str | None, **kwargs) -> None:
        if phone and len(normalise_phone(phone) or "") < 9:
            raise ValidationError(_("Please enter a phone number with at least 9 digits."))

    @validates_schema(skip_on_field_errors=False)
    def _hamlet_and_household(self, values: dict, **kwargs) -> None:
        """A hamlet must belong to the chosen commune; a linked household must be in scope and live there."""
        commune_code, errors = values.get("commune_code"), {}
        if values.get("hamlet_code"):
            place = db.session.get(Place, values["hamlet_code"])
            if place is None or place.kind != "hamlet" or place.parent_code != commune_code:
                errors["hamlet_code"] = [_("This hamlet is not in the chosen commune.")]
        if values.get("household_ref"):
            household_id = _parse_record_id(values["household_ref"])
            household = db.session.get(Household, household_id) if household_id else None
            if household is None or household.deleted_at is not None:
                errors["household_ref"] = [_("No household has this record id or address code.")]
            elif household.commune_code != commune_code:
                errors["household_ref"] = [_("This household lives in another commune.")]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _for_save(self, values: dict, **kwargs) -> dict:
        """The cleaned values for operations.save_producer."""
        household_ref = values.get("household_ref")
        return {
            "kind": values["kind"],
            "name": values["name"],
            "commune_code": values["commune_code"],
            "hamlet_code": values.get("hamlet_code"),
            "household_id": _parse_record_id(household_ref)
            if household_ref and values["kind"] == "household"
            else None,
            "phone": normalise_phone(values.get("phone")),
            "publish_contact": values["publish_contact"] and values["kind"] != "household",
        }


def _parse_record_id(text: str):
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return record_id(text)


def _is_https_url(value: str | None) -> bool:
    if not value or len(value) > 500 or any(ch.isspace() for ch in value):
        return False
    parts = urlsplit(value)
    return parts.scheme == "https" and "." in (parts.hostname or "") and not parts.username


def product_rows(values: dict) -> dict[str, list[dict]]:
    """The posted certification and marketplace rows (`certifications-0-name`…), in their order, blanks kept."""
    rows: dict[str, dict[int, dict]] = {"certifications": {}, "marketplace_links": {}}
    for key, value in values.items():
        found = ROW_NAME.match(key)
        if found and isinstance(value, str):
            rows[found[1]].setdefault(int(found[2]), {})[found[3]] = nfc(value) or None
    return {kind: [rows[kind][i] for i in sorted(rows[kind])] for kind in rows}


class ProductFormSchema(FormSchema):
    """A product; product is the one edited (None when new)."""

    def __init__(self, product=None, **kwargs):
        super().__init__(**kwargs)
        self.product = product

    name = required_text(_l("Please enter the name."), max_length=200)
    category = optional_text(max_length=80)
    gtin = optional_text()
    ocop_stars = fields.Integer(
        load_default=None, validate=validate.OneOf(range(1, 6), error=_l("Please choose from the list."))
    )
    ocop_certificate = optional_text(max_length=80)
    ocop_year = optional_text()

    @validates("gtin")
    def _gtin(self, gtin: str | None, **kwargs) -> None:
        if gtin is None:
            return
        try:
            gtin = gs1.normalise_gtin(gtin)
        except gs1.GtinError as error:
            raise ValidationError(str(GTIN_MESSAGES[error.reason])) from None
        from server.products.operations import gtin_owner

        owner = gtin_owner(gtin)
        if owner is not None and owner is not self.product:
            raise ValidationError(_("Another product already has this GTIN."))

    @validates_schema(skip_on_field_errors=False)
    def _rating(self, values: dict, **kwargs) -> None:
        """A rated product needs its certificate number and the year of its rating."""
        if not values.get("ocop_stars"):
            return
        errors = {}
        if not values.get("ocop_certificate"):
            errors["ocop_certificate"] = [_("Please enter the OCOP certificate number.")]
        year, this_year = values.get("ocop_year") or "", date.today().year
        if not year.isdigit() or not OCOP_FIRST_YEAR <= int(year) <= this_year:
            errors["ocop_year"] = [
                _("Please enter the year, from %(first)s to %(last)s.", first=OCOP_FIRST_YEAR, last=this_year)
            ]
        if errors:
            raise ValidationError(errors)

    @validates_schema(pass_original=True)
    def _rows(self, values: dict, original: dict, **kwargs) -> None:
        """A certification needs both its name and number; a link needs a platform and an https:// address."""
        errors = {}
        rows = product_rows(original)
        for i, row in enumerate(rows["certifications"]):
            name, number = row.get("name"), row.get("number")
            for field, value in (("name", name), ("number", number)):
                if value and len(value) > 80:
                    errors[f"certifications-{i}-{field}"] = [_("At most %(count)s characters.", count=80)]
            if bool(name) != bool(number):
                errors[f"certifications-{i}-number"] = [_("Please give both the certification and its number.")]
        for i, row in enumerate(rows["marketplace_links"]):
            platform, url = row.get("platform"), row.get("url")
            if platform and platform not in PLATFORMS:
                errors[f"marketplace_links-{i}-platform"] = [_("Please choose from the list.")]
            elif url and not platform:
                errors[f"marketplace_links-{i}-url"] = [_("Please choose the platform.")]
            elif platform and not _is_https_url(url):
                errors[f"marketplace_links-{i}-url"] = [_("Please enter a full address starting with https://")]
        if errors:
            raise ValidationError(errors)

    @post_load(pass_original=True)
    def _for_save(self, values: dict, original: dict, **kwargs) -> dict:
        """The cleaned values for operations.save_product."""
        rated = bool(values.get("ocop_stars"))
        rows = product_rows(original)
        return {
            "name": values["name"],
            "category": values.get("category"),
            "gtin": gs1.normalise_gtin(values["gtin"]) if values.get("gtin") else None,
            "ocop_stars": values["ocop_stars"] if rated else None,
            "ocop_certificate": values.get("ocop_certificate") if rated else None,
            "ocop_year": int(values["ocop_year"]) if rated else None,
            "certifications": [
                {"name": r["name"], "number": r.get("number")} for r in rows["certifications"] if r.get("name")
            ],
            "marketplace_links": [
                {"platform": r.get("platform"), "url": r["url"]} for r in rows["marketplace_links"] if r.get("url")
            ],
        }


def platform_options() -> list[tuple[str, str]]:
    """The platforms a marketplace row offers, after an empty choice."""
    return [("", "—")] + [(p, PLATFORM_NAMES[p]) for p in PLATFORMS]


class LotFormSchema(FormSchema):
    """A harvest or packing lot of a product; lot is the one edited (None when new)."""

    def __init__(self, product, lot=None, **kwargs):
        super().__init__(**kwargs)
        self.product, self.lot = product, lot

    code = required_text(_l("Please enter the lot code."))
    harvested_on = fields.Date(load_default=None)
    packed_on = fields.Date(load_default=None)
    quantity = fields.Decimal(
        load_default=None, validate=validate.Range(min=0, error=_l("The quantity cannot be negative."))
    )
    unit = optional_text(max_length=16)

    @validates("code")
    def _code(self, code: str, **kwargs) -> None:
        """Lot codes go into the QR link: letters, digits, - . _ only, unique per product."""
        if not gs1.is_typed_lot(code):
            raise ValidationError(_("Use 1 to 20 letters, digits, '-', '.' or '_' (no spaces)."))
        from server.products.operations import lot_code_taken

        if lot_code_taken(self.product, code, self.lot):
            raise ValidationError(_("This product already has a lot with this code."))

    @validates_schema(skip_on_field_errors=False)
    def _dates(self, values: dict, **kwargs) -> None:
        """Packing cannot come before the harvest."""
        packed, harvested = values.get("packed_on"), values.get("harvested_on")
        if packed and harvested and packed < harvested:
            raise ValidationError(_("The packing date is before the harvest date."), "packed_on")

    @post_load
    def _for_save(self, values: dict, **kwargs) -> dict:
        """The cleaned values for operations.save_lot."""
        return {name: values.get(name) for name in ("code", "harvested_on", "packed_on", "quantity", "unit")}
