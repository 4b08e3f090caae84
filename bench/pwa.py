"""The phone app in headless Chromium: shell size, offline start, search of 10,000 households, first pull.

    python bench/pwa.py

Runs the real server on loopback with a fresh SQLite database in a temporary directory and
drives Debian's Chromium with Playwright, as the end-to-end tests do. Prints, never asserts:

1. the gzipped size of the app shell (every file the service worker precaches, fonts excluded);
2. the time to open the app offline (signed in and synced once, then offline and reloaded,
   until the home screen is shown);
3. the time from typing a query in the households screen to the result list being replaced,
   with 10,000 households on the phone (median of several queries, with and without diacritics);
4. the time of a pull of 5,000 new households (tap "Sync now" until the sync is over).
"""

import gzip
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from server import create_app
from server.extensions import db
from server.households.models import Household
from server.models_base import next_versions
from server.pwa import FONTS, shell_urls
from server.text import fold
from server.translate import compile_all
from tests import factories
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, QuietHandler
from tests.e2e.phone_app import TIMEOUT, go, sign_in

SHELL_GOAL_KB, SEARCH_GOAL_MS = 150, 100
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Thạch", "Kim", "Sơn"]
MIDDLES = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Sô", "Sóc"]
GIVEN = [
    "Ánh", "Bình", "Cường", "Dũng", "Đào", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khanh", "Lan", "Linh", "Mai",
    "Nam", "Ngân", "Phi", "Phúc", "Quang", "Tâm", "Thảo", "Thủy", "Trang", "Tuấn", "Vân", "Yến",
]  # fmt: skip
QUERIES = [  # (with diacritics, without)
    ("Nguyễn Thị Lan", "nguyen thi lan"),
    ("Đặng Hữu", "dang huu"),
    ("Thủy", "thuy"),
    ("Sơn Ngọc Hạnh", "son ngoc hanh"),
    ("Phúc", "phuc"),
    ("Trần Văn Dũng", "tran van dung"),
    ("Bùi Sóc", "bui soc"),
]

# Replace the query in the households screen and time until the result list is replaced and laid out.
SEARCH_JS = """async (query) => {
  const input = document.querySelector("input[name=q]");
  const list = document.querySelector("[data-testid=household-results]");
  return await new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      observer.disconnect();
      list.getBoundingClientRect(); // include the layout of the new rows
      resolve(performance.now() - t0);
    });
    observer.observe(list, { childList: true });
    const t0 = performance.now();
    input.value = query;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
}"""

# Tap "Sync now" and time until the sync engine says the sync is over (or failed: -1).
SYNC_JS = """async () => {
  const { syncEvents, syncState } = await import("/app/js/sync/engine.js");
  const button = [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Sync now");
  return await new Promise((resolve) => {
    const t0 = performance.now();
    syncEvents.addEventListener("synced", () => resolve(performance.now() - t0), { once: true });
    syncEvents.addEventListener("change", () => {
      if (!syncState.running && syncState.error) resolve(-1);
    });
    button.click();
  });
}"""


def make_app(tmp: str):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(tmp, "bench.db"),
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "PUBLIC_BASE_URL": "https://lensan.example",
        }
    )
    with app.app_context():
        db.create_all()
        places = factories.small_tree()
        trainer = factories.user("trainer", [places["commune"]], username="trang")
        trainer.display_name = "Trần Thị Trang"
        db.session.commit()
        commune, hamlet = places["commune"].code, places["hamlet"].code
        db.session.remove()
    return app, commune, hamlet


def add_households(app, commune: str, hamlet: str, start: int, count: int) -> None:
    """`count` households of the commune written in bulk, with varied Vietnamese names."""
    now = datetime.now(UTC)
    rows = []
    for n in range(start, start + count):
        name = (
            f"{SURNAMES[n % len(SURNAMES)]} {MIDDLES[n // len(SURNAMES) % len(MIDDLES)]} "
            f"{GIVEN[n // (len(SURNAMES) * len(MIDDLES)) % len(GIVEN)]}"
        )
        rows.append(
            {
                "id": uuid.uuid4(),
                "head_name": name,
                "commune_code": commune,
                "hamlet_code": hamlet if n % 2 else None,
                "phone": f"09{n:08d}",
                "smartphone": ("yes", "no", "unknown")[n % 3],
                "preferred_language": "vi",
                "search_text": fold(name),
                "field_clocks": {},
                "created_at": now,
                "updated_at": now,
            }
        )
    with app.app_context():
        for row, version in zip(rows, next_versions(db.session, len(rows)), strict=True):
            row["version"] = row["ref"] = version  # a household's ref is its first version
        db.session.execute(sa.insert(Household.__table__), rows)
        db.session.commit()
        db.session.remove()


def shell_size(app) -> tuple[int, int, int, list]:
    """(files, raw bytes, gzipped bytes, the three largest (gzipped, url)) of the precached URLs but fonts."""
    client = app.test_client()
    with app.test_request_context():
        urls = [u for u in shell_urls() if u not in FONTS]
    raw = packed = 0
    sizes = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        body = response.get_data()
        sizes.append((len(gzip.compress(body, compresslevel=6)), url))
        raw, packed = raw + len(body), packed + sizes[-1][0]
    return len(urls), raw, packed, sorted(sizes, reverse=True)[:3]


def timed_sync(page) -> float:
    go(page, "/sync")
    expect(page.get_by_role("button", name="Sync now")).to_be_enabled(timeout=TIMEOUT)
    return page.evaluate(SYNC_JS)


def search_times(page, total: int) -> dict:
    status = page.locator("main p[role=status]")
    started = time.perf_counter()
    go(page, "/households")  # the first search after a sync builds the index
    expect(status).to_have_text(re.compile(f"{total:,}"), timeout=TIMEOUT)
    first = (time.perf_counter() - started) * 1000
    page.evaluate(SEARCH_JS, "zzz")  # warm-up
    with_marks = [page.evaluate(SEARCH_JS, q) for q, _ in QUERIES for _ in range(3)]
    without = [page.evaluate(SEARCH_JS, q) for _, q in QUERIES for _ in range(3)]
    found = status.text_content()
    return {"first": first, "with": statistics.median(with_marks), "without": statistics.median(without), "last": found}


def offline_open(phone, page) -> list[float]:
    go(page, "/")
    page.get_by_test_id("storage-state").wait_for()
    phone.set_offline(True)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        page.reload()
        page.get_by_test_id("storage-state").wait_for(timeout=TIMEOUT)  # the home screen's last part
        times.append((time.perf_counter() - started) * 1000)
    expect(page.get_by_test_id("connection")).to_have_text("Offline")
    phone.set_offline(False)
    return times


def main() -> None:
    begun = time.perf_counter()
    compile_all()
    tmp = tempfile.mkdtemp(prefix="lensan-bench-pwa-")
    app, commune, hamlet = make_app(tmp)
    files, raw, packed, largest = shell_size(app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            phone = browser.new_context(viewport=PHONE, base_url=url, service_workers="allow")
            phone.set_default_timeout(TIMEOUT)
            page = phone.new_page()
            sign_in(page)  # online sign-in and first sync of an empty commune
            add_households(app, commune, hamlet, 0, 5_000)
            pull_5k = timed_sync(page)
            add_households(app, commune, hamlet, 5_000, 5_000)
            pull_next_5k = timed_sync(page)
            search = search_times(page, 10_000)
            offline = offline_open(phone, page)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()

    rows = [
        ("App shell, gzip (fonts excluded)", f"{packed / 1024:.1f} KB", f"< {SHELL_GOAL_KB} KB"),
        ("  files / uncompressed", f"{files} / {raw / 1024:.1f} KB", ""),
        *((f"  {url}", f"{size / 1024:.1f} KB", "") for size, url in largest),
        ("Open offline to home screen (median of 3)", f"{statistics.median(offline):.0f} ms", ""),
        ("  each run", " / ".join(f"{t:.0f}" for t in offline) + " ms", ""),
        ("Households screen after sync (builds index)", f"{search['first']:.0f} ms", ""),
        ("Search 10,000: median, with diacritics", f"{search['with']:.1f} ms", f"< {SEARCH_GOAL_MS} ms"),
        ("Search 10,000: median, without diacritics", f"{search['without']:.1f} ms", f"< {SEARCH_GOAL_MS} ms"),
        ("Pull of 5,000 new households (tap to done)", f"{pull_5k / 1000:.2f} s", ""),
        ("Pull of 5,000 more (5,000 already on phone)", f"{pull_next_5k / 1000:.2f} s", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'Phone app (headless Chromium, SQLite)':<{width}}  {'result':>18}  goal")
    for name, value, goal in rows:
        print(f"{name:<{width}}  {value:>18}  {goal}")
    print(f"(last search: {search['last']}; bench ran in {time.perf_counter() - begun:.0f} s)")


if __name__ == "__main__":
    main()
