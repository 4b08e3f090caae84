"""A new deploy is offered to the trainer, and applied only when they choose."""

import pytest
from playwright.sync_api import expect

from tests.e2e.phone_app import TIMEOUT, go, sign_in, wait_until

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
