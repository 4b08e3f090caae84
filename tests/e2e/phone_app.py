"""Steps a trainer takes in the phone app, written once for every end-to-end test."""

import json
import time
import uuid

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from server.auth.models import User
from server.extensions import db
from server.models_base import current_version
from server.translate import PWA_I18N
from tests import factories
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
    open_ready(page)
    page.get_by_role("button", name="English").click()  # the app opens in Vietnamese
    expect(page.locator("html")).to_have_attribute("lang", "en", timeout=TIMEOUT)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("last-sync")).not_to_have_text("never", timeout=TIMEOUT)
    wait_until(page, "navigator.serviceWorker.controller !== null")


def open_ready(page: Page) -> None:
    """Open the app and wait until it is ready offline: a language's words fetched while the
    service worker precaches the whole shell wait behind it, on a loaded machine for longer
    than any timeout."""
    page.goto("/app/")
    wait_until(page, "navigator.serviceWorker.ready.then((registration) => Boolean(registration.active))")


def wait_until(page: Page, expression: str, timeout: int = TIMEOUT) -> None:
    """Poll a JavaScript expression (a promise's value counts) until it is true.

    Not `page.wait_for_function`: it evaluates a string in the page, which the app's CSP (no
    'unsafe-eval') may refuse; `page.evaluate` goes through DevTools. A navigation meanwhile only
    means one more try.
    """
    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError as error:
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} ms: {expression}")
        page.wait_for_timeout(100)


SYNC_IDLE = "import('/app/js/sync/engine.js').then(({ syncState }) => !syncState.running && !syncState.queued)"


def sync(page: Page) -> None:
    """Press the sync button on the sync screen and wait until the sync it asked for is over and nothing waits.

    The press starts a sync, or queues one behind a sync already running, before click() returns.
    """
    go(page, "/sync")
    button = page.get_by_role("button", name="Sync now")
    button.click()
    wait_until(page, SYNC_IDLE)
    expect(page.get_by_test_id("pending-count")).to_have_text("0", timeout=TIMEOUT)
    expect(button).to_be_enabled(timeout=TIMEOUT)  # disabled while the sync runs


def go(page: Page, route: str) -> None:
    """Show a screen of the app (a hash route such as '/households')."""
    page.evaluate("route => { window.location.hash = '#' + route; }", route)


def create_session(page: Page, topics=("Digital skills", "Selling online"), hamlet="Phum Sóc Chuối") -> None:
    """Create today's training session and land on its check-in screen."""
    go(page, "/sessions/new")
    for topic in topics:
        page.get_by_label(topic).check()
    page.get_by_label("Hamlet").select_option(label=hamlet)
    page.get_by_role("button", name="Create session").click()
    expect(page.get_by_role("button", name="Scan a label's QR code")).to_be_visible()


def check_in_by_search(page: Page, query: str, name: str) -> None:
    """Find a household from the check-in box and check it in."""
    page.get_by_label("Find a household to check in").fill(query)
    results = page.get_by_test_id("check-in-results")
    results.get_by_role("listitem").filter(has_text=name).get_by_role("button", name="Check in").click()
    expect(page.get_by_test_id("roster")).to_contain_text(name)


def answer_consent(page: Page, purpose_words: str, answer: str) -> None:
    """Answer one consent question (Yes or No)."""
    page.locator("fieldset.consent", has_text=purpose_words).get_by_label(answer, exact=True).check()


def open_household(page: Page, query: str, name: str) -> None:
    """Search the household list and open one household."""
    go(page, "/households")
    page.get_by_label("Search households").fill(query)
    page.get_by_test_id("household-results").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


LANGUAGE_BUTTONS = {"vi": "Tiếng Việt", "km": "ភាសាខ្មែរ", "en": "English"}


def choose_language(page: Page, language: str) -> None:
    """Switch the app's language on the settings screen, and wait until the app has been drawn
    again in it: a screen opened before that would be drawn anew, empty, under the test's hands."""
    go(page, "/settings")
    page.get_by_role("button", name=LANGUAGE_BUTTONS[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    # The settings screen drawn anew marks the language chosen (the one tapped is never updated).
    expect(page.get_by_role("button", name=LANGUAGE_BUTTONS[language])).to_have_attribute("aria-pressed", "true")


def translated(language: str, text: str) -> str:
    """The app's words for an English text in a language, from the catalogue it loads."""
    catalogue = json.loads((PWA_I18N / f"{language}.json").read_text(encoding="utf-8"))
    return catalogue["messages"][text]


def old_phone_made(live_server, attendees, more=None) -> dict:
    """On the server, for a phone of an older version: a training session of the commune these
    households came to, and a device of the trainer; `more(session)` adds what a test needs."""

    def make():
        trainer = db.session.get(User, live_server.trainer.id)
        came = [db.session.merge(household) for household in attendees]
        session = factories.training(live_server.places["commune"], attendees=came)
        token, raw = factories.device(trainer)
        user = {"id": trainer.id, "username": trainer.username, "display_name": trainer.display_name}
        return {
            "session_id": str(session.id),
            "held_on": session.held_on.isoformat(),
            "device_id": token.device_id,
            "raw": raw,
            "user": {**user, "role": "trainer", "locale": "en"},
            "version": current_version(db.session),
            **(more(session) if more else {}),
        }

    return live_server.query(make)


def old_phone_data(made: dict, households: list, attendance: list, outbox: list, **meta) -> dict:
    """What that phone held (`open_old_database`'s data): signed in on `made`'s device, pulled up
    to its version, the session stored; `meta`: further META entries."""
    record = {"version": made["version"], "deleted": False}
    session = {"token": made["raw"], "device_id": made["device_id"], "user": made["user"], "scope": {}}
    return {
        "meta": {"session": session, "language": "en", "cursor": made["version"], **meta},
        "households": households,
        "session": {
            **record,
            "id": made["session_id"],
            "commune_code": "29461",
            "held_on": made["held_on"],
            "topics": ["digital_skills"],
        },
        "attendance": attendance,
        "outbox": outbox,
    }


def queued_attendance(made: dict, seq: int, op: str, record_id: str, fields: dict, base_version: int = 0) -> dict:
    """An attendance change that phone queued and has not sent (its outbox entry)."""
    return {
        "mutation_id": str(uuid.uuid4()),
        "entity": "attendance",
        "record_id": record_id,
        "op": op,
        "base_version": base_version,
        "clock": factories.hlc(1_760_000_000_000 + seq, made["device_id"]),
        "fields": fields,
        "state": "queued",
        "created_at": 1_760_000_000_000 + seq,
    }


def open_old_database(page: Page, version: int, create_stores: str, data: dict) -> None:
    """Make the app's database as an older version of the app left it, then close it.

    `create_stores` is JavaScript run with `db` open for upgrade (the stores of that version);
    `data` is what the phone held: `meta` (key: value), `households`, `session`, `attendance` and
    `outbox` (its entries, in order). Open the app's origin first, without the app.
    """
    script = """([version, data]) => new Promise((resolve, reject) => {
      const request = indexedDB.open("lensan", version);
      request.onupgradeneeded = () => {
        const db = request.result;
        CREATE_STORES
      };
      request.onsuccess = () => {
        const db = request.result;
        const tx = db.transaction(["meta", "household", "training_session", "attendance", "outbox"], "readwrite");
        for (const [key, value] of Object.entries(data.meta)) tx.objectStore("meta").put({ key, value });
        for (const row of data.households) tx.objectStore("household").put(row);
        tx.objectStore("training_session").put(data.session);
        for (const row of data.attendance) tx.objectStore("attendance").put(row);
        for (const entry of data.outbox) tx.objectStore("outbox").add(entry);
        tx.oncomplete = () => { db.close(); resolve(); };
        tx.onerror = () => reject(tx.error);
      };
      request.onerror = () => reject(request.error);
    })"""
    page.evaluate(script.replace("CREATE_STORES", create_stores), [version, data])
