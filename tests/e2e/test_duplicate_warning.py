"""Registering a household that is already on the phone: the trainer is warned before it is saved twice."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.extensions import db
from server.households.models import Household
from tests.e2e.conftest import SHOTS
from tests.e2e.phone_app import answer_consent, choose_language, go, sign_in, sync

pytestmark = pytest.mark.e2e


def _register(page, name, phone="", hamlet="Phum Sóc Chuối"):
    go(page, "/households/new")
    page.get_by_label("Head of household's name").fill(name)
    page.get_by_label("Phone", exact=True).fill(phone)
    page.get_by_label("Hamlet").select_option(label=hamlet)
    answer_consent(page, "Take part in the programme", "Yes")
    page.get_by_role("button", name="Save").click()


def _named(live_server, name):
    return live_server.query(
        lambda: db.session.scalars(sa.select(Household.phone).where(Household.head_name == name)).all()
    )


def test_the_same_phone_is_caught_and_the_existing_household_opened(phone, live_server):
    page = phone.new_page()
    sign_in(page)
    _register(page, "Kim Thanh Tung", phone="0912 345 671")  # Nguyễn Văn Ánh's phone
    warning = page.get_by_test_id("likely-duplicates")
    expect(warning).to_contain_text("This household may already be registered")
    expect(warning.get_by_role("listitem")).to_have_count(1)
    expect(warning.get_by_role("listitem")).to_contain_text("Nguyễn Văn Ánh")
    expect(warning.get_by_role("listitem")).to_contain_text("Same phone number")
    for language in ("vi", "km"):
        choose_language(page, language)
        go(page, "/households/new")
        page.locator("input[name=head_name]").fill("Kim Thanh Tung")
        page.locator("input[name=phone]").fill("0912345671")
        page.locator("fieldset.consent").first.locator("input[value=yes]").check()
        page.locator("button[type=submit]").click()
        expect(warning).to_be_visible()
        warning.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{language}-register-duplicate.png"))
    choose_language(page, "en")
    _register(page, "Kim Thanh Tung", phone="0912 345 671")

    warning.get_by_role("link", name="Nguyễn Văn Ánh").click()
    expect(page.get_by_role("heading", name="Nguyễn Văn Ánh")).to_be_visible()
    sync(page)  # nothing was queued
    assert _named(live_server, "Kim Thanh Tung") == []


def test_the_same_name_in_the_same_hamlet_is_saved_anyway_when_it_is_another_household(phone, live_server):
    page = phone.new_page()
    sign_in(page)
    _register(page, "Le Thi Dao")  # Lê Thị Đào lives in Phum Sóc Chuối
    warning = page.get_by_test_id("likely-duplicates")
    expect(warning.get_by_role("listitem")).to_contain_text("Lê Thị Đào")
    expect(warning.get_by_role("listitem")).to_contain_text("Same name in the same hamlet")
    warning.get_by_role("button", name="Save anyway: it is another household").click()
    expect(page.get_by_role("heading", name="Le Thi Dao")).to_be_visible()
    sync(page)
    assert _named(live_server, "Le Thi Dao") == [None]
