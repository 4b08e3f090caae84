"""A trainer's first sync on a new phone: 10,000 households and 100,000 attendance rows stored in IndexedDB.

    python bench/phone_first_sync.py [households] [attendance]

Runs the real server on loopback with a fresh SQLite database and drives Debian's Chromium
(headless, 360 px) with Playwright, as the end-to-end tests do. Two phones sign in to an empty
commune; the commune then gets its households, 1,000 training sessions and their attendance;
each phone taps "Sync now" and is timed until its sync is over, the second with the CPU
throttled 4x (DevTools Emulation.setCPUThrottlingRate), a stand-in for a cheap Android phone.
Prints, never asserts. Goal: 110,000 rows in 10 s or less unthrottled (11,000 rows/s).
"server+net" sums the pull requests' durations (they overlap the storing: the next page is
fetched while one is stored); "idle" is how long the phone waited with nothing to store, and
"storing" how long it spent putting pages into IndexedDB (the pull's own timing marks).
"""

import os
import sys
import tempfile
import threading
import uuid
from datetime import UTC, date, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from bench.pwa import add_households, make_app, timed_sync
from server.extensions import db
from server.households.models import Household
from server.models_base import next_versions
from server.training.models import Attendance, TrainingSession
from server.translate import compile_all
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, QuietHandler
from tests.e2e.phone_app import TIMEOUT, sign_in

GOAL_S = 10.0
SESSIONS = 1_000


def add_attendance(app, commune: str, hamlet: str, rows: int) -> None:
    """SESSIONS sessions of the commune, and `rows` attendance rows spread over its households."""
    now = datetime.now(UTC)
    with app.app_context():
        households = [h for (h,) in db.session.execute(sa.select(Household.id))]
        sessions = [
            {
                "id": uuid.uuid4(),
                "commune_code": commune,
                "hamlet_code": hamlet,
                "held_on": date(2026, 1, 1) + timedelta(days=n % 300),
                "topics": ["digital_skills"],
                "title": f"Lớp kỹ năng số {n + 1}",
                "field_clocks": {},
                "created_at": now,
                "updated_at": now,
            }
            for n in range(SESSIONS)
        ]
        per_session = -(-rows // SESSIONS)
        attendance = [
            {
                "id": uuid.uuid4(),
                "session_id": session["id"],
                "household_id": households[(s * per_session + k) % len(households)],
                "method": "search",
                "field_clocks": {},
                "created_at": now,
                "updated_at": now,
            }
            for s, session in enumerate(sessions)
            for k in range(per_session)
        ][:rows]
        for table, values in ((TrainingSession.__table__, sessions), (Attendance.__table__, attendance)):
            for row, version in zip(values, next_versions(db.session, len(values)), strict=True):
                row["version"] = version
            for start in range(0, len(values), 10_000):
                db.session.execute(sa.insert(table), values[start : start + 10_000])
        db.session.commit()
        db.session.remove()


def stored_rows(page) -> int:
    return page.evaluate(
        """async () => {
          const { transaction, done, ENTITIES, CAME } = await import("/app/js/db.js");
          const others = ENTITIES.filter((name) => name !== "attendance");
          return transaction([...others, CAME], "readonly", async (s) => {
            let n = 0;
            for (const name of others) n += await done(s[name].count());
            // Attendance: one record per session holding its rows; who came to each counts them.
            for (const session of await done(s[CAME].getAll())) n += session.present;
            return n;
          });
        }"""
    )


def phone_split(page) -> tuple[float, float]:
    """(seconds the phone waited for a page it needed, seconds it spent storing pages) of the last sync,
    from the pull's own timing marks."""
    return page.evaluate(
        """() => ["pull:wait", "pull:store"].map((name) =>
             performance.getEntriesByName(name).reduce((t, e) => t + e.duration, 0) / 1000)"""
    )


READS_JS = """async () => {
  const attendance = "/app/js/features/training/attendance.js";
  const { attendanceOf, presentBySession, sessionsAttendedBy } = await import(attendance);
  const { allRecords } = await import("/app/js/db.js");
  const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const timed = async (read) => {
    const start = performance.now();
    const result = await read();
    return [performance.now() - start, result];
  };
  const sessions = await allRecords("training_session");
  const rosters = [];
  const counts = [];
  const histories = [];
  for (let i = 0; i < 5; i++) {
    const [roster, present] = await timed(() => attendanceOf(sessions[i].id));
    rosters.push(roster);
    counts.push((await timed(presentBySession))[0]);
    histories.push((await timed(() => sessionsAttendedBy(present[0].household_id)))[0]);
  }
  // The first household's sessions after a sync read who came to every session; later ones use what it read.
  return [median(rosters), median(counts), histories[0], median(histories.slice(1))];
}"""


def reads(page) -> tuple[float, float, float, float]:
    """Milliseconds to read a session's roster and every session's count (the session list), median
    of 5; a household's sessions, the first time after the sync and then (median of 4)."""
    return tuple(page.evaluate(READS_JS))


def network(page) -> tuple[float, int, int]:
    """(seconds spent waiting for pull pages, pages, bytes over the wire) of the last sync."""
    waited, pages, size = page.evaluate(
        """() => {
          const pulls = performance.getEntriesByType("resource").filter((e) => e.name.includes("/sync/pull"));
          return [pulls.reduce((t, e) => t + e.responseEnd - e.startTime, 0), pulls.length,
                  pulls.reduce((t, e) => t + e.transferSize, 0)];
        }"""
    )
    return waited / 1000, pages, size


def main() -> None:
    households = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    attendance = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    compile_all()
    tmp = tempfile.mkdtemp(prefix="lensan-bench-first-sync-")
    app, commune, hamlet = make_app(tmp)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    results = []
    read_times = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            phones = []
            for _ in range(2):
                context = browser.new_context(viewport=PHONE, base_url=url, service_workers="allow")
                context.set_default_timeout(TIMEOUT)
                page = context.new_page()
                sign_in(page)  # online sign-in and first sync of the still empty commune
                phones.append(page)
            add_households(app, commune, hamlet, 0, households)
            add_attendance(app, commune, hamlet, attendance)
            for page, rate in zip(phones, (1, 4), strict=True):
                cdp = page.context.new_cdp_session(page)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                page.set_default_timeout(600_000)
                page.evaluate(
                    "performance.clearResourceTimings(); performance.clearMeasures();"
                    " performance.setResourceTimingBufferSize(10000)"
                )
                elapsed = timed_sync(page) / 1000
                results.append((rate, elapsed, stored_rows(page), *network(page), *phone_split(page)))
                read_times.append((rate, *reads(page)))
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    total = households + SESSIONS + attendance
    print(f"Phone's first sync: {households:,} households, {SESSIONS:,} sessions, {attendance:,} attendance")
    heads = f"{'CPU':<14} {'time':>8} {'rows/s':>9} {'rows stored':>12} {'server+net':>11} {'pages':>6} {'bytes':>9}"
    print(heads + f" {'idle':>7} {'storing':>8}  goal")
    for rate, elapsed, stored, waited, pages, size, idle, storing in results:
        goal = f"<= {GOAL_S:.0f} s" if rate == 1 else "(cheap phone stand-in)"
        label = "normal" if rate == 1 else f"throttled {rate}x"
        print(
            f"{label:<14} {elapsed:>7.2f}s {total / elapsed:>9,.0f} {stored:>12,} {waited:>10.2f}s {pages:>6}"
            f" {size / 1e6:>8.2f}M {idle:>6.2f}s {storing:>7.2f}s  {goal}"
        )
    print("Reading it back:")
    for rate, roster, counts, first, history in read_times:
        label = "normal" if rate == 1 else f"throttled {rate}x"
        print(
            f"{label:<14} a session's roster {roster:.1f} ms; the session list's counts {counts:.1f} ms;"
            f" a household's sessions {first:.1f} ms the first time after the sync, then {history:.1f} ms"
        )


if __name__ == "__main__":
    main()
