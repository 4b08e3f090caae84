"""Steps a trainer takes in the phone app, written once for every end-to-end test."""

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

TIMEOUT = 15000


def watch_errors(page: Page) -> list[str]:
    """Collect the page's uncaught errors and console errors (tests assert there are none)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def sign_in(page: Page, username: str = "trang") -> None:
    """Open the app online and sign in; waits until the first sync finished and the app works offline."""
    page.goto("/app/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("last-sync")).not_to_have_text("never", timeout=TIMEOUT)
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=TIMEOUT)


def sync(page: Page) -> None:
    """Press the sync button on the sync screen and wait until nothing is waiting."""
    page.goto("/app/#/sync")
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("0", timeout=TIMEOUT)


def go(page: Page, route: str) -> None:
    """Show a screen of the app (a hash route such as '/households')."""
    page.evaluate("route => { window.location.hash = '#' + route; }", route)
