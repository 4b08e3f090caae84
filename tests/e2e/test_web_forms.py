"""Every web form of the server's pages, filled and sent once in real Chromium, with what the user then sees.

The correction forms of the records pages are in test_supervisor_corrections.py; the sign-in form is used here
by every test. Two browser sessions: the demo supervisor's, then the demo admin's.
"""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from server.auth.models import User
from server.extensions import db
from server.households.models import Household
from server.places.models import Place
from server.products.models import Lot
from tests import factories
from tests.e2e.test_supervisor_corrections import SUPERVISOR, sign_in

pytestmark = pytest.mark.e2e

ADMIN = ("admin", "admin-demo-2026")
COMMUNE = "29461"  # the demo's first commune (Vĩnh Long), in the supervisor's scope
CSV = "Họ tên;Xã\nThạch Sa Rinh;29461\nKim Sóc Khanh;29461\n"


@pytest.fixture
def laptop(browser, demo_site):
    """A laptop browser in English on the demo site."""
    context = browser.new_context(base_url=demo_site.url, locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def _success(page, text) -> None:
    expect(page.locator(".flash-success")).to_contain_text(text)


def _search_forms(page) -> None:
    """The GET forms: household, place, producer and label searches; the dashboard's and targets' year."""
    page.goto("/records/households")
    household = page.locator("table a[href^='/records/households/']").first.inner_text()
    page.locator("#q").fill(household)
    page.locator("#q").press("Enter")
    expect(page.locator("table a[href^='/records/households/']").first).to_have_text(household)
    for path in ("/places", "/products", "/labels"):
        page.goto(path)
        page.get_by_role("searchbox").first.fill("Xoài Thum" if path != "/products" else "a")
        page.get_by_role("searchbox").first.press("Enter")
        expect(page).to_have_url(re.compile(r"[?&]q="))
    page.goto(f"/dashboard?place={COMMUNE}")
    page.locator(".year-form select").select_option(index=0)
    page.locator(".year-form button").click()
    expect(page).to_have_url(re.compile(r"year=\d{4}"))


def _targets_and_hamlet(page) -> None:
    page.goto(f"/dashboard/targets?place={COMMUNE}")
    page.locator(".year-form button").click()
    page.get_by_label("Official number of farm households").fill("1234")
    page.get_by_role("button", name="Save").click()
    _success(page, "Baseline and targets saved.")
    page.goto(f"/places/{COMMUNE}")
    page.get_by_label("Hamlet name (ấp, thôn, phum, sóc)").fill("Ấp Cây Da")
    page.get_by_role("button", name="Add").click()
    _success(page, "Hamlet Ấp Cây Da added.")
    expect(page.get_by_role("link", name="Ấp Cây Da")).to_be_visible()


def _labels(page, demo_site) -> None:
    page.goto("/labels")
    page.get_by_label("Hamlet or commune code").fill(f"{COMMUNE}-001")
    page.get_by_role("button", name="Make the PDF").click()
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=60000)
    lot_id = demo_site.query(lambda: str(db.session.scalars(db.select(Lot.id).limit(1)).one()))
    household_id = demo_site.query(lambda: str(db.session.scalars(db.select(Household.id).limit(1)).one()))
    for path in (f"/labels/households/{household_id}", f"/labels/lots/{lot_id}"):
        page.goto(path)
        page.locator("#layout").select_option("a4-3x8")
        page.get_by_role("button", name="Show").click()
        expect(page.locator(".label-preview img")).to_have_attribute("src", re.compile("layout=a4-3x8"))
    page.get_by_label("Number of labels").fill("3")
    page.get_by_role("button", name="Make the PDF").click()
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=60000)


def _products(page) -> None:
    """A producer, its product and a lot: created, saved, then deleted from the bottom up."""
    page.goto("/products/producers/new")
    page.get_by_label("Kind").select_option("cooperative")
    page.get_by_label("Name").fill("HTX Rau Sạch Trà Cú")
    page.get_by_label("Commune code").fill(COMMUNE)
    page.get_by_role("button", name="Save").click()
    _success(page, "Changes saved.")
    page.get_by_role("link", name="Add a product").click()
    page.get_by_label("Product name").fill("Rau muống")
    page.get_by_role("button", name="Save").click()
    _success(page, "Changes saved.")
    page.get_by_role("link", name="Add a lot").click()
    page.get_by_label("Lot code").fill("RM-01")
    page.get_by_role("button", name="Save").click()
    _success(page, "Changes saved.")
    for button, message in (  # each deletion lands on the page of the record above it
        ("Delete this lot", "Lot RM-01 was deleted."),
        ("Delete this product and its lots", "Rau muống was deleted."),
        ("Delete this producer and its products", "HTX Rau Sạch Trà Cú was deleted."),
    ):
        page.get_by_role("button", name=button).click()
        _success(page, message)


def _import(page) -> None:
    """Upload a list, map its columns, check every row, then import it."""
    page.goto("/records/import")
    page.locator("input[type=file]").set_input_files(
        {"name": "danh-sach.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
    )
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("button", name="Check every row (nothing is added yet)").click()
    page.get_by_label("The households in this file agreed to take part in the programme.", exact=False).check()
    page.get_by_role("button", name="Import now").click()
    expect(page.locator("#import-state")).to_have_text("Finished: 2 households added.", timeout=60000)


def _duplicates_and_erasure(page, demo_site) -> None:
    """Two records of one household merged into one; then one household's personal data erased."""

    def twins():
        commune = db.session.get(Place, COMMUNE)
        kept = factories.household(commune, head_name="Sơn Thị Nga", phone="0911000111")
        factories.household(commune, head_name="Son Thi Nga", phone="0911000111")
        return str(kept.id)

    demo_site.query(twins)
    page.goto(f"/records/duplicates?place={COMMUNE}")
    group = page.locator("form.duplicate", has_text="Sơn Thị Nga")
    group.get_by_label("Keep Sơn Thị Nga").check()
    group.get_by_label("Merge Son Thi Nga").check()
    group.get_by_role("button", name="Merge into the one kept").click()
    page.get_by_role("button", name="Yes, merge").click()  # the confirmation says what will move
    _success(page, "1 household merged into Sơn Thị Nga.")
    household_id = page.url.rsplit("/", 1)[1]
    page.goto(f"/privacy/households/{household_id}/erase")
    page.get_by_label("I confirm the household asked for its data to be erased.").check()
    page.get_by_role("button", name="Erase personal data").click()
    _success(page, "The household's personal data has been erased.")


def _device(page, demo_site) -> None:
    def phone():
        trainer = db.session.scalar(db.select(User).where(User.username == "taphuan1"))
        factories.device(trainer, "Điện thoại ấp Chợ")

    demo_site.query(phone)
    page.goto("/devices")
    row = page.locator("tr", has_text="Điện thoại ấp Chợ")
    row.get_by_role("button", name="Sign this phone out").click()
    _success(page, "is signed out.")


def _bulletins(page) -> None:
    """A bulletin written as a draft, corrected, published, then withdrawn."""
    page.goto("/bulletins/new")
    page.get_by_label("For the place (and every place in it)").select_option(COMMUNE)
    page.get_by_label("Kind").select_option("training")
    page.get_by_label("Valid until").fill((date.today() + timedelta(days=7)).isoformat())
    page.locator("#title_vi").fill("Lớp học bán hàng qua livestream")
    page.locator("#body_vi").fill("Lớp học miễn phí tại nhà văn hóa xã.\n- Mang theo điện thoại đã sạc đầy")
    page.locator("#title_km").fill("ថ្នាក់រៀនលក់ទំនិញតាមការផ្សាយផ្ទាល់")
    page.get_by_role("button", name="Save draft").click()
    _success(page, "Draft saved.")
    page.locator("#body_km").fill("ថ្នាក់រៀនឥតគិតថ្លៃនៅផ្ទះវប្បធម៌ឃុំ។")
    page.get_by_role("button", name="Save draft").click()
    _success(page, "Changes saved.")
    page.get_by_role("button", name="Publish").click()
    _success(page, "Published")
    expect(page.get_by_role("link", name="Poster for the notice board (PDF, A4)")).to_be_visible()
    page.get_by_role("button", name="Withdraw").click()
    _success(page, "Withdrawn")


def test_supervisor_uses_every_form_of_the_pages(laptop, demo_site):
    page = laptop
    sign_in(page, *SUPERVISOR)
    _search_forms(page)
    _targets_and_hamlet(page)
    _labels(page, demo_site)
    _products(page)
    _import(page)
    _duplicates_and_erasure(page, demo_site)
    _device(page, demo_site)
    _bulletins(page)
    page.locator("form.logout button").click()
    expect(page.locator(".flash-info")).to_have_text("You are signed out.")


def test_admin_creates_edits_and_resets_a_user(laptop):
    page = laptop
    sign_in(page, *ADMIN)
    page.goto("/admin/users")
    page.get_by_label("User name").fill("taphuan3")
    page.get_by_label("Full name").fill("Lâm Thị Mai")
    page.get_by_label("Role").select_option("trainer")
    page.get_by_label("Place codes (comma-separated)").fill(COMMUNE)
    page.get_by_label("Password").fill("mat-khau-dai-2026")
    page.get_by_role("button", name="Create user").click()
    _success(page, "User taphuan3 created.")
    page.get_by_role("link", name="taphuan3").click()
    page.get_by_label("Full name").fill("Lâm Thị Mai Anh")
    page.get_by_role("button", name="Save").click()
    _success(page, "Changes saved.")
    expect(page.get_by_label("Full name")).to_have_value("Lâm Thị Mai Anh")
    page.get_by_label("New password").fill("mat-khau-moi-2026")
    page.get_by_role("button", name="Set new password").click()
    _success(page, "Password changed.")
