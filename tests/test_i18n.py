"""Languages: Vietnamese by default, Khmer and English on request, and complete catalogues."""

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from server.auth.models import User
from server.extensions import db
from server.i18n import date as format_date
from server.i18n import number
from tests import factories

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LANG = re.compile(r'<html lang="([a-z]+)">')

# Requests run outside any test app context, so each one picks its language afresh as in production.


def _page_language(client, path="/login", **kwargs) -> str:
    return LANG.search(client.get(path, **kwargs).get_data(as_text=True)).group(1)


def test_login_page_is_vietnamese_by_default(app):
    assert _page_language(app.test_client()) == "vi"


@pytest.mark.parametrize("lang", ["vi", "km", "en"])
def test_lang_parameter_chooses_the_language(app, lang):
    assert _page_language(app.test_client(), f"/login?lang={lang}") == lang


@pytest.mark.parametrize(("header", "lang"), [("km-KH,km;q=0.9", "km"), ("en-US,en;q=0.8", "en"), ("fr, de", "vi")])
def test_accept_language_chooses_the_language(app, header, lang):
    assert _page_language(app.test_client(), headers={"Accept-Language": header}) == lang


def test_unknown_lang_parameter_is_ignored(app):
    assert _page_language(app.test_client(), "/login?lang=xx") == "vi"


def test_language_choice_persists_in_the_session(app):
    client = app.test_client()
    assert _page_language(client, "/login?lang=km") == "km"
    assert _page_language(client, headers={"Accept-Language": "en"}) == "km"


def test_every_page_offers_the_three_languages(app):
    page = app.test_client().get("/login?lang=km").get_data(as_text=True)
    for code, name in (("vi", "Tiếng Việt"), ("km", "ភាសាខ្មែរ"), ("en", "English")):
        assert f'href="?lang={code}"' in page
        assert name in page


def _user_with_locale(app, locale: str | None) -> int:
    with app.app_context():
        user = factories.user("trainer", [factories.small_tree()["commune"]], username="sok")
        user.locale = locale
        db.session.commit()
        return user.id


def test_users_saved_language_wins_over_the_browser(app):
    _user_with_locale(app, "km")
    client = app.test_client()
    client.get("/login")
    client.post("/login", data={"username": "sok", "password": factories.PASSWORD})
    assert _page_language(client, "/", headers={"Accept-Language": "en"}) == "km"


def test_switching_language_when_signed_in_is_saved_for_next_time(app):
    user_id = _user_with_locale(app, None)
    client = app.test_client()
    client.get("/login")
    client.post("/login", data={"username": "sok", "password": factories.PASSWORD})
    assert _page_language(client, "/?lang=en") == "en"
    with app.app_context():
        assert db.session.get(User, user_id).locale == "en"
    other_phone = app.test_client()
    other_phone.get("/login")
    other_phone.post("/login", data={"username": "sok", "password": factories.PASSWORD})
    assert _page_language(other_phone, "/", headers={"Accept-Language": "km"}) == "en"


def test_numbers_and_dates_follow_the_language(app):
    with app.test_request_context():
        with force_locale("vi"):
            assert number(1234567) == "1.234.567"
            assert format_date(date(2026, 3, 5)) == "5 thg 3, 2026"
        with force_locale("en"):
            assert number(1234567) == "1,234,567"
            assert format_date(date(2026, 3, 5)) == "Mar 5, 2026"
        with force_locale("km"):
            assert "2026" in format_date(date(2026, 3, 5))
        assert format_date(None) == "—"


def _catalogue(lang: str):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def _template_ids() -> set:
    with (TRANSLATIONS / "messages.pot").open("rb") as fh:
        return {message.id for message in read_po(fh) if message.id}


def _translated(message) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


@pytest.mark.parametrize("lang", ["vi", "km", "en"])
def test_every_message_is_translated(lang):
    catalogue = _catalogue(lang)
    missing = [msgid for msgid in sorted(_template_ids(), key=str) if not _translated(catalogue.get(msgid))]
    assert not missing, f"{len(missing)} messages untranslated or fuzzy in {lang}, e.g. {missing[:5]}"
