"""Lengths, formats and date bounds of the fields people type, written once for every write path.

The push's field schemas and the web correction forms validate with these rules (each rule is a
marshmallow validator), and the phone receives the same rules as data with its reference data
(`describe_rules`), so its forms refuse on the spot what the server would refuse after a sync.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from marshmallow import ValidationError

from server import i18n

PROGRAMME_START = date(2020, 1, 1)
# The programme's communes are in Vietnam (UTC+7, no daylight saving). A session held at 6 a.m.
# there is still "yesterday" for a server that keeps UTC, so today is the later of the two dates.
PROGRAMME_UTC_OFFSET = timedelta(hours=7)


def today() -> date:
    """The latest date a session may be held on: today where the programme works."""
    return max(date.today(), (datetime.now(UTC) + PROGRAMME_UTC_OFFSET).date())


class RuleMessage(str):
    """A field rule's reason, already in the user's language (other messages are marshmallow's English)."""


def _refuse(message: str):
    raise ValidationError(RuleMessage(message))


@dataclass(frozen=True)
class Format:
    """A text format: what is removed before matching, and the ASCII pattern the rest must match."""

    pattern: str
    separators: str | None = None  # a regex character class removed first (spaces, dots, dashes)
    country_code: str | None = None  # "+84…" (or "84" and 9 more digits) stands for "0…"

    def clean(self, value: str) -> str:
        """The value as it is matched (and stored): separators removed, country code replaced."""
        text = value.strip()
        if self.separators:
            text = re.sub(self.separators, "", text)
        if self.country_code:
            plus, bare = "+" + self.country_code, self.country_code
            if text.startswith(plus):
                text = "0" + text[len(plus) :]
            elif text.startswith(bare) and len(text) == len(bare) + 9:
                text = "0" + text[len(bare) :]
        return text

    def matches(self, value: str) -> bool:
        """Whether the cleaned value matches the whole pattern."""
        return re.fullmatch(self.pattern, self.clean(value), flags=re.ASCII) is not None


FORMATS = {
    "phone": Format(r"0[0-9]{9}", separators=r"[\s.\-]", country_code="84"),
    "vnpost_code": Format(r"[0-9]{10}"),
}


def _format_message(name: str) -> str:
    return {
        "phone": _("The phone number should have 10 digits and start with 0."),
        "vnpost_code": _("The VNPost code has 10 digits."),
    }[name]


@dataclass(frozen=True)
class FieldRule:
    """What one field must be; called as a marshmallow validator on the loaded value."""

    required: bool = False  # not empty nor only spaces, once given
    max_length: int | None = None
    format: str | None = None  # a key of FORMATS
    earliest: date | None = None
    latest_today: bool = False

    def __call__(self, value) -> None:
        """Raise marshmallow's ValidationError with the reason in the user's language."""
        if value is None:
            return
        if isinstance(value, str):
            self._check_text(value)
        elif isinstance(value, date):
            self._check_date(value)

    def _check_text(self, value: str) -> None:
        if self.required and not value.strip():
            _refuse(_("Please fill in this field."))
        if self.max_length is not None and len(value) > self.max_length:
            _refuse(_("At most %(count)s characters.", count=self.max_length))
        if self.format and value.strip() and not FORMATS[self.format].matches(value):
            _refuse(_format_message(self.format))

    def _check_date(self, value: date) -> None:
        if self.earliest is not None and value < self.earliest:
            _refuse(_("The date cannot be before %(date)s, when the programme began.", date=i18n.date(self.earliest)))
        if self.latest_today and value > today():
            _refuse(_("The date cannot be later than today."))

    def describe(self) -> dict:
        """The rule as data for the phone (keys only for what the rule checks)."""
        described = {}
        if self.required:
            described["required"] = True
        if self.max_length is not None:
            described["max_length"] = self.max_length
        if self.format:
            spec = FORMATS[self.format]
            described["format"] = self.format
            described["pattern"] = f"^{spec.pattern}$"
            if spec.separators:
                described["separators"] = spec.separators
            if spec.country_code:
                described["country_code"] = spec.country_code
        if self.earliest is not None:
            described["min"] = self.earliest.isoformat()
        if self.latest_today:
            described["max"] = "today"
        return described


NAME = FieldRule(required=True, max_length=200)
OPTIONAL_NAME = FieldRule(max_length=200)

RULES: dict[str, dict[str, FieldRule]] = {
    "household": {
        "head_name": NAME,
        "phone": FieldRule(format="phone"),
        "vnpost_code": FieldRule(format="vnpost_code"),
        "ethnicity": FieldRule(max_length=60),
        "plus_code": FieldRule(max_length=16),
    },
    "marketplace_account": {"shop_name": OPTIONAL_NAME},
    "training_session": {
        "held_on": FieldRule(required=True, earliest=PROGRAMME_START, latest_today=True),
        "title": OPTIONAL_NAME,
    },
    "attendance": {"attendee_name": OPTIONAL_NAME},
}


def rule(entity: str, field: str) -> FieldRule:
    """The rule of one field of a record kind."""
    return RULES[entity][field]


def clean_phone(value: str | None) -> str | None:
    """A valid phone number as its ten digits (None when empty)."""
    if value is None or not value.strip():
        return None
    return FORMATS["phone"].clean(value)


def describe_rules() -> dict:
    """Every rule as data, by record kind and field: what the phone checks before saving."""
    return {entity: {name: r.describe() for name, r in fields.items()} for entity, fields in RULES.items()}
