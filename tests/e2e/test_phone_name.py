"""A trainer names each phone at sign-in; the name is on the supervisor's devices page and in the settings."""

import pytest
from playwright.sync_api import expect

from server.auth.models import DeviceToken
from server.extensions import db
from server.places.models import Place
from tests import factories
from tests.e2e.conftest import SHOTS
from tests.e2e.phone_app import TIMEOUT, choose_language, go
from tests.e2e.test_supervisor_corrections import sign_in as sign_in_on_the_web
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def _sign_in_as(page, phone_name):
    page.goto("/app/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en", timeout=TIMEOUT)
    page.get_by_label("Username").fill("trang")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Name of this phone").fill(phone_name)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("last-sync")).not_to_have_text("never", timeout=TIMEOUT)


def test_two_phones_of_one_trainer_are_told_apart_by_their_names(browser, live_server):
    phones = [browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url) for _ in range(2)]
    first, second = (context.new_page() for context in phones)
    # The browser's name is offered, so a trainer who does not type one still gets a useful name.
    first.goto("/app/")
    expect(first.locator("input[name=device_label]")).to_have_value("Chrome · Linux")
    _sign_in_as(first, "Redmi 9 của Trang")
    _sign_in_as(second, "Điện thoại ấp Sóc Chuối")
    go(first, "/settings")
    expect(first.get_by_test_id("device-label")).to_have_text("Name of this phone: Redmi 9 của Trang")
    for language in ("vi", "km"):
        choose_language(first, language)
        first.screenshot(path=str(SHOTS / f"{language}-settings-phone-name.png"))
    labels = live_server.query(lambda: sorted(db.session.scalars(db.select(DeviceToken.label))))
    assert labels == ["Redmi 9 của Trang", "Điện thoại ấp Sóc Chuối"]

    live_server.query(lambda: factories.user("supervisor", [db.session.get(Place, "86")], username="giamsat"))
    laptop = browser.new_context(base_url=live_server.url, extra_http_headers={"Accept-Language": "en"})
    page = laptop.new_page()
    sign_in_on_the_web(page, "giamsat", PASSWORD)
    page.goto("/devices")
    rows = page.locator("table.devices tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Redmi 9 của Trang")).to_have_count(1)
    expect(rows.filter(has_text="Điện thoại ấp Sóc Chuối")).to_have_count(1)
    for context in [*phones, laptop]:
        context.close()


def test_what_is_typed_while_a_language_loads_is_kept(phone, live_server):
    page = phone.new_page()
    held = []
    page.route("**/app/i18n/km.json", lambda route: held.append(route))  # the Khmer words arrive only when let through
    page.goto("/app/")
    page.get_by_role("button", name="ភាសាខ្មែរ").click()
    page.locator("input[name=username]").fill("trang")
    page.locator("input[name=password]").click()
    page.keyboard.type(PASSWORD[:3])
    while not held:  # the route is called while Playwright waits
        page.wait_for_timeout(50)
    held[0].continue_()
    expect(page.locator("html")).to_have_attribute("lang", "km", timeout=TIMEOUT)
    page.keyboard.type(PASSWORD[3:])  # the cursor is still in the password field
    expect(page.locator("input[name=username]")).to_have_value("trang")
    expect(page.locator("input[name=password]")).to_have_value(PASSWORD)
    page.screenshot(path=str(SHOTS / "km-sign-in.png"), full_page=True)
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi", timeout=TIMEOUT)
    expect(page.locator("input[name=username]")).to_have_value("trang")
    page.screenshot(path=str(SHOTS / "vi-sign-in.png"), full_page=True)
    page.locator("button[type=submit]").click()
    expect(page.get_by_test_id("last-sync")).to_be_visible(timeout=TIMEOUT)
