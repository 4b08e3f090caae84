"""A buyer's first visit to an origin page loads a Khmer font only when the page is in Khmer,
and then the small subset, never the packaged 360 KB font; Khmer is drawn with it."""

from datetime import date

import pytest
from playwright.sync_api import expect

from server.public.codes import origin_url
from server.webfonts import KHMER_WEB
from tests import factories
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e


def _origin_page(live_server) -> str:
    def make():
        maker = factories.producer(live_server.places["commune"], name="HTX Ngãi Xuyên")
        item = factories.product(maker, name="Bưởi da xanh", ocop_stars=4)
        factories.lot(item, "L-2026-05", packed_on=date(2026, 5, 12))
        return origin_url(item, "L-2026-05").split("://", 1)[1].split("/", 1)[1]

    return "/" + live_server.query(make)


def _first_visit(browser, live_server, path: str, locale: str):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale=locale)
    page = context.new_page()
    fetched = []
    page.on("requestfinished", lambda request: fetched.append(request.url))
    page.goto(path)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    return context, page, [url.removeprefix(live_server.url) for url in fetched]


def test_a_vietnamese_origin_page_loads_no_font(browser, live_server):
    context, page, fetched = _first_visit(browser, live_server, _origin_page(live_server), "vi-VN")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bưởi da xanh")
    expect(page.get_by_role("link", name="ភាសាខ្មែរ")).to_be_visible()  # still offered, in the phone's own font
    assert not [url for url in fetched if url.startswith("/fonts/")]
    context.close()


def test_a_khmer_origin_page_loads_the_khmer_subset_and_draws_khmer_with_it(browser, live_server):
    context, page, fetched = _first_visit(browser, live_server, _origin_page(live_server), "km-KH")
    expect(page.locator("html")).to_have_attribute("lang", "km")
    assert [url for url in fetched if url.startswith("/fonts/")] == [f"/fonts/{KHMER_WEB}"]
    loaded = page.evaluate(
        "[...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replaceAll('\"', ''))"
    )
    assert loaded == ["Noto Sans Khmer"]
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Khmer\"', 'ប្រភពដើម')")
    context.close()
