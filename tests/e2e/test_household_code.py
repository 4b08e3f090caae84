"""The code printed on a household's address label finds that household on the phone and is shown
on its screen, so a trainer hands each of a hamlet's nameless labels to the right family."""

import pytest
from playwright.sync_api import expect

from server.public.codes import household_code
from tests.e2e.phone_app import TIMEOUT, go, sign_in

pytestmark = pytest.mark.e2e


def test_a_label_code_typed_on_the_phone_opens_its_household(phone, live_server):
    page = phone.new_page()
    sign_in(page)
    go(page, "/households")
    results = page.get_by_test_id("household-results")
    expect(results.get_by_role("listitem")).to_have_count(len(live_server.households), timeout=TIMEOUT)

    wanted = next(home for home in live_server.households if home.head_name == "Thạch Sô Phi")
    code = household_code(wanted.id)
    # Typed as read off the sticker, in lower case and without the dash.
    page.get_by_label("Search households").fill(code.replace("-", "").lower())
    expect(results.get_by_role("listitem")).to_have_count(1)
    expect(results).to_contain_text(code)

    results.get_by_role("link", name="Thạch Sô Phi").click()
    expect(page.get_by_role("heading", name="Thạch Sô Phi")).to_be_visible()
    expect(page.get_by_test_id("household-code")).to_have_text(code)
    assert page.evaluate("() => location.hash") == f"#/households/{wanted.id}"
