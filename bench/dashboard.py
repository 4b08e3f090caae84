"""Time the province dashboard (indicator table and monthly trend) over (by default) 1,000,000 households.

    python bench/dashboard.py                      # SQLite, plus PostgreSQL when a URL is known
    python bench/dashboard.py --households 100000  # smaller run
    tools/with-postgres python bench/dashboard.py  # PostgreSQL from TEST_DATABASE_URL

PostgreSQL is used when DATABASE_URL or TEST_DATABASE_URL is set. Rows are written with
executemany (SQLite) or COPY (PostgreSQL), never through the ORM, so the per-household
summary the app keeps at every commit (household_summaries) is then filled the way migration
0002 and `flask rebuild-summaries` fill it: server.reports.summary.rebuild, one INSERT ...
SELECT over the source tables (its time is printed too). The app's table
(server.reports.indicators.place_report, which counts that summary) is compared with a
hand-written GROUP BY over the source tables, and with one over the summary, in the same run.
The page's table and trend are added up from the per-commune counters (server/reports/counters.py);
the previous way, counting household_summaries row by row, is timed in the same run too.

The built database is kept under /tmp/lensan-bench (a SQLite file; a pg_dump for PostgreSQL,
restored into the throw-away server) and used again while the schema, the summary code, the size
and the day are the same: `--fresh` builds anew.
"""

import argparse
import hashlib
import inspect
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import dashboard_data
from bench.dashboard_sql import hand_written_summary_table, hand_written_table, summary_trend
from server import create_app
from server.auth.models import User
from server.extensions import db
from server.places.models import Place
from server.reports import counters, summary
from server.reports.indicators import count_rows, group_column, place_report, summaries_in
from server.reports.models import INDICATORS
from server.reports.trend import monthly_trend
from tests.browser_client import BrowserClient

PROVINCE = dashboard_data.PROVINCE
CACHE = "/tmp/lensan-bench"  # noqa: S108 (a cache of built databases, not a secret)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(function, runs: int = 3) -> tuple[float, float]:
    """Best and median wall time of `runs` calls, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def _check(report, hand: dict) -> None:
    """The app's province figures equal the hand-written query's, indicator by indicator."""
    for key in ("registered", "orders", *INDICATORS):
        total = sum(row[key] or 0 for row in hand.values())
        app = getattr(report.place, key) if key in ("registered", "orders") else report.place.figures[key].value
        assert app == total, f"figures differ: {key} {app} != {total}"


def _build_database(name: str, url: str, households: int, communes: int, today: date) -> None:
    db.drop_all()
    db.create_all()
    start = time.perf_counter()
    with db.engine.begin() as conn:
        if url.startswith("sqlite"):  # room for the indexes being filled, and no fsync: a scratch file
            conn.exec_driver_sql("PRAGMA cache_size = -1000000")
            conn.exec_driver_sql("PRAGMA synchronous = OFF")
        dashboard_data.build(conn, households, communes, today)
    print(f"{name}: built {households:,} households in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    with db.engine.begin() as conn:
        if url.startswith("sqlite"):
            conn.exec_driver_sql("PRAGMA cache_size = -1000000")
        summary.rebuild(conn)
    took = time.perf_counter() - start
    print(f"{name}: filled household_summaries and the counters (as migrations do) in {took:.1f} s")


def _cache_file(url: str, households: int, communes: int, today: date) -> str:
    """Where the database built for these arguments, this schema and this summary code is kept."""
    key = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        key.update(str(sa.schema.CreateTable(table).compile(db.engine)).encode())
    for path in ("bench/dashboard_data.py", "server/reports/household_dates.py"):  # what the rows are made by
        with open(os.path.join(ROOT, path), "rb") as file:
            key.update(file.read())
    for function in (summary.rebuild, counters.rebuild):
        key.update(inspect.getsource(function).encode())
    kind = "sqlite" if url.startswith("sqlite") else "postgresql"
    name = f"dashboard-{kind}-{households}-{communes}-{today.isoformat()}-{key.hexdigest()[:12]}"
    return os.path.join(CACHE, name + (".db" if kind == "sqlite" else ".dump"))


def _pg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _restore(url: str, cached: str) -> bool:
    """Put the kept database in place; False when there is none."""
    if not os.path.exists(cached):
        return False
    db.engine.dispose()
    if url.startswith("sqlite"):
        shutil.copyfile(cached, url.removeprefix("sqlite:///"))
        return True
    db.drop_all()
    subprocess.run(["pg_restore", "--no-owner", "-j", "2", "-d", _pg_url(url), cached], check=True)
    return True


def _keep(url: str, cached: str) -> None:
    os.makedirs(CACHE, exist_ok=True)
    db.engine.dispose()
    if url.startswith("sqlite"):
        shutil.copyfile(url.removeprefix("sqlite:///"), cached + ".part")
    else:
        subprocess.run(["pg_dump", "-Fc", "-Z", "1", "-f", cached + ".part", _pg_url(url)], check=True)
    os.replace(cached + ".part", cached)


def _time_page(app, name: str, province: Place) -> None:
    """GET /dashboard?place=<province> as a signed-in supervisor, the whole request (table, trend, follow-up lists)."""
    code = province.code
    supervisor = User(username="bench-supervisor", role="supervisor", display_name="Giám sát")
    supervisor.places = [province]
    supervisor.set_password("bench-password-2026")
    db.session.add(supervisor)
    db.session.commit()
    app.test_client_class = BrowserClient  # the login form's CSRF token read from the page, as a browser does
    client = app.test_client()
    client.get("/login")
    client.post("/login", data={"username": supervisor.username, "password": "bench-password-2026"})
    db.session.remove()
    times = []
    for _ in range(3):
        start = time.perf_counter()
        response = client.get(f"/dashboard?place={code}")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200 and "<polyline" in response.get_data(as_text=True), response.status_code
    print(f"{name}: the page's whole request (GET /dashboard, HTML) first {times[0]:.3f} s, best {min(times):.3f} s")


def run(name: str, url: str, households: int, communes: int, use_cache: bool = True) -> None:
    """Build (or take from the cache) the province in the database at `url` and print the timings."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    today = date.today()
    with app.app_context():
        cached = _cache_file(url, households, communes, today)
        if not (use_cache and _restore(url, cached)):
            _build_database(name, url, households, communes, today)
            if use_cache:
                _keep(url, cached)
        else:
            print(f"{name}: {households:,} households taken from {cached}")
        with db.engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
            conn.commit()
        province = db.session.get(Place, PROVINCE)
        report = place_report(province, today.year)
        hand = hand_written_table(db.session, PROVINCE, today)
        _check(report, hand)
        _check(report, hand_written_summary_table(db.session, PROVINCE, today))
        app_best, app_median = timed(lambda: (place_report(province, today.year), db.session.rollback()))
        hand_best, hand_median = timed(lambda: (hand_written_table(db.session, PROVINCE, today), db.session.rollback()))
        sum_best, sum_median = timed(
            lambda: (hand_written_summary_table(db.session, PROVINCE, today), db.session.rollback())
        )
        print(f"{name}: province table (app)       best {app_best:.3f} s, median {app_median:.3f} s")
        print(f"{name}: hand-written, source tables  best {hand_best:.3f} s, median {hand_median:.3f} s")
        print(f"{name}: hand-written, summary        best {sum_best:.3f} s, median {sum_median:.3f} s")
        print(f"{name}: ratio app / hand-written (best): source tables {app_best / hand_best:.2f}, ", end="")
        print(f"summary {app_best / sum_best:.2f}")
        trend_best, trend_median = timed(lambda: (monthly_trend(province, today.year), db.session.rollback()))
        print(f"{name}: monthly trend (app, also on the page) best {trend_best:.3f} s, median {trend_median:.3f} s")
        assert monthly_trend(province, today.year) == summary_trend(db.session, province, today), "trends differ"
        page = (place_report, monthly_trend)
        page_best, page_median = timed(lambda: ([show(province, today.year) for show in page], db.session.rollback()))
        print(f"{name}: whole page (table + trend, app) best {page_best:.3f} s, median {page_median:.3f} s")
        old_table = (
            lambda: count_rows(summaries_in(province), group_column(province), today),
            lambda: summary_trend(db.session, province, today),
        )
        for label, function in zip(("table", "trend"), old_table, strict=True):
            best, median = timed(lambda f=function: (f(), db.session.rollback()))
            print(f"{name}: previous way, {label} from summary rows best {best:.3f} s, median {median:.3f} s")
        old_best, old_median = timed(lambda: (old_table[0](), old_table[1](), db.session.rollback()))
        print(f"{name}: previous way, whole page best {old_best:.3f} s, median {old_median:.3f} s")
        _time_page(app, name, province)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    """Parse options and run on SQLite and, when a URL is known, PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--fresh", action="store_true", help="build the database even when one is kept")
    args = parser.parse_args()
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            url = "sqlite:///" + os.path.join(folder, "bench.db")
            run("SQLite", url, args.households, args.communes, not args.fresh)
    pg_url = os.environ.get("DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if args.only != "sqlite":
        if pg_url:
            run(
                "PostgreSQL",
                pg_url.replace("postgresql://", "postgresql+psycopg://", 1),
                args.households,
                args.communes,
                not args.fresh,
            )
        else:
            print("PostgreSQL: skipped (set DATABASE_URL or run under tools/with-postgres)")


if __name__ == "__main__":
    main()
