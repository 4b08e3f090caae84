"""The phone's forms refuse on the spot what the server would refuse after a sync, with the server's rules.

Screenshots of a refused value at 360 px go to /tmp/pwa-shots/<language>-refused-*.png.
"""

from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.extensions import db
from server.field_rules import describe_rules
from server.households.models import Household
from server.training.models import TrainingSession
from tests.e2e.conftest import SHOTS
from tests.e2e.phone_app import answer_consent, go, sign_in, sync

pytestmark = pytest.mark.e2e

LONG_NAME = "Thạch Thị " + "Sa Rinh " * 52  # 426 characters
PHONE_RULE = "The phone number should have 10 digits and start with 0."
REFUSED = "Please correct the fields marked in red."


def _problem(page, label):
    """The message shown under a field (the input's aria-describedby)."""
    described = page.get_by_label(label, exact=True).get_attribute("aria-describedby")
    return page.locator(f"[id='{described}']")


def test_built_in_rules_equal_the_servers(phone, live_server):
    page = phone.new_page()
    page.goto("/app/")
    built_in = page.evaluate("import('/app/js/field-rules.js').then((m) => m.DEFAULT_RULES)")
    assert built_in == describe_rules()


def test_household_form_refuses_a_long_name_and_a_bad_phone_until_fixed(phone, live_server):
    assert len(LONG_NAME) == 426
    page = phone.new_page()
    sign_in(page)
    go(page, "/households/new")
    name = page.get_by_label("Head of household's name")
    name.fill(LONG_NAME)  # pasted: the field keeps 200 characters and says so
    expect(name).to_have_js_property("value", LONG_NAME[:200])
    expect(_problem(page, "Head of household's name")).to_have_text("At most 200 characters.")
    # A longer value that got past the limit (an old record, a script) is marked wrong.
    name.evaluate("(input, text) => { input.value = text; input.dispatchEvent(new Event('input')); }", LONG_NAME)
    expect(name).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Phone", exact=True).fill("09xx-abc")
    expect(_problem(page, "Phone")).to_have_text(PHONE_RULE)  # while typing, not after a sync
    answer_consent(page, "Take part in the programme", "Yes")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").filter(has_text=REFUSED)).to_be_visible()
    expect(page.get_by_role("heading", name="Register a household")).to_be_visible()
    expect(name).to_be_focused()

    name.fill("Thạch Thị Sa Rinh")
    page.get_by_label("Phone", exact=True).fill("0912 345")
    expect(_problem(page, "Phone")).to_be_empty()  # still typing a number that may be right
    page.get_by_label("Phone", exact=True).fill("0912 345 679")
    expect(_problem(page, "Phone")).to_be_empty()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Thạch Thị Sa Rinh")).to_be_visible()
    sync(page)
    stored = live_server.query(
        lambda: db.session.scalar(sa.select(Household.phone).where(Household.head_name == "Thạch Thị Sa Rinh"))
    )
    assert stored == "0912345679"


def test_session_form_refuses_dates_outside_the_programme_until_fixed(phone, live_server):
    page = phone.new_page()
    sign_in(page)
    go(page, "/sessions/new")
    page.get_by_label("Digital skills").check()
    held_on = page.get_by_label("Date", exact=True)
    held_on.fill("2027-03-01")
    expect(_problem(page, "Date")).to_have_text("The date cannot be later than today.")
    page.get_by_role("button", name="Create session").click()
    expect(page.get_by_role("alert").filter(has_text=REFUSED)).to_be_visible()
    held_on.fill("1999-05-01")
    expect(_problem(page, "Date")).to_have_text("The date cannot be before Jan 1, 2020, when the programme began.")
    page.get_by_role("button", name="Create session").click()
    expect(page.get_by_role("heading", name="New training session")).to_be_visible()
    title = page.get_by_label("Title (optional)")
    title.fill("Bán hàng " * 45)  # 405 characters: kept to 200
    expect(title).to_have_js_property("value", ("Bán hàng " * 45)[:200])

    held_on.fill(date.today().isoformat())
    expect(_problem(page, "Date")).to_be_empty()
    page.get_by_role("button", name="Create session").click()
    expect(page.get_by_role("button", name="Scan a label's QR code")).to_be_visible()
    sync(page)
    held = live_server.query(lambda: db.session.scalars(sa.select(TrainingSession.held_on)).all())
    assert held == [date.today()]


@pytest.mark.parametrize("language", ["vi", "km"])
def test_refused_values_read_well_at_360_px(phone, live_server, language):
    SHOTS.mkdir(exist_ok=True)
    page = phone.new_page()
    sign_in(page)
    go(page, "/settings")
    page.get_by_role("button", name={"vi": "Tiếng Việt", "km": "ភាសាខ្មែរ"}[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    go(page, "/households/new")
    page.locator("input[name=head_name]").fill(LONG_NAME)
    page.locator("input[name=phone]").fill("09xx-abc")
    page.locator("button[type=submit]").click()
    expect(page.locator("input[name=phone]")).to_have_attribute("aria-invalid", "true")
    page.locator("input[name=head_name]").scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SHOTS / f"{language}-refused-household.png"))
    page.screenshot(path=f"/tmp/h-rules-{language}-household.png")  # noqa: S108
    go(page, "/sessions/new")
    page.locator("input[name=held_on]").fill("1999-05-01")
    expect(page.locator("input[name=held_on]")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=f"/tmp/h-rules-{language}-session.png")  # noqa: S108
