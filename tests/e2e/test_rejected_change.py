"""A change the server refuses is listed with its reason, corrected and sent again."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.auth.models import User
from server.extensions import db
from server.households.models import Household
from server.places.models import Place
from tests.e2e.phone_app import SYNC_IDLE, TIMEOUT, answer_consent, go, sign_in, sync

pytestmark = pytest.mark.e2e


def _set_communes(live_server, *codes):
    """What a supervisor does on the users page: change the trainer's communes."""

    def change():
        trainer = db.session.get(User, live_server.trainer.id)
        trainer.places = [db.session.get(Place, code) for code in codes]
        db.session.commit()

    live_server.query(change)


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
    page.wait_for_function(SYNC_IDLE, timeout=TIMEOUT)  # the refusal shows before the pull has brought the scope

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
