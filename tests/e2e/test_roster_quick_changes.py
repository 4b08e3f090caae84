"""The roster shows each household's state apart from the buttons that record a change."""

import pytest
from playwright.sync_api import expect

from tests.e2e.phone_app import check_in_by_search, create_session, sign_in

pytestmark = pytest.mark.e2e


def test_the_roster_shows_state_and_action_apart(phone, live_server):
    page = phone.new_page()
    sign_in(page)
    create_session(page)
    check_in_by_search(page, "anh", "Nguyễn Văn Ánh")
    check_in_by_search(page, "dao", "Lê Thị Đào")
    roster = page.get_by_test_id("roster").get_by_role("listitem")
    anh = roster.filter(has_text="Nguyễn Văn Ánh")
    dao = roster.filter(has_text="Lê Thị Đào")

    expect(anh.get_by_test_id("smartphone-state")).to_contain_text("Smartphone: not known")
    expect(anh.get_by_test_id("seller-accounts-state")).to_contain_text("Seller accounts: none")
    expect(anh.get_by_test_id("payment-accounts-state")).to_contain_text("E-payment accounts: none")
    expect(dao.get_by_test_id("smartphone-state")).to_have_text("Smartphone: yes")
    expect(dao.get_by_role("button", name="Record a smartphone")).to_have_count(0)  # nothing left to record

    anh.get_by_role("button", name="Record a smartphone").click()
    expect(anh.get_by_test_id("smartphone-state")).to_have_text("Smartphone: yes")
    expect(anh.get_by_role("button", name="Record a smartphone")).to_have_count(0)
    anh.get_by_role("button", name="Record a seller account").click()
    anh.get_by_role("button", name="Postmart").click()
    expect(anh.get_by_test_id("seller-accounts-state")).to_contain_text("Seller accounts: Postmart")
    anh.get_by_role("button", name="Record an e-payment account").click()
    anh.get_by_role("button", name="MoMo").click()
    expect(anh.get_by_test_id("payment-accounts-state")).to_contain_text("E-payment accounts: MoMo")
    expect(anh.get_by_role("button", name="Record a seller account")).to_be_enabled()  # a second one may come
