"""A trainer's day without signal: everything recorded offline reaches the server once back online."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.auth.models import DeviceToken
from server.extensions import db
from server.households.models import Consent, Household, MarketplaceAccount
from server.pwa import PWA_DIR, shell_version
from server.training.models import Attendance, TrainingSession
from tests.e2e.phone_app import (
    TIMEOUT,
    answer_consent,
    check_in_by_search,
    create_session,
    go,
    open_household,
    sign_in,
    sync,
    watch_errors,
)

pytestmark = pytest.mark.e2e


def _record_the_day_offline(phone, page):
    phone.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("connection")).to_have_text("Offline")
    create_session(page)
    check_in_by_search(page, "anh", "Nguyễn Văn Ánh")  # no diacritics typed
    check_in_by_search(page, "0912345672", "Thạch Sô Phi")  # by phone
    check_in_by_search(page, "lê thi dao", "Lê Thị Đào")
    row = page.get_by_test_id("roster").get_by_role("listitem").filter(has_text="Nguyễn Văn Ánh")
    row.get_by_role("button", name="Record a smartphone").click()
    row.get_by_role("button", name="Record a seller account").click()
    row.get_by_role("button", name="Postmart").click()
    expect(row.get_by_test_id("smartphone-state")).to_have_text("Smartphone: yes")

    page.get_by_role("link", name="Register a new household").click()
    page.get_by_label("Head of household's name").fill("Sơn Thị Mai")
    page.get_by_label("Phone", exact=True).fill("0987 654 321")
    page.get_by_label("Has a smartphone").check()
    answer_consent(page, "Take part in the programme", "Yes")
    answer_consent(page, "Record the home's location", "Yes")
    page.get_by_role("button", name="Record location from GPS").click()
    expect(page.get_by_test_id("plus-code")).to_have_text("Plus Code: 6PX8VCJ9+6W")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("roster").get_by_role("listitem")).to_have_count(4)

    open_household(page, "khanh", "Kim Sóc Khanh")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Phone", exact=True).fill("0911111111")
    page.get_by_label("Add seller account").select_option(label="Voso (Vỏ Sò)")
    page.get_by_role("button", name="Add seller account").click()
    page.get_by_label("Shop name").fill("Sóc Khanh's rice")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Kim Sóc Khanh")).to_be_visible()
    expect(page.get_by_test_id("pending-badge")).to_have_text("12 to send")


def _everything_reached_the_server():
    training = db.session.scalars(sa.select(TrainingSession)).one()
    assert sorted(training.topics) == ["digital_skills", "selling_online"]
    assert training.hamlet_code == "29461-001"
    present = {a.household.head_name: a.method for a in db.session.scalars(sa.select(Attendance))}
    assert present == {
        "Nguyễn Văn Ánh": "search",
        "Thạch Sô Phi": "search",
        "Lê Thị Đào": "search",
        "Sơn Thị Mai": "new",
    }
    mai = db.session.scalars(sa.select(Household).where(Household.head_name == "Sơn Thị Mai")).one()
    assert (mai.phone, mai.smartphone, mai.plus_code, mai.commune_code) == (
        "0987654321",  # the server keeps phone numbers as digits
        "yes",
        "6PX8VCJ9+6W",
        "29461",
    )
    assert {c.purpose: c.given for c in db.session.scalars(sa.select(Consent))} == {"programme": True, "location": True}
    anh = db.session.scalars(sa.select(Household).where(Household.head_name == "Nguyễn Văn Ánh")).one()
    assert anh.smartphone == "yes"
    accounts = {
        (a.household.head_name, a.platform, a.shop_name) for a in db.session.scalars(sa.select(MarketplaceAccount))
    }
    assert accounts == {("Nguyễn Văn Ánh", "postmart", None), ("Kim Sóc Khanh", "voso", "Sóc Khanh's rice")}
    khanh = db.session.scalars(sa.select(Household).where(Household.head_name == "Kim Sóc Khanh")).one()
    assert khanh.phone == "0911111111"


def _smartphone_progress(page):
    """The home screen's line for smartphone owners in Trà Cú."""
    go(page, "/")
    commune = page.get_by_test_id("progress").locator("section", has_text="Xã Trà Cú")
    return commune.get_by_role("listitem").filter(has_text="Owning a smartphone")


def test_a_day_offline_reaches_the_server(phone, live_server):
    page = phone.new_page()
    errors = watch_errors(page)
    sign_in(page)
    expect(_smartphone_progress(page)).to_contain_text("25% of target 50%")  # 1 of 4 households
    _record_the_day_offline(phone, page)
    pushes = []
    page.on("request", lambda r: "/sync/push" in r.url and pushes.append(r.headers.get("content-encoding")))
    phone.set_offline(False)  # the "online" event starts a sync by itself
    expect(page.get_by_test_id("pending-badge")).to_be_hidden(timeout=TIMEOUT)
    live_server.query(_everything_reached_the_server)
    assert pushes and set(pushes) == {"gzip"}  # the day's changes travel compressed
    expect(_smartphone_progress(page)).to_contain_text("60% of target 50%", timeout=TIMEOUT)  # 3 of 5
    # The Devices page shows the phone's app version and an empty outbox.
    device = live_server.query(
        lambda: db.session.execute(sa.select(DeviceToken.app_version, DeviceToken.queued_changes)).one()
    )
    release = re.search(r'RELEASE = "([^"]+)"', (PWA_DIR / "js" / "version.js").read_text()).group(1)
    assert tuple(device) == (f"{release}+{live_server.query(shell_version)}", 0)
    assert errors == []


def test_a_failed_push_is_retried_and_loses_nothing(phone, live_server):
    page = phone.new_page()
    errors = watch_errors(page)
    sign_in(page)
    _record_the_day_offline(phone, page)
    go(page, "/settings")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("dialog")).to_contain_text("12 changes have not reached the server")
    page.get_by_role("button", name="Cancel").click()

    live_server.fail_next_push()
    phone.set_offline(False)
    go(page, "/sync")
    expect(page.get_by_role("status").filter(has_text="The server is busy")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("pending-count")).to_have_text("12")
    sync(page)
    live_server.query(_everything_reached_the_server)
    assert errors == [] or all("503" in e for e in errors)


def test_signing_out_after_a_full_sync_removes_the_local_data(phone, live_server):
    page = phone.new_page()
    sign_in(page)
    go(page, "/settings")
    page.get_by_role("button", name="Sign out").click()
    # Back to the sign-in screen, in the app's default language (the chosen one was local data too).
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible(timeout=TIMEOUT)
    stores = page.evaluate(
        """() => new Promise((resolve) => {
            const request = indexedDB.open("lensan");
            request.onsuccess = () => {
              const db = request.result;
              const tx = db.transaction(["household", "meta"]);
              const count = tx.objectStore("household").count();
              const meta = tx.objectStore("meta").get("session");
              tx.oncomplete = () => resolve({households: count.result, session: meta.result || null});
            };
          })"""
    )
    assert stores == {"households": 0, "session": None}
    revoked = live_server.query(lambda: db.session.scalars(sa.select(DeviceToken.revoked_at)).all())
    assert len(revoked) == 1 and revoked[0] is not None
