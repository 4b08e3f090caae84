"""A supervisor publishes a bulletin on the pages; the trainer's phone reads it offline in Khmer and passes it on.

One sync brings it to the phone, which shows it without a network in the trainer's language; the trainer
marks it told at a training session, and the supervisor's page then counts the phone that received and
opened it and the session. Withdrawn on the page, it leaves the phone at the next sync.
"""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from server.bulletins.models import Bulletin, BulletinTold
from server.extensions import db
from tests import factories
from tests.e2e.conftest import SHOTS
from tests.e2e.phone_app import LANGUAGE_BUTTONS, create_session, go, sign_in, sync, watch_errors
from tests.e2e.test_supervisor_corrections import sign_in as sign_in_on_the_web

pytestmark = pytest.mark.e2e

KM_TITLE = "តម្លៃដូងស្ងួតសប្តាហ៍នេះ"
KM_BODY = "ឈ្មួញទិញដូងស្ងួតថ្នាក់ទី១ តម្លៃ ៩៥.០០០ ដុង។\n- ដូងថ្នាក់ទី២៖ ប្រហែល ៧០.០០០ ដុង"
VI_TITLE = "Giá dừa khô tuần này"


@pytest.fixture
def laptop(browser, live_server):
    """The supervisor's browser in English, on the phone's server, with a supervisor of Vĩnh Long."""
    live_server.query(lambda: factories.user("supervisor", [db.session.get(factories.Place, "86")], username="gs"))
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", extra_http_headers={"Accept-Language": "en"}
    )
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def _publish(page) -> None:
    page.goto("/bulletins")
    page.get_by_role("link", name="Write a bulletin").click()
    page.get_by_label("For the place (and every place in it)").select_option("29461")
    page.get_by_label("Kind").select_option(label="Market price")
    page.get_by_label("Product category").select_option(label="Coconut")
    page.get_by_label("Price (đồng)").fill("95000")
    page.get_by_label("Price unit").select_option(label="per dozen")
    page.get_by_label("Valid until").fill((date.today() + timedelta(days=10)).isoformat())
    page.locator("#title_vi").fill(VI_TITLE)
    page.locator("#body_vi").fill("Thương lái mua dừa khô loại 1 giá 95.000 đ một chục.\n- Dừa loại 2: 70.000 đ")
    page.locator("#title_km").fill(KM_TITLE)
    page.locator("#body_km").fill(KM_BODY)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flash-success")).to_contain_text("Draft saved.")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".flash-success")).to_contain_text("Published")
    expect(page.get_by_test_id("bulletin-status")).to_have_text("Published")


def _choose_language(page, language) -> None:
    go(page, "/settings")
    page.get_by_role("button", name=LANGUAGE_BUTTONS[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_a_published_bulletin_reaches_the_phone_is_told_and_counted_then_withdrawn(laptop, phone, live_server):
    sign_in_on_the_web(laptop, "gs", factories.PASSWORD)
    _publish(laptop)
    bulletin_page = laptop.url

    page = phone.new_page()
    errors = watch_errors(page)
    sign_in(page)  # its first sync brings the bulletin
    create_session(page, hamlet="Phum Sóc Chuối")
    session_route = page.evaluate("window.location.hash").lstrip("#")
    sync(page)  # the session reaches the server

    phone.set_offline(True)
    _choose_language(page, "km")
    go(page, "/")
    card = page.get_by_test_id("home-bulletins")
    expect(card).to_contain_text(KM_TITLE)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "km-home-bulletins.png"), full_page=True)
    card.get_by_role("link", name=KM_TITLE).click()
    expect(page.get_by_test_id("bulletin-title")).to_have_text(KM_TITLE)
    expect(page.locator("main")).to_contain_text("ដូងថ្នាក់ទី២៖ ប្រហែល ៧០.០០០ ដុង")
    expect(page.get_by_test_id("bulletin-fallback")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "km-bulletin.png"), full_page=True)

    go(page, session_route)
    told = page.get_by_test_id("session-bulletin").filter(has_text=KM_TITLE)
    told.get_by_role("button").click()
    expect(told.get_by_test_id("bulletin-told")).to_be_visible()
    page.screenshot(path=str(SHOTS / "km-session-bulletins.png"), full_page=True)

    phone.set_offline(False)
    _choose_language(page, "en")
    sync(page)  # pushes the "told" record and the opened bulletin
    assert live_server.query(lambda: db.session.scalar(db.select(db.func.count()).select_from(BulletinTold))) == 1

    laptop.goto(bulletin_page)
    expect(laptop.get_by_test_id("reach-received")).to_have_text("1")
    expect(laptop.get_by_test_id("reach-opened")).to_have_text("1")
    expect(laptop.get_by_test_id("reach-sessions")).to_have_text("1")

    laptop.get_by_role("button", name="Withdraw").click()
    expect(laptop.get_by_test_id("bulletin-status")).to_have_text("Withdrawn")
    assert live_server.query(lambda: db.session.scalars(db.select(Bulletin.status)).one()) == "withdrawn"
    sync(page)
    go(page, "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_test_id("home-bulletins")).to_have_count(0)
    go(page, "/bulletins")
    expect(page.get_by_test_id("bulletin-link")).to_have_count(0)
    assert errors == []


def test_a_bulletin_without_khmer_text_shows_in_vietnamese_marked_as_such(phone, live_server):
    texts = {"vi": {"title": VI_TITLE, "body": "Dừa loại 1: 95.000 đ"}}
    live_server.query(lambda: factories.bulletin(db.session.get(factories.Place, "29461"), texts=texts))
    page = phone.new_page()
    sign_in(page)
    phone.set_offline(True)
    _choose_language(page, "vi")
    go(page, "/bulletins")
    page.get_by_test_id("bulletin-link").first.click()
    expect(page.get_by_test_id("bulletin-title")).to_have_text(VI_TITLE)
    page.screenshot(path=str(SHOTS / "vi-bulletin.png"), full_page=True)
    _choose_language(page, "km")
    go(page, "/bulletins")
    page.get_by_test_id("bulletin-link").first.click()
    expect(page.get_by_test_id("bulletin-title")).to_have_text(VI_TITLE)
    expect(page.get_by_test_id("bulletin-title")).to_have_attribute("lang", "vi")
    expect(page.get_by_test_id("bulletin-fallback")).to_be_visible()
