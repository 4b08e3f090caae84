"""Two phones editing one household while offline end with the same household, everywhere."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.extensions import db
from server.households.models import Household, MarketplaceAccount
from server.training.models import Attendance, TrainingSession
from tests.e2e.phone_app import TIMEOUT, check_in_by_search, create_session, go, open_household, sign_in, sync

pytestmark = pytest.mark.e2e


def _edit(page, **changes):
    page.get_by_role("link", name="Edit").click()
    if "phone" in changes:
        page.get_by_label("Phone", exact=True).fill(changes["phone"])
    if "language" in changes:
        page.get_by_label("Preferred language").select_option(label=changes["language"])
    if "smartphone" in changes:
        page.get_by_label(changes["smartphone"]).check()
    if "postmart_shop" in changes:
        page.get_by_label("Add seller account").select_option(label="Postmart")
        page.get_by_role("button", name="Add seller account").click()
        page.get_by_label("Shop name").fill(changes["postmart_shop"])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()


def _facts(page):
    open_household(page, "phi", "Thạch Sô Phi")
    sellers = page.locator("section.card", has=page.get_by_role("heading", name="Seller accounts"))
    return page.locator("dl.facts").inner_text(), sellers.get_by_role("listitem").all_inner_texts()


def test_two_phones_editing_one_household_converge(browser, live_server):
    phones = [browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url) for _ in range(2)]
    first, second = (context.new_page() for context in phones)
    for page in (first, second):
        page.set_default_timeout(10000)
        sign_in(page)
    for context in phones:
        context.set_offline(True)
    open_household(first, "phi", "Thạch Sô Phi")
    # Both open the same Postmart shop: one account on the server, the second phone takes its id.
    _edit(first, phone="0900000001", language="Khmer", postmart_shop="Phi's rice")
    open_household(second, "phi", "Thạch Sô Phi")
    _edit(second, phone="0900000002", smartphone="Has a smartphone", postmart_shop="Phi's rice shop")  # later
    for context in phones:
        context.set_offline(False)
    sync(second)
    sync(first)
    sync(second)  # brings the first phone's language

    (facts, sellers), (other_facts, other_sellers) = (_facts(page) for page in (first, second))
    assert (facts, sellers) == (other_facts, other_sellers)
    assert "0900000002" in facts and "Khmer" in facts and "Has a smartphone" in facts
    assert len(sellers) == 1 and "Postmart · Phi's rice shop" in sellers[0]
    row = live_server.query(
        lambda: db.session.scalars(sa.select(Household).where(Household.head_name == "Thạch Sô Phi")).one()
    )
    assert (row.phone, row.preferred_language, row.smartphone) == ("0900000002", "km", "yes")
    shops = live_server.query(
        lambda: db.session.execute(sa.select(MarketplaceAccount.platform, MarketplaceAccount.shop_name)).all()
    )
    assert [tuple(shop) for shop in shops] == [("postmart", "Phi's rice shop")]
    expect(first.get_by_test_id("pending-badge")).to_be_hidden(timeout=TIMEOUT)
    for context in phones:
        context.close()


def test_two_phones_checking_in_one_household_make_one_attendance(browser, live_server):
    phones = [browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url) for _ in range(2)]
    first, second = (context.new_page() for context in phones)
    for page in (first, second):
        page.set_default_timeout(10000)
        sign_in(page)
    create_session(first)
    sync(first)
    sync(second)
    session_id = live_server.query(lambda: str(db.session.scalars(sa.select(TrainingSession.id)).one()))
    for page in (first, second):
        go(page, f"/sessions/{session_id}")
    for context in phones:
        context.set_offline(True)
    check_in_by_search(first, "anh", "Nguyễn Văn Ánh")
    check_in_by_search(second, "anh", "Nguyễn Văn Ánh")  # the same fact, under another id
    check_in_by_search(second, "phi", "Thạch Sô Phi")
    for context in phones:
        context.set_offline(False)
    for page in (first, second, first):
        sync(page)

    present = live_server.query(
        lambda: sorted(a.household.head_name for a in db.session.scalars(sa.select(Attendance)))
    )
    assert present == ["Nguyễn Văn Ánh", "Thạch Sô Phi"]
    for page in (first, second):
        go(page, f"/sessions/{session_id}")
        expect(page.get_by_role("heading", name="Present: 2")).to_be_visible(timeout=TIMEOUT)
        expect(page.get_by_test_id("roster").get_by_role("listitem")).to_have_count(2)
    for context in phones:
        context.close()
