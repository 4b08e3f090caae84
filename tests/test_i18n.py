"""Languages: Vietnamese by default, Khmer and English on request, and complete catalogues."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
from babel import numbers
from babel.messages.pofile import read_po
from flask_babel import force_locale, get_locale

from server.auth.models import User
from server.extensions import db
from server.i18n import PERCENT, number, percent
from server.i18n import date as format_date
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


def _choose(client, lang: str, next_url: str = "/login"):
    """Press a language in the page's header: the language setting."""
    client.get(next_url)
    return client.post("/language", data={"lang": lang, "next": next_url})


def test_language_setting_persists_in_the_session(app):
    client = app.test_client()
    chosen = _choose(client, "km", "/login?next=%2Fsync%2Fdevices&lang=en")
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/login?next=%2Fsync%2Fdevices"
    assert _page_language(client, headers={"Accept-Language": "en"}) == "km"


def test_lang_parameter_shows_one_page_and_saves_nothing(app):
    client = app.test_client()
    assert _page_language(client, "/login?lang=km") == "km"
    assert _page_language(client, "/login") == "vi"
    _choose(client, "en")
    assert _page_language(client, "/login?lang=km") == "km"
    assert _page_language(client, "/login") == "en"


def test_language_setting_refuses_forged_posts_and_other_sites(app):
    client = app.test_client()
    client.get("/login")
    with client.cross_site():
        assert client.post("/language", data={"lang": "km", "next": "/login"}).status_code == 400
    assert _page_language(client, "/login") == "vi"
    for elsewhere in ("//evil.example/x", "/\t/evil.example/x", "/\\evil.example", "https://evil.example/"):
        away = client.post("/language", data={"lang": "km", "next": elsewhere})
        assert away.headers["Location"] == "/"
    assert client.post("/language", data={"lang": "xx", "next": "/login"}).status_code == 400


def test_every_page_offers_the_three_languages(app):
    page = app.test_client().get("/login?lang=km").get_data(as_text=True)
    assert 'action="/language"' in page
    for code, name in (("vi", "Tiếng Việt"), ("km", "ភាសាខ្មែរ"), ("en", "English")):
        assert f'name="lang" value="{code}"' in page
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


def _saved_language(app, user_id) -> str | None:
    with app.app_context():
        return db.session.get(User, user_id).locale


def test_switching_language_when_signed_in_is_saved_for_next_time(app):
    user_id = _user_with_locale(app, None)
    client = app.test_client()
    client.get("/login")
    client.post("/login", data={"username": "sok", "password": factories.PASSWORD})
    _choose(client, "en", "/")
    assert _page_language(client, "/") == "en"
    assert _saved_language(app, user_id) == "en"
    other_phone = app.test_client()
    other_phone.get("/login")
    other_phone.post("/login", data={"username": "sok", "password": factories.PASSWORD})
    assert _page_language(other_phone, "/", headers={"Accept-Language": "km"}) == "en"


def test_lang_parameter_never_changes_the_saved_language(app):
    """A page, an API call with a device token, a label in another language: each is theirs alone."""
    user_id = _user_with_locale(app, "vi")
    with app.app_context():
        home_id = factories.household(factories.small_tree()["commune"]).id
    client = app.test_client()
    client.get("/login")
    client.post("/login", data={"username": "sok", "password": factories.PASSWORD})
    assert _page_language(client, "/?lang=km") == "km"
    label = client.get(f"/api/v1/labels/households/{home_id}.svg?layout=a4-2x7&lang=en")
    assert label.status_code == 200 and b'xml:lang="en"' in label.data
    assert _saved_language(app, user_id) == "vi"
    assert _page_language(client, "/") == "vi"
    phone = app.test_client()
    token = phone.post(
        "/api/v1/auth/token", json={"username": "sok", "password": factories.PASSWORD, "device_label": "Redmi"}
    ).get_json()["token"]
    assert phone.get("/api/v1/sync/pull?lang=km", headers=factories.bearer(token)).status_code == 200
    assert _saved_language(app, user_id) == "vi"


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


def test_templates_follow_a_language_forced_within_a_request(app):
    # A page in Vietnamese that renders a label or a poster in the household's language, and
    # back: the strings, their plural forms and their escaped values follow each switch.
    template = app.jinja_env.from_string(
        "{{ _('Lot %(code)s', code=code) }} | {{ ngettext('Scanned %(num)s time.', 'Scanned %(num)s times.', 2) }}"
    )
    with app.test_request_context("/?lang=vi"):
        before = template.render(code="<b>")
        with force_locale("en"):
            forced = template.render(code="<b>")
        after = template.render(code="<b>")
    assert forced == "Lot &lt;b&gt; | Scanned 2 times."
    assert before == after and before.startswith("Lô &lt;b&gt; | ") and "2" in before and "Scanned" not in before


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("vi", ["1.234.567", "-1.000", "0", "33,3%", "66,7%", "0%", "0,2%", "100%", "12.345,7%", "—"]),
        ("km", ["1,234,567", "-1,000", "0", "33.3%", "66.7%", "0%", "0.2%", "100%", "12,345.7%", "—"]),
        ("en", ["1,234,567", "-1,000", "0", "33.3%", "66.7%", "0%", "0.2%", "100%", "12,345.7%", "—"]),
    ],
)
def test_counts_and_percentages_are_written_as_babel_writes_them(app, lang, shown):
    # Written from the locale's symbols kept once, not by Babel at each call: the same text,
    # rounding included (half to even on the tenth: 0.05% is 0%, 0.15% is 0.2%).
    ratios = [1 / 3, 2 / 3, 0.0005, 0.0015, 1, 123.4567]
    with app.test_request_context(), force_locale(lang):
        assert [number(1234567), number(-1000), number(None), *map(percent, ratios), percent(None)] == shown
        for ratio in [k / n for n in range(1, 130) for k in range(0, n + 2)] + [0.12345, 0.99951, 5e-7]:
            assert percent(ratio) == numbers.format_percent(ratio, format=PERCENT, locale=get_locale()), ratio
        for count in (7, 999, 1000, 65432, 10**9 + 7, -42):
            assert number(count) == numbers.format_decimal(count, locale=get_locale()), count
        assert number(2.5) == numbers.format_decimal(2.5, locale=get_locale())


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


# A text the phone app translates: _("…") or _('…') with a literal first argument.
_PWA_CALL = re.compile(r"""(?<![\w.$])_\(\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')""")


def _pwa_texts() -> set:
    found = set()
    for path in (TRANSLATIONS.parent / "pwa").rglob("*.js"):
        for literal in _PWA_CALL.findall(path.read_text(encoding="utf-8")):
            body = literal[1:-1].replace('\\"', '"') if literal[0] == '"' else literal[1:-1].replace("\\'", "'")
            found.add(json.loads(f'"{body}"'))
    return found


@pytest.mark.parametrize("lang", ["vi", "km"])
def test_the_phone_catalogue_holds_every_text_the_app_translates(lang):
    from server.translate import PWA_I18N, compile_all

    compile_all()
    texts = _pwa_texts()
    assert len(texts) > 200  # the app's screens, refusal reasons and field labels
    messages = json.loads((PWA_I18N / f"{lang}.json").read_text(encoding="utf-8"))["messages"]
    missing = sorted(texts - set(messages))
    assert not missing, f"{len(missing)} texts of the phone app are not in its {lang} catalogue, e.g. {missing[:5]}"
    # Only those: the web pages' texts stay out of what every phone downloads.
    assert "Import a list of households" not in messages
