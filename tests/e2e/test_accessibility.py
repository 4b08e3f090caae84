"""axe-core on every main screen of the phone app, in Vietnamese and Khmer at 360 px.

Fails on any violation axe rates "serious" or "critical" (missing labels and names,
low contrast, missing lang...). axe-core comes from node_modules (`npm ci`).
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from server.extensions import db
from tests import factories
from tests.e2e.conftest import PHONE
from tests.e2e.phone_app import check_in_by_search, create_session, go, open_household, sign_in

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGE_BUTTONS = {"vi": "Tiếng Việt", "km": "ភាសាខ្មែរ"}
SETTINGS_LINK = {"vi": "Cài đặt và ngôn ngữ", "km": "ការកំណត់ និងភាសា"}
SERIOUS = ("serious", "critical")


@pytest.fixture
def phone_without_csp(browser, live_server):
    """A phone whose context ignores the app's CSP, so axe can be injected into the page."""
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, bypass_csp=True, service_workers="allow")
    context.set_default_timeout(10000)
    yield context
    context.close()


def _serious_violations(page):
    """Run axe on the page; return its serious and critical violations, one readable line per node."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    page.wait_for_timeout(150)  # let the screen's last asynchronous refresh land
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in SERIOUS:
            continue
        for node in violation["nodes"]:
            lines.append(
                f"  [{violation['impact']}] {violation['id']}: {violation['help']}\n"
                f"      at {' '.join(node['target'])}: {node['html'][:120]}\n"
                f"      {node.get('failureSummary', '').replace(chr(10), ' ')}"
            )
    return lines


def _check(page, language, screen, problems):
    found = _serious_violations(page)
    if found:
        problems.append(f"{language} {screen}:\n" + "\n".join(found))


def test_no_serious_violations(phone_without_csp, live_server):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci`")
    page = phone_without_csp.new_page()
    problems: list[str] = []

    # The sign-in screen before anyone signs in.
    for language in ("vi", "km"):
        page.goto("/app/")
        page.get_by_role("button", name=LANGUAGE_BUTTONS[language]).click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        # The top bar follows the language too (its words are read out in the page's language).
        expect(page.get_by_role("link", name=SETTINGS_LINK[language])).to_be_visible()
        _check(page, language, "sign-in", problems)

    # A bulletin for the trainer's commune: on the home screen, the session and its own screens.
    notice = live_server.query(lambda: str(factories.bulletin(db.session.get(factories.Place, "29461")).id))
    sign_in(page)
    create_session(page)
    session_route = page.evaluate("window.location.hash").lstrip("#")
    check_in_by_search(page, "anh", "Nguyễn Văn Ánh")
    open_household(page, "phi", "Thạch Sô Phi")
    household_route = page.evaluate("window.location.hash").lstrip("#")
    for language in ("vi", "km"):
        go(page, "/settings")
        page.get_by_role("button", name=LANGUAGE_BUTTONS[language]).click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        for screen, route in [
            ("home", "/"),
            ("households", "/households"),
            ("household", household_route),
            ("household-form", "/households/new"),
            ("new-session", "/sessions/new"),
            ("session", session_route),
            ("sync", "/sync"),
            ("settings", "/settings"),
            ("bulletins", "/bulletins"),
            ("bulletin", f"/bulletins/{notice}"),
        ]:
            go(page, route)
            page.wait_for_load_state()
            _check(page, language, screen, problems)
        # The household form's error message, and the top bar when the phone is offline.
        go(page, "/households/new")
        page.locator("form button[type=submit]").click()
        expect(page.locator("form .error")).not_to_be_empty()
        _check(page, language, "household-form-error", problems)
        page.context.set_offline(True)
        go(page, "/")
        expect(page.get_by_test_id("connection")).to_have_class("connection offline")
        _check(page, language, "home-offline", problems)
        page.context.set_offline(False)
        expect(page.get_by_test_id("connection")).to_have_class("connection")

    assert not problems, "axe found serious or critical accessibility violations:\n" + "\n".join(problems)
