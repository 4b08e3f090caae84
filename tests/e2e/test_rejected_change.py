"""A change the server refuses is listed with its reason, corrected and sent again."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.auth.models import User
from server.extensions import db
from server.households.models import Household
from server.places.models import Place
from server.training.models import TrainingSession
from tests.e2e.conftest import SHOTS
from tests.e2e.phone_app import (
    SYNC_IDLE,
    answer_consent,
    choose_language,
    go,
    sign_in,
    sync,
    translated,
    wait_until,
)

pytestmark = pytest.mark.e2e

OUT_OF_SCOPE = "This record belongs to a commune you do not work in."


def _set_communes(live_server, *codes):
    """What a supervisor does on the users page: change the trainer's communes."""

    def change():
        trainer = db.session.get(User, live_server.trainer.id)
        trainer.places = [db.session.get(Place, code) for code in codes]
        db.session.commit()

    live_server.query(change)


def _speaks(live_server, locale):
    """The trainer's account language on the server, in which the server words its replies."""

    def change():
        db.session.get(User, live_server.trainer.id).locale = locale
        db.session.commit()

    live_server.query(change)


def _refused_session(page):
    """Create a session in Tập Sơn (taken from the trainer meanwhile) and sync: the server refuses it."""
    go(page, "/sessions/new")
    page.get_by_label("Selling online").check()
    page.get_by_label("Commune").select_option(label="Xã Tập Sơn")
    page.get_by_label("Title (optional)").fill("Bán hàng trên Postmart")
    page.get_by_role("button", name="Create session").click()
    expect(page.get_by_role("button", name="Scan a label's QR code")).to_be_visible()
    go(page, "/sync")
    page.get_by_role("button", name="Sync now").click()
    wait_until(page, SYNC_IDLE)


def _shots(page, name):
    """Screenshots of the screen shown in Vietnamese and Khmer at 360 px, then back to English."""
    SHOTS.mkdir(exist_ok=True)
    route = page.evaluate("window.location.hash").lstrip("#")
    for language in ("vi", "km", "en"):
        choose_language(page, language)
        go(page, route)
        page.wait_for_timeout(150)  # the screen's last asynchronous refresh
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        if language != "en":
            page.screenshot(path=str(SHOTS / f"{language}-{name}.png"), full_page=True)


def test_a_refused_session_is_explained_by_field_and_corrected_in_its_form(phone, live_server):
    _set_communes(live_server, "29461", "29494")
    _speaks(live_server, "vi")  # the server's reply is in Vietnamese; the phone speaks English
    page = phone.new_page()
    sign_in(page)
    _set_communes(live_server, "29461")
    _refused_session(page)

    refused = page.get_by_test_id("rejected")
    expect(refused).to_contain_text("Training session")
    expect(refused).to_contain_text(OUT_OF_SCOPE)
    expect(refused.locator(".refused-fields li")).to_have_text(["Commune"])
    expect(refused).not_to_contain_text("commune_code")
    _shots(page, "sync-refused")
    choose_language(page, "km")
    go(page, "/sync")
    expect(refused).to_contain_text(translated("km", OUT_OF_SCOPE))
    expect(refused.locator(".refused-fields li")).to_have_text([translated("km", "Commune")])
    choose_language(page, "en")
    # Stuck until the trainer fixes it, and said so on the home screen, not only as one more waiting.
    go(page, "/")
    expect(page.get_by_test_id("needs-fixing")).to_contain_text("Changes refused by the server, to fix: 1")
    expect(page.get_by_test_id("pending-badge")).to_have_text("1 to fix")
    _shots(page, "home-needs-fixing")
    page.get_by_test_id("needs-fixing").get_by_role("link", name="Fix them").click()

    refused.get_by_role("link", name="Correct").click()
    expect(page.get_by_role("heading", name="Edit training session")).to_be_visible()
    expect(page.get_by_test_id("refusal-note")).to_contain_text(OUT_OF_SCOPE)
    expect(page.get_by_label("Title (optional)")).to_have_value("Bán hàng trên Postmart")
    expect(page.get_by_label("Selling online")).to_be_checked()
    commune = page.get_by_label("Commune")
    expect(commune.locator("option")).to_have_text(["Xã Trà Cú"])
    _shots(page, "session-edit")
    page.get_by_label("Hamlet").select_option(label="Phum Sóc Chuối")
    page.get_by_label("Packaging and delivery").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("button", name="Scan a label's QR code")).to_be_visible()
    expect(page.get_by_role("link", name="Edit session")).to_be_visible()  # to change it again later
    _shots(page, "session-roster-edit")
    sync(page)
    expect(page.get_by_test_id("rejected")).to_contain_text("None.")
    expect(page.get_by_test_id("needs-fixing")).to_be_hidden()
    on_server = live_server.query(
        lambda: db.session.execute(
            sa.select(TrainingSession.commune_code, TrainingSession.hamlet_code, TrainingSession.topics).where(
                TrainingSession.title == "Bán hàng trên Postmart"
            )
        ).one()
    )
    assert on_server[:2] == ("29461", "29461-001")
    assert sorted(on_server[2]) == ["packaging_delivery", "selling_online"]


def test_a_refused_change_is_corrected_and_sent_again(phone, live_server):
    _set_communes(live_server, "29461", "29494")
    page = phone.new_page()
    sign_in(page)
    # Tập Sơn is taken from the trainer while the phone still offers it.
    _set_communes(live_server, "29461")
    go(page, "/households/new")
    page.get_by_label("Head of household's name").fill("Chau Sóc Na")
    page.get_by_label("Commune").select_option(label="Xã Tập Sơn")
    answer_consent(page, "Take part in the programme", "Yes")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()

    go(page, "/sync")
    page.get_by_role("button", name="Sync now").click()
    refused = page.get_by_test_id("rejected")
    expect(refused).to_contain_text("This record belongs to a commune you do not work in.")
    # The household waits to be corrected, and its consent answer waits for the household.
    expect(page.get_by_test_id("pending-count")).to_have_text("2")
    wait_until(page, SYNC_IDLE)  # the refusal shows before the pull has brought the scope

    refused.get_by_role("link", name="Correct").click()
    commune = page.get_by_label("Commune")
    expect(commune.locator("option")).to_have_text(["Xã Trà Cú"])  # the sync brought the new scope
    commune.select_option(label="Xã Trà Cú")
    page.get_by_label("Hamlet").select_option(label="Phum Sóc Chuối")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()
    sync(page)
    expect(page.get_by_test_id("rejected")).to_contain_text("None.")
    place_on_server = live_server.query(
        lambda: db.session.execute(
            sa.select(Household.commune_code, Household.hamlet_code).where(Household.head_name == "Chau Sóc Na")
        ).one()
    )
    assert tuple(place_on_server) == ("29461", "29461-001")


# What a phone could send with a hamlet removed on the server meanwhile (the form offers only known ones).
MOVE_TO_UNKNOWN_HAMLET = """async (id) => {
  const { recordChange } = await import('/app/js/sync/outbox.js');
  await recordChange('household', id, { hamlet_code: '29461-999' });
}"""


def test_a_field_the_server_names_is_shown_by_its_label_and_what_is_wrong(phone, live_server):
    page = phone.new_page()
    sign_in(page)
    household = live_server.households[0]  # Nguyễn Văn Ánh, Phum Sóc Chuối
    page.evaluate(MOVE_TO_UNKNOWN_HAMLET, str(household.id))
    go(page, "/sync")
    page.get_by_role("button", name="Sync now").click()
    refused = page.get_by_test_id("rejected")
    expect(refused.locator(".refused-fields li")).to_have_text(["Hamlet: Not known to the server."])
    choose_language(page, "km")
    go(page, "/sync")
    expect(refused.locator(".refused-fields li")).to_have_text(
        [translated("km", "Hamlet") + ": " + translated("km", "Not known to the server.")]
    )
    choose_language(page, "en")
    go(page, "/sync")
    refused.get_by_role("link", name="Correct").click()
    expect(page.get_by_test_id("refusal-note")).to_contain_text("Hamlet: Not known to the server.")
    page.get_by_label("Hamlet").select_option(label="Phum Sóc Chuối")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()
    sync(page)
    expect(page.get_by_test_id("rejected")).to_contain_text("None.")
