"""A household is registered only with its Yes to the programme: the phone says so, and shows the server's refusal."""

import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.extensions import db
from server.households.models import Consent, Household
from tests.e2e.phone_app import answer_consent, go, sign_in, sync, watch_errors

pytestmark = pytest.mark.e2e

PENDING = "import('/app/js/sync/outbox.js').then(({ pendingCount }) => pendingCount())"
# What a phone with an older app sent: a new household, and no answer to the programme question.
QUEUE_WITHOUT_CONSENT = """async (id) => {
  const { recordChanges } = await import('/app/js/sync/outbox.js');
  const fields = { head_name: 'Sơn Thị Cũ', commune_code: '29461', preferred_language: 'vi', smartphone: 'unknown' };
  await recordChanges([{ entity: 'household', id, fields }]);
}"""


def _on_server(live_server, name: str):
    """(commune, programme consent given) of the household on the server, or None."""

    def look():
        household = db.session.scalar(sa.select(Household).where(Household.head_name == name))
        if household is None:
            return None
        given = db.session.scalar(
            sa.select(Consent.given).where(Consent.household_id == household.id, Consent.purpose == "programme")
        )
        return household.commune_code, given

    return live_server.query(look)


def test_a_household_that_says_no_is_not_saved_and_one_that_says_yes_is(phone, live_server):
    page = phone.new_page()
    errors = watch_errors(page)
    sign_in(page)
    go(page, "/households/new")
    page.get_by_label("Head of household's name").fill("Chau Thị Sen")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Ask whether the household agrees to take part in the programme: it can be registered only with a Yes."
    )
    answer_consent(page, "Take part in the programme", "No")
    refused = "The household did not agree to take part in the programme, so it will not be registered."
    expect(page.get_by_test_id("programme-refused")).to_have_text(refused)  # said at once, under the question
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_have_text(refused)
    assert page.evaluate(PENDING) == 0  # nothing kept on the phone, nothing to send

    answer_consent(page, "Take part in the programme", "Yes")
    expect(page.get_by_test_id("programme-refused")).to_have_text("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()
    sync(page)
    assert _on_server(live_server, "Chau Thị Sen") == ("29461", True)
    assert errors == []


def test_the_servers_refusal_is_shown_in_words_and_corrected(phone, live_server):
    page = phone.new_page()
    sign_in(page)
    page.evaluate(QUEUE_WITHOUT_CONSENT, str(uuid.uuid4()))
    go(page, "/sync")
    page.get_by_role("button", name="Sync now").click()
    refused = page.get_by_test_id("rejected")
    expect(refused).to_contain_text("The household's consent to take part in the programme has not reached the server")
    expect(page.get_by_test_id("pending-count")).to_have_text("1")
    assert _on_server(live_server, "Sơn Thị Cũ") is None

    refused.get_by_role("link", name="Correct").click()
    page.get_by_role("button", name="Save").click()  # still not on the server: it needs its answer
    expect(page.get_by_role("alert")).to_contain_text("registered only with a Yes")
    answer_consent(page, "Take part in the programme", "Yes")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()
    sync(page)
    expect(page.get_by_test_id("rejected")).to_contain_text("None.")
    assert _on_server(live_server, "Sơn Thị Cũ") == ("29461", True)
