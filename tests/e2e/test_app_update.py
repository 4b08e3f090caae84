"""A new deploy is offered to the trainer, and applied only when they choose."""

import pytest
from playwright.sync_api import expect

from server.auth.models import DeviceToken
from server.extensions import db
from server.pwa import shell_version
from tests.e2e.phone_app import LANGUAGE_BUTTONS, TIMEOUT, go, sign_in, sync, wait_until

pytestmark = pytest.mark.e2e

CACHES = "() => caches.keys()"


def test_a_new_version_is_offered_and_applied(phone, live_server):
    page = phone.new_page()
    sign_in(page)
    old_caches = page.evaluate(CACHES)
    assert len(old_caches) == 1 and old_caches[0].startswith("lensan-shell-")

    go(page, "/households/new")
    page.get_by_label("Head of household's name").fill("Half-typed name")
    live_server.app.config["PWA_VERSION_SALT"] = "next deploy"  # any change of the shell's content
    page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
    expect(page.get_by_text("A new version of the app is ready.")).to_be_visible(timeout=TIMEOUT)
    # Nothing reloaded under the trainer's fingers.
    expect(page.get_by_label("Head of household's name")).to_have_value("Half-typed name")

    page.get_by_role("button", name="Update now").click()
    expect(page.get_by_label("Head of household's name")).to_have_value("", timeout=TIMEOUT)
    wait_until(page, "navigator.serviceWorker.controller !== null")
    new_caches = page.evaluate(CACHES)
    assert len(new_caches) == 1 and new_caches != old_caches


def test_the_update_offer_is_said_again_in_a_language_chosen_while_it_shows(phone, live_server):
    page = phone.new_page()
    sign_in(page)  # in English
    live_server.app.config["PWA_VERSION_SALT"] = "next deploy"
    page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
    expect(page.get_by_text("A new version of the app is ready.")).to_be_visible(timeout=TIMEOUT)

    go(page, "/settings")
    page.get_by_role("button", name=LANGUAGE_BUTTONS["km"]).click()
    expect(page.get_by_text("កំណែថ្មីនៃកម្មវិធីបានរួចរាល់ហើយ។")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("region", name="ធ្វើបច្ចុប្បន្នភាព")).to_be_visible()
    # Still the offer of the waiting version: taking it in Khmer applies it.
    page.get_by_role("button", name="ធ្វើបច្ចុប្បន្នភាពឥឡូវនេះ").click()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    expect(page.get_by_text("កំណែថ្មីនៃកម្មវិធីបានរួចរាល់ហើយ។")).to_be_hidden(timeout=TIMEOUT)


def test_the_ready_offline_notice_is_said_again_in_a_language_chosen_after_it(phone):
    page = phone.new_page()
    page.goto("/app/")  # a first opening: the shell is stored, then the app says it works offline
    notice = page.locator(".notice")
    expect(notice).to_have_text("Sẵn sàng dùng khi không có mạng.", timeout=TIMEOUT)
    page.get_by_role("button", name=LANGUAGE_BUTTONS["km"]).click()
    expect(page.locator("html")).to_have_attribute("lang", "km", timeout=TIMEOUT)
    # The notice says it in Khmer now (on a loaded machine its few seconds may be over by then:
    # its words are what is checked, whether it still shows or not).
    expect(notice).to_have_text("រួចរាល់សម្រាប់ប្រើដោយគ្មានអ៊ីនធឺណិត។")


def test_a_phone_reports_the_version_it_runs_before_and_after_an_update(phone, live_server):
    page = phone.new_page()
    sign_in(page)
    sync(page)

    def reported():
        return live_server.query(
            lambda: (db.session.scalars(db.select(DeviceToken.app_version)).one(), shell_version())
        )

    app_version, served = reported()
    assert app_version == f"0.1.0+{served}"
    go(page, "/settings")
    expect(page.get_by_test_id("app-version")).to_have_text(f"App version 0.1.0+{served}")

    live_server.app.config["PWA_VERSION_SALT"] = "next deploy"
    page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
    now_served = live_server.query(shell_version)
    assert now_served != served
    with page.expect_navigation(timeout=TIMEOUT):  # the app reloads into the new version
        page.get_by_role("button", name="Update now").click(timeout=TIMEOUT)
    go(page, "/settings")
    expect(page.get_by_test_id("app-version")).to_have_text(f"App version 0.1.0+{now_served}", timeout=TIMEOUT)
    sync(page)
    # What the supervisor's devices page shows: the phone runs the new shell now.
    assert reported() == (f"0.1.0+{now_served}", now_served)
