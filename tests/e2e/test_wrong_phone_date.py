"""A phone whose date is a day ahead: the change waits, the trainer is told, and it goes once the date is right."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.extensions import db
from server.households.models import Household
from tests.e2e.phone_app import SYNC_IDLE, TIMEOUT, go, open_household, sign_in, sync, wait_until

pytestmark = pytest.mark.e2e

WRONG_DATE = "The date and time of this phone are wrong"


def _phone_on_server(live_server) -> str | None:
    return live_server.query(
        lambda: db.session.scalar(sa.select(Household.phone).where(Household.head_name == "Kim Sóc Khanh"))
    )


def _wrong_date(page):
    return page.get_by_role("status").filter(has_text=WRONG_DATE)


def test_a_change_made_at_a_wrong_date_waits_and_is_sent_once_the_date_is_right(phone, live_server):
    phone.clock.install()  # time flows as usual; the test sets the phone's date
    page = phone.new_page()
    sign_in(page)
    wait_until(page, SYNC_IDLE)
    before = _phone_on_server(live_server)

    page.clock.set_system_time(datetime.now(UTC) + timedelta(days=1))  # the phone's date is a day ahead
    open_household(page, "khanh", "Kim Sóc Khanh")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Phone", exact=True).fill("0911111111")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("pending-badge")).to_have_text("1 to send")

    go(page, "/sync")
    page.get_by_role("button", name="Sync now").click()
    wait_until(page, SYNC_IDLE)
    expect(_wrong_date(page)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("pending-count")).to_have_text("1")
    expect(page.get_by_test_id("rejected")).to_contain_text("None.")  # kept to send, not refused for good
    assert _phone_on_server(live_server) == before

    go(page, "/")
    expect(_wrong_date(page)).to_be_visible()  # home shows the same sync state

    page.clock.set_system_time(datetime.now(UTC))  # the trainer sets the date right
    sync(page)
    expect(_wrong_date(page)).to_be_hidden()
    assert _phone_on_server(live_server) == "0911111111"

    # The phone's clock came back from the future: a later edit is applied too.
    open_household(page, "khanh", "Kim Sóc Khanh")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Phone", exact=True).fill("0922222222")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("pending-badge")).to_have_text("1 to send")
    sync(page)
    expect(_wrong_date(page)).to_be_hidden()
    assert _phone_on_server(live_server) == "0922222222"
