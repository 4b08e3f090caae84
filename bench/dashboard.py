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
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.dashboard_sql import hand_written_summary_table, hand_written_table, summary_trend
from server import create_app
from server.extensions import db
from server.households.models import PAYMENT_PROVIDERS, PLATFORMS
from server.places.models import Place
from server.reports import summary
from server.reports.indicators import count_rows, group_column, place_report, summaries_in
from server.reports.models import INDICATORS
from server.reports.trend import monthly_trend

PROVINCE = "99"
CACHE = "/tmp/lensan-bench"  # noqa: S108 (a cache of built databases, not a secret)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOPIC_SETS = (["digital_skills"], ["digital_skills", "selling_online"], ["packaging_delivery"], ["livestream"])


def build(households: int, communes: int, year: int, as_of: date, write) -> None:
    """Generate places, sessions, households, attendance and accounts; `write(table, cols, rows)` stores them."""
    rng = random.Random(1)
    made = datetime(year, 1, 5, 8, tzinfo=UTC)
    places = [(PROVINCE, "Tỉnh Thử Nghiệm", "province", None, PROVINCE, "", "", made, made, 0)]
    sessions = {}
    session_rows = []
    for c in range(1, communes + 1):
        code = f"{PROVINCE}{c:03d}"
        places.append((code, f"Xã Thử {c}", "commune", PROVINCE, PROVINCE, "", "", made, made, 0))
        places += [(f"{code}-{h:03d}", f"Ấp {h}", "hamlet", code, PROVINCE, "", "", made, made, 0) for h in range(1, 6)]
        for index, topics in enumerate(TOPIC_SETS * 2):
            sid = uuid.UUID(int=rng.getrandbits(128))
            held = min(date(year, 1, 15) + timedelta(days=rng.randrange(0, 330)), as_of)
            sessions.setdefault(code, []).append((sid, topics))
            session_rows.append((sid, code, held, json.dumps(topics), f"Lớp {index}", made, made, 0, "{}"))
    place_columns = ("code", "name", "kind", "parent_code", "province_code", "legacy_names", "search_text")
    write("places", (*place_columns, "created_at", "updated_at", "version"), places)
    write(
        "training_sessions",
        ("id", "commune_code", "held_on", "topics", "title", "created_at", "updated_at", "version", "field_clocks"),
        session_rows,
    )
    chunk = 100_000
    for start in range(0, households, chunk):
        _households(rng, range(start, min(start + chunk, households)), communes, sessions, made, write)


def _households(rng, numbers, communes, sessions, made, write) -> None:
    homes, attendance, market, payment = [], [], [], []
    for n in numbers:
        hid = uuid.UUID(int=rng.getrandbits(128))
        commune = f"{PROVINCE}{n % communes + 1:03d}"
        phone = rng.choice(("yes", "yes", "no", "unknown"))
        plus = "7P28QJXV+2C" if rng.random() < 0.2 else None
        deleted = made if rng.random() < 0.01 else None
        name = f"Nguyễn Văn {n}"
        homes.append(
            (
                hid,
                name,
                commune,
                f"{commune}-{rng.randint(1, 5):03d}",
                "vi",
                phone,
                plus,
                name.lower(),
                made,
                made,
                deleted,
                0,
                "{}",
            )
        )
        for sid, _topics in rng.sample(sessions[commune], rng.choice((0, 1, 1, 2, 3))):
            attendance.append((uuid.UUID(int=rng.getrandbits(128)), sid, hid, name, "search", made, made, 0, "{}"))
        if rng.random() < 0.4:
            for platform in rng.sample(PLATFORMS, rng.choice((1, 1, 2))):
                listed, orders = rng.choice((0, 0, 3)), rng.choice((0, 0, 0, 7))
                opened = made.date() + timedelta(days=rng.randrange(0, 300))
                market.append(
                    (
                        uuid.UUID(int=rng.getrandbits(128)),
                        hid,
                        platform,
                        "opened",
                        opened,
                        listed,
                        orders,
                        made,
                        made,
                        0,
                        "{}",
                    )
                )
        if rng.random() < 0.45:
            payment.append(
                (uuid.UUID(int=rng.getrandbits(128)), hid, rng.choice(PAYMENT_PROVIDERS), "opened", made, made, 0, "{}")
            )
    synced = ("created_at", "updated_at", "version", "field_clocks")
    write(
        "households",
        (
            "id",
            "head_name",
            "commune_code",
            "hamlet_code",
            "preferred_language",
            "smartphone",
            "plus_code",
            "search_text",
            "created_at",
            "updated_at",
            "deleted_at",
            "version",
            "field_clocks",
        ),
        homes,
    )
    write("attendance", ("id", "session_id", "household_id", "attendee_name", "method", *synced), attendance)
    write(
        "marketplace_accounts",
        ("id", "household_id", "platform", "status", "opened_on", "products_listed", "orders_reported", *synced),
        market,
    )
    write("payment_accounts", ("id", "household_id", "provider", "status", *synced), payment)


def sqlite_writer(raw):
    """executemany into SQLite, converting values the way SQLAlchemy stores them."""

    def value(v):
        if isinstance(v, uuid.UUID):
            return v.hex
        if isinstance(v, datetime):
            return v.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        if isinstance(v, date):
            return v.isoformat()
        return v

    def write(table, columns, rows):
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608 (names are this script's constants)
        raw.executemany(sql, [[value(v) for v in row] for row in rows])
        raw.commit()

    return write


def postgres_writer(raw):
    """COPY into PostgreSQL."""

    def write(table, columns, rows):
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        raw.commit()

    return write


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
    raw = db.engine.raw_connection()
    driver = raw.driver_connection
    start = time.perf_counter()
    writer = sqlite_writer(driver) if url.startswith("sqlite") else postgres_writer(driver)
    build(households, communes, today.year, today, writer)
    raw.close()
    print(f"{name}: built {households:,} households in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    with db.engine.begin() as conn:
        summary.rebuild(conn)
    took = time.perf_counter() - start
    print(f"{name}: filled household_summaries and the counters (as migrations do) in {took:.1f} s")


def _cache_file(url: str, households: int, communes: int, today: date) -> str:
    """Where the database built for these arguments, this schema and this summary code is kept."""
    key = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        key.update(str(sa.schema.CreateTable(table).compile(db.engine)).encode())
    for path in ("bench/dashboard.py", "server/reports/household_dates.py"):  # what the rows are made by
        with open(os.path.join(ROOT, path), "rb") as file:
            key.update(file.read())
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
