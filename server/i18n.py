"""Language choice and locale-aware formatting; the one place that formats numbers and dates."""

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from flask_login import current_user


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


def number(value) -> str:
    """A number in the active locale."""
    return format_decimal(value or 0)


def percent(value: float | None) -> str:
    """A ratio (0..1) as a percentage in the active locale, or an em dash."""
    if value is None:
        return "—"
    return format_percent(value, format="#,##0.#%")


def date(value) -> str:
    """A date in the active locale, or an em dash."""
    return format_date(value, format="medium") if value else "—"


def datetime(value) -> str:
    """A date and time in the active locale, or an em dash."""
    return format_datetime(value, format="medium") if value else "—"


def init_formatting(app) -> None:
    """Expose the formatters to templates."""
    app.jinja_env.filters.update(number=number, percent=percent, date=date, datetime=datetime)
    app.jinja_env.globals.update(locale_code=locale_code, languages=app.config["LANGUAGES"])
