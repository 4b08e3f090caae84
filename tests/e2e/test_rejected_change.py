"""A change the server refuses is listed with its reason, corrected and sent again."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.extensions import db
from server.households.models import Household
from tests.e2e.phone_app import go, sign_in, sync

pytestmark = pytest.mark.e2e


def test_a_refused_change_is_corrected_and_sent_again(phone, live_server):
    page = phone.new_page()
    sign_in(page)
    go(page, "/households/new")
    page.get_by_label("Head of household's name").fill("Chau Sóc Na")
    page.get_by_label("Phone", exact=True).fill("12345")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()

    go(page, "/sync")
    page.get_by_role("button", name="Sync now").click()
    refused = page.get_by_test_id("rejected")
    expect(refused).to_contain_text("The phone number must have 10 digits.")
    expect(page.get_by_test_id("pending-count")).to_have_text("1")

    refused.get_by_role("link", name="Correct").click()
    page.get_by_label("Phone", exact=True).fill("0912000111")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()
    sync(page)
    expect(page.get_by_test_id("rejected")).to_contain_text("None.")
    phone_on_server = live_server.query(
        lambda: db.session.scalar(sa.select(Household.phone).where(Household.head_name == "Chau Sóc Na"))
    )
    assert phone_on_server == "0912000111"
