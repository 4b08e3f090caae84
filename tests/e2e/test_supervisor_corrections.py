"""The demo supervisor signs in on the real login form and saves corrections of a household and of a session."""

import uuid

import pytest
from playwright.sync_api import expect

from server.extensions import db
from server.households.models import Household
from server.training.models import TrainingSession

pytestmark = pytest.mark.e2e

SUPERVISOR = ("giamsat", "giamsat-demo-2026")
SAVED = "Changes saved."


@pytest.fixture
def laptop(browser, demo_site):
    """A supervisor's laptop browser in English, on the demo site."""
    context = browser.new_context(base_url=demo_site.url, locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    context.set_default_timeout(10000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, username: str, password: str) -> None:
    """Type the name and password into the login form and send it, as a person does."""
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("form.logout")).to_be_visible()


def test_supervisor_saves_a_household_and_a_session_correction(laptop, demo_site):
    page = laptop
    sign_in(page, *SUPERVISOR)
    page.goto("/records/households")
    page.locator("table a[href^='/records/households/']").first.click()
    page.get_by_label("Head of household").fill("Thạch Thị Sa Vy")
    page.get_by_label("Phone", exact=True).fill("0987 654 321")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_have_text(SAVED)
    expect(page.locator("h1")).to_have_text("Thạch Thị Sa Vy")
    expect(page.get_by_label("Phone", exact=True)).to_have_value("0987654321")
    expect(page.locator(".facts")).to_contain_text("0987654321")
    household = demo_site.query(lambda: db.session.get(Household, uuid.UUID(page.url.rsplit("/", 1)[1])))
    assert (household.head_name, household.phone) == ("Thạch Thị Sa Vy", "0987654321")

    page.goto("/records/sessions")
    page.locator("table a[href^='/records/sessions/']").first.click()
    page.get_by_label("Title").fill("Bán hàng trên Postmart")
    page.get_by_label("Livestream selling").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_have_text(SAVED)
    expect(page.locator("h1")).to_contain_text("Bán hàng trên Postmart")
    expect(page.get_by_label("Livestream selling")).to_be_checked()
    session_id = page.url.rsplit("/", 1)[1]
    training = demo_site.query(lambda: db.session.get(TrainingSession, uuid.UUID(session_id)))
    assert training.title == "Bán hàng trên Postmart" and "livestream" in training.topics
