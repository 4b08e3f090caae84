"""Language choice and locale-aware formatting; the one place that formats numbers and dates."""

import decimal
from functools import cache

from babel import Locale, numbers
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

PERCENT = "#,##0.#%"
_TENTH = decimal.Decimal("0.1")


def save_language(code: str) -> bool:
    """The language setting: kept in the session and, once signed in, in the user's own setting.

    The only writer of a saved language. `?lang=` on a URL shows that one page in its language
    and saves nothing: a label's language, an API call or a public page's switch is theirs alone.
    """
    if code not in current_app.config["LANGUAGES"]:
        return False
    session["lang"] = code
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code  # kept by the request's commit (server/transaction.py)
    return True


def select_locale() -> str:
    """?lang= for this page, then the user's setting, then the session's, Accept-Language, Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands such as `flask create-user` speak the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def locale_code() -> str:
    """The active language code (vi, km or en)."""
    return str(get_locale() or "vi")


class _Numbers:
    """A locale's number formats, read from Babel once: a dashboard formats some 900 numbers, and
    Babel parsed the locale and the pattern again for each (a third of the page's rendering).

    Whole numbers and percentages take Babel's own steps (the same Decimal rounding, half to
    even, and the locale's symbols and grouping); anything else is left to Babel itself.
    """

    def __init__(self, locale: Locale):
        self.locale = locale
        self.decimal_pattern = numbers.parse_pattern(locale.decimal_formats[None])
        self.percent_pattern = numbers.parse_pattern(PERCENT)
        self.group = numbers.get_group_symbol(locale)
        self.decimal = numbers.get_decimal_symbol(locale)
        self.first_group, self.next_groups = self.percent_pattern.grouping

    def grouped(self, digits: str) -> str:
        """Digits 0-9 with the locale's group separator, as Babel groups them."""
        size, groups = self.first_group, []
        while len(digits) > size:
            groups.append(digits[-size:])
            digits = digits[:-size]
            size = self.next_groups
        return self.group.join([digits, *reversed(groups)])

    def whole(self, value: int) -> str:
        """An integer as format_decimal writes it."""
        return ("-" if value < 0 else "") + self.grouped(str(abs(value)))

    def percent(self, value) -> str:
        """A ratio as format_percent writes it with PERCENT (one decimal at most)."""
        amount = value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))
        if not amount.is_finite():
            return self.percent_pattern.apply(value, self.locale)
        amount = amount.scaleb(2)
        whole, _, tenth = f"{abs(amount).normalize().quantize(_TENTH):f}".partition(".")
        text = self.grouped(whole) + (self.decimal + tenth if tenth.strip("0") else "")
        return ("-" if amount.is_signed() else "") + text + "%"


@cache
def _numbers(locale: Locale) -> _Numbers:
    return _Numbers(locale)


def _active_numbers() -> _Numbers:
    return _numbers(get_locale() or Locale.parse(current_app.config["BABEL_DEFAULT_LOCALE"]))


def number(value) -> str:
    """A number in the active locale."""
    formats = _active_numbers()
    if type(value) is int:
        return formats.whole(value)
    return formats.decimal_pattern.apply(value or 0, formats.locale)


def percent(value: float | None) -> str:
    """A ratio (0..1) as a percentage in the active locale, or an em dash."""
    if value is None:
        return "—"
    return _active_numbers().percent(value)


def date(value) -> str:
    """A date in the active locale, or an em dash."""
    return format_date(value, format="medium") if value else "—"


def datetime(value) -> str:
    """A date and time in the active locale, or an em dash."""
    return format_datetime(value, format="medium") if value else "—"


_KEPT = "lensan_translations"  # on flask.g: (the locale, its catalogue)


def translations():
    """The active locale's catalogue, as flask_babel.get_translations() gives it, found once per
    request and locale.

    Flask-Babel looks up its request context, the domain, the locale and its cache of catalogues
    again for every string: about 27 µs a string, where the catalogue's own lookup takes half a
    µs, and a page translates ten to thirty. The locale is compared each time, so a template
    rendered under force_locale (a label, a poster, an error page) still gets its own language.
    """
    if not has_app_context():
        return get_translations()
    kept = g.get(_KEPT)
    if kept is not None and kept[0] is getattr(g.get("_flask_babel"), "babel_locale", None):
        return kept[1]
    found = get_translations()  # also settles the request's locale on Flask-Babel's context
    setattr(g, _KEPT, (getattr(g.get("_flask_babel"), "babel_locale", None), found))
    return found


@pass_context
def _template_gettext(context, string: str, **variables) -> str:
    """Jinja's newstyle gettext (autoescaped, always %-formatted) over the kept catalogue."""
    text = translations().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704  (our own catalogue, as Jinja's; the variables are escaped by %)
    return text % variables


@pass_context
def _template_ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
    """Jinja's newstyle ngettext (num given to the format as well) over the kept catalogue."""
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704  (as in _template_gettext)
    return text % variables


def init_formatting(app) -> None:
    """Expose the formatters to templates, and translate templates through `translations()`
    (in place of the callables Flask-Babel installs: babel.init_app runs before this)."""
    app.jinja_env.filters.update(number=number, percent=percent, date=date, datetime=datetime)
    app.jinja_env.globals.update(locale_code=locale_code, languages=app.config["LANGUAGES"])
    app.jinja_env.globals.update(gettext=_template_gettext, ngettext=_template_ngettext, _=_template_gettext)
