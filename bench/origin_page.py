"""The public origin page a buyer opens from a QR label: bytes of a first visit, in vi and km.

    python bench/origin_page.py

Runs the real server on loopback (port 5171) with a fresh SQLite database and its own instance
folder, and opens one lot's origin page in a fresh headless Chromium context per language (no
cache, a 360 px phone whose browser asks for that language), as a buyer's first scan does. Prints,
never asserts: every response with its transfer size (headers and body as sent), and the total.
The first Khmer visit also pays for making the Khmer font subset on the server; its time is shown
separately and is not a buyer's wait on a running server, which makes it once.
"""

import os
import sys
import tempfile
import threading
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from server import create_app
from server.extensions import db
from server.public.codes import origin_url
from server.translate import compile_all
from tests import factories
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, QuietHandler

PORT = 5171
GOALS_KB = {"vi": 30, "km": 100}
LOCALES = {"vi": "vi-VN", "km": "km-KH"}


def make_app(tmp: str):
    """The app on a temporary database and instance folder, with one product lot."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(tmp, "bench.db"),
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{PORT}",
        }
    )
    app.instance_path = os.path.join(tmp, "instance")
    with app.app_context():
        db.create_all()
        places = factories.small_tree()
        maker = factories.producer(places["commune"], name="HTX Nông nghiệp Ngãi Xuyên")
        item = factories.product(
            maker,
            name="Bưởi da xanh Trà Cú",
            category="Trái cây",
            ocop_stars=4,
            ocop_certificate="OCOP-TV-2025-118",
            ocop_year=2025,
            certifications=[{"name": "VietGAP", "number": "VG-86-0042"}],
            marketplace_links=[{"platform": "postmart", "url": "https://postmart.vn/shop/htx-ngai-xuyen"}],
        )
        factories.lot(item, "L-2026-05", harvested_on=date(2026, 5, 8), packed_on=date(2026, 5, 12))
        page = origin_url(item, "L-2026-05")
        db.session.remove()
    return app, page


def first_visit(browser, url: str, language: str) -> list[tuple[str, int]]:
    """(URL, bytes sent) of every response of a first visit to url in a fresh context."""
    context = browser.new_context(viewport=PHONE, locale=LOCALES[language])
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.goto(url, wait_until="networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    sizes = []
    for request in responses:
        sent = request.sizes()
        sizes.append((request.url, sent["responseHeadersSize"] + sent["responseBodySize"]))
    context.close()
    return sizes


def main() -> None:
    compile_all()
    with tempfile.TemporaryDirectory() as tmp:
        app, url = make_app(tmp)
        server = make_server("127.0.0.1", PORT, app, threaded=True, request_handler=QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                for language in ("vi", "km"):
                    started = time.perf_counter()
                    sizes = first_visit(browser, url, language)
                    seconds = time.perf_counter() - started
                    total = sum(size for _url, size in sizes)
                    print(f"origin page, first visit in {language}:")
                    for address, size in sizes:
                        print(f"  {size / 1000:7.1f} KB  {address.removeprefix(f'http://127.0.0.1:{PORT}')}")
                    print(f"  {total / 1000:7.1f} KB  total (goal ≤ {GOALS_KB[language]} KB), {seconds:.1f} s")
                browser.close()
        finally:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    main()
