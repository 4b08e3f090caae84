"""Every screen in Vietnamese, Khmer and English at 360 px: no sideways scrolling, 48 px targets.

Screenshots go to /tmp/pwa-shots/<language>-<screen>.png for people to look at.
"""

from datetime import date

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from server.extensions import db
from tests import factories
from tests.e2e.conftest import SHOTS
from tests.e2e.phone_app import check_in_by_search, choose_language, create_session, go, sign_in

pytestmark = pytest.mark.e2e

# Radio buttons and checkboxes are reached through their whole label (.choice).
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'button, input:not([type=radio]):not([type=checkbox]), select, label.choice, .bottom-nav a, a.button, a.row-link')]
  .filter((el) => el.offsetParent !== null)
  .map((el) => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
  .filter(([, box]) => box.height < 48 || box.width < 48)
  .map(([html, box]) => html + ' ' + Math.round(box.width) + 'x' + Math.round(box.height))"""


def _look(page, language, screen):
    page.wait_for_timeout(150)  # let the screen's last asynchronous refresh land
    page.evaluate("document.querySelector('.notice')?.classList.remove('shown')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{language} {screen} scrolls sideways"
    assert page.evaluate(SMALL_TARGETS) == [], f"{language} {screen} has small touch targets"
    page.screenshot(path=str(SHOTS / f"{language}-{screen}.png"))


def test_screens_in_each_language(phone, live_server):
    SHOTS.mkdir(exist_ok=True)
    page = phone.new_page()
    notice = live_server.query(lambda: str(factories.bulletin(db.session.get(factories.Place, "29461")).id))
    sign_in(page)
    create_session(page)
    session_route = page.evaluate("window.location.hash").lstrip("#")
    check_in_by_search(page, "anh", "Nguyễn Văn Ánh")
    check_in_by_search(page, "sóc", "Kim Sóc Khanh")
    for language in ("vi", "km", "en"):
        choose_language(page, language)
        for screen, route in [
            ("home", "/"),
            ("households", "/households"),
            ("register", "/households/new"),
            ("session", session_route),
            ("sync", "/sync"),
            ("settings", "/settings"),
            ("bulletins", "/bulletins"),
            ("bulletin", f"/bulletins/{notice}"),
        ]:
            go(page, route)
            page.wait_for_load_state()
            _look(page, language, screen)
        if language == "km":
            assert page.evaluate("document.fonts.check('16px \"Noto Sans Khmer\"', 'ភាសាខ្មែរ')")
            go(page, session_route)
            # Khmer dates even where the browser's Intl has no Khmer (Debian's Chromium).
            khmer_today = format_date(date.today(), "medium", locale="km")
            expect(page.get_by_role("heading", level=1)).to_contain_text(khmer_today)
