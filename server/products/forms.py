"""Forms for producers, products and lots; each error is shown next to its field."""

import uuid
from datetime import date
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from server.extensions import db
from server.households.models import PLATFORMS, Household
from server.places.models import Place
from server.products import gs1
from server.products.models import PRODUCER_KINDS
from server.public.codes import record_id
from server.text import nfc, normalise_phone
from server.vocab import PLATFORM_NAMES, PRODUCER_KIND_NAMES

OCOP_FIRST_YEAR = 2018  # the OCOP programme started rating products in 2018
GTIN_MESSAGES = {
    "characters": _l("A GTIN has digits only."),
    "length": _l("A GTIN has 8, 12, 13 or 14 digits."),
    "check_digit": _l("The last digit (check digit) does not match: please check the number on the barcode."),
}


def _blank_to_none(value):
    return nfc(value) or None if isinstance(value, str) else value


class ProducerForm(FlaskForm):
    """A producer; the view sets `scope` before validating."""

    kind = SelectField(
        _l("Kind of producer"), choices=[SelectChoice(k, PRODUCER_KIND_NAMES[k]) for k in PRODUCER_KINDS]
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please enter the name.")), Length(max=200)])
    commune_code = StringField(_l("Commune code"), validators=[DataRequired(_l("Please enter the commune code."))])
    hamlet_code = StringField(_l("Hamlet code (optional)"), filters=[_blank_to_none])
    household_ref = StringField(_l("Household record (optional)"), filters=[_blank_to_none])
    phone = StringField(_l("Phone (optional)"), filters=[_blank_to_none], validators=[Length(max=32)])
    publish_contact = BooleanField(_l("Show the phone number on public pages (cooperatives and enterprises)"))

    scope = None

    def validate_commune_code(self, field):
        """The commune must exist and lie in the user's scope."""
        place = db.session.get(Place, (field.data or "").strip())
        if place is None or place.kind != "commune":
            raise ValidationError(_l("There is no commune with this code. Find it with the place search."))
        if not self.scope.covers_commune(place.code):
            raise ValidationError(_l("This commune is outside the places you work with."))
        field.data = place.code

    def validate_hamlet_code(self, field):
        """A hamlet must belong to the chosen commune."""
        if field.data is None:
            return
        place = db.session.get(Place, field.data)
        if place is None or place.kind != "hamlet" or place.parent_code != (self.commune_code.data or "").strip():
            raise ValidationError(_l("This hamlet is not in the chosen commune."))

    def validate_household_ref(self, field):
        """A linked household must exist, be in scope and live in the producer's commune."""
        self.household_id = None
        if field.data is None:
            return
        household_id = _parse_record_id(field.data)
        household = db.session.get(Household, household_id) if household_id else None
        if household is None or household.deleted_at is not None:
            raise ValidationError(_l("No household has this record id or address code."))
        if household.commune_code != (self.commune_code.data or "").strip():
            raise ValidationError(_l("This household lives in another commune."))
        self.household_id = household.id

    def validate_phone(self, field):
        """A phone number needs at least 9 digits."""
        if field.data and len(normalise_phone(field.data) or "") < 9:
            raise ValidationError(_l("Please enter a phone number with at least 9 digits."))

    def fields_for_save(self) -> dict:
        """The cleaned values for operations.save_producer."""
        return {
            "kind": self.kind.data,
            "name": self.name.data,
            "commune_code": self.commune_code.data,
            "hamlet_code": self.hamlet_code.data,
            "household_id": self.household_id if self.kind.data == "household" else None,
            "phone": normalise_phone(self.phone.data),
            "publish_contact": bool(self.publish_contact.data) and self.kind.data != "household",
        }


def _parse_record_id(text: str):
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return record_id(text)


class CertificationForm(Form):
    """One certification, e.g. VietGAP with its certificate number."""

    name = StringField(_l("Certification"), filters=[_blank_to_none], validators=[Length(max=80)])
    number = StringField(_l("Certificate number"), filters=[_blank_to_none], validators=[Length(max=80)])

    def validate_number(self, field):
        """A number needs a certification name, and a name needs a number."""
        if bool(field.data) != bool(self.name.data):
            raise ValidationError(_l("Please give both the certification and its number."))


class MarketplaceLinkForm(Form):
    """Where the product is sold online."""

    platform = SelectField(
        _l("Platform"),
        choices=[SelectChoice("", "—")] + [SelectChoice(p, PLATFORM_NAMES[p]) for p in PLATFORMS],
        default="",
    )
    url = StringField(_l("Shop or product address (https://…)"), filters=[_blank_to_none])

    def validate_url(self, field):
        """A link must be a full https:// address and have a platform."""
        if not field.data and not self.platform.data:
            return
        if not self.platform.data:
            raise ValidationError(_l("Please choose the platform."))
        if not _is_https_url(field.data):
            raise ValidationError(_l("Please enter a full address starting with https://"))


def _is_https_url(value: str | None) -> bool:
    if not value or len(value) > 500 or any(ch.isspace() for ch in value):
        return False
    parts = urlsplit(value)
    return parts.scheme == "https" and "." in (parts.hostname or "") and not parts.username


class ProductForm(FlaskForm):
    """A product; the view sets `product` (None when new) before validating."""

    name = StringField(_l("Product name"), validators=[DataRequired(_l("Please enter the name.")), Length(max=200)])
    category = StringField(_l("Category (optional)"), filters=[_blank_to_none], validators=[Length(max=80)])
    gtin = StringField(_l("GTIN barcode number (optional)"), filters=[_blank_to_none])
    ocop_stars = SelectField(
        _l("OCOP stars"),
        choices=[SelectChoice("", _l("Not rated"))] + [SelectChoice(str(n), "★" * n) for n in range(1, 6)],
        default="",
    )
    ocop_certificate = StringField(_l("OCOP certificate number"), filters=[_blank_to_none], validators=[Length(max=80)])
    ocop_year = StringField(_l("Year of the OCOP rating"), filters=[_blank_to_none])
    certifications = FieldList(FormField(CertificationForm), min_entries=3)
    marketplace_links = FieldList(FormField(MarketplaceLinkForm), min_entries=3)

    product = None

    def validate_gtin(self, field):
        """A GTIN must have a right check digit and belong to no other product."""
        if field.data is None:
            return
        try:
            field.data = gs1.normalise_gtin(field.data)
        except gs1.GtinError as error:
            raise ValidationError(GTIN_MESSAGES[error.reason]) from None
        from server.products.operations import gtin_owner

        owner = gtin_owner(field.data)
        if owner is not None and owner is not self.product:
            raise ValidationError(_l("Another product already has this GTIN."))

    def validate_ocop_certificate(self, field):
        """A rated product needs its certificate number."""
        if self.ocop_stars.data and not field.data:
            raise ValidationError(_l("Please enter the OCOP certificate number."))

    def validate_ocop_year(self, field):
        """A rated product needs the year of its rating."""
        if not self.ocop_stars.data:
            return
        this_year = date.today().year
        if not (field.data or "").isdigit() or not OCOP_FIRST_YEAR <= int(field.data) <= this_year:
            raise ValidationError(
                _l("Please enter the year, from %(first)s to %(last)s.", first=OCOP_FIRST_YEAR, last=this_year)
            )

    def fields_for_save(self) -> dict:
        """The cleaned values for operations.save_product."""
        rated = bool(self.ocop_stars.data)
        return {
            "name": self.name.data,
            "category": self.category.data,
            "gtin": self.gtin.data,
            "ocop_stars": int(self.ocop_stars.data) if rated else None,
            "ocop_certificate": self.ocop_certificate.data if rated else None,
            "ocop_year": int(self.ocop_year.data) if rated else None,
            "certifications": [
                {"name": e.form.name.data, "number": e.form.number.data}
                for e in self.certifications
                if e.form.name.data
            ],
            "marketplace_links": [
                {"platform": e.form.platform.data, "url": e.form.url.data}
                for e in self.marketplace_links
                if e.form.url.data
            ],
        }


class LotForm(FlaskForm):
    """A harvest or packing lot; the view sets `product` and `lot` before validating."""

    code = StringField(_l("Lot code"), validators=[InputRequired(_l("Please enter the lot code."))])
    harvested_on = DateField(_l("Harvest date"), validators=[Optional()])
    packed_on = DateField(_l("Packing date"), validators=[Optional()])
    quantity = DecimalField(
        _l("Quantity"),
        places=2,
        validators=[Optional(), NumberRange(min=0, message=_l("The quantity cannot be negative."))],
    )
    unit = StringField(_l("Unit (kg, box…)"), filters=[_blank_to_none], validators=[Length(max=16)])

    product = None
    lot = None

    def validate_code(self, field):
        """Lot codes go into the QR link: letters, digits, - . _ only, unique per product."""
        field.data = (field.data or "").strip()
        if not gs1.is_typed_lot(field.data):
            raise ValidationError(_l("Use 1 to 20 letters, digits, '-', '.' or '_' (no spaces)."))
        from server.products.operations import lot_code_taken

        if lot_code_taken(self.product, field.data, self.lot):
            raise ValidationError(_l("This product already has a lot with this code."))

    def validate_packed_on(self, field):
        """Packing cannot come before the harvest."""
        if field.data and self.harvested_on.data and field.data < self.harvested_on.data:
            raise ValidationError(_l("The packing date is before the harvest date."))

    def fields_for_save(self) -> dict:
        """The cleaned values for operations.save_lot."""
        return {name: getattr(self, name).data for name in ("code", "harvested_on", "packed_on", "quantity", "unit")}
