"""CPU time per request, in-process: a push of 20, a pull of what it wrote, an empty pull, an origin page, /healthz.

The push is 10 new households each with its programme consent, all applied (before 2 December
2026 it sent households without consent, and measured 20 refusals).

The origin page is measured twice: a buyer's first scan of the lot today (counted: the visit is
written) and the same buyer opening it again (already counted).

    python bench/request_cpu.py                       # SQLite
    tools/with-postgres python bench/request_cpu.py   # PostgreSQL

Each request is made REPEAT times through Flask's test client (the app as production runs it:
CSRF, security headers; only the rate limits off); the figure is the median of
time.process_time() around one request, which counts this process's CPU. On PostgreSQL the
database server's own CPU per request is printed beside it ("db"): the run time of the
database's backend processes (/proc/<pid>/schedstat, in nanoseconds) across the request, on
this machine's PostgreSQL on loopback. Goals (issue #14): push of 20 <= 20 ms, empty pull <= 5 ms,
origin page <= 5 ms.
"""

import contextlib
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from phone_push import registrations
from sync_common import COMMUNE, make_app, phone_token

from server.clock import format_clock
from server.extensions import db
from server.places.models import Place
from server.products.models import Lot, Producer, Product
from server.public.codes import origin_url

REPEAT = int(sys.argv[1]) if len(sys.argv) > 1 else 200
GOALS = {
    "push of 20": 20,
    "pull of 20 new": None,
    "empty pull": 5,
    "origin page": 5,
    "origin again": 5,
    "healthz": None,
}


def push_body(device_id: str, n: int) -> dict:
    """20 mutations as a phone sends them: 10 new households, each with its programme consent."""
    clocks = [format_clock(1_760_000_000_000 + n * 20 + i, 0, device_id) for i in range(10)]
    return registrations([(f"Nguyễn Văn {n}-{i}", clock) for i, clock in enumerate(clocks)], COMMUNE)


def origin_path(app) -> str:
    from urllib.parse import urlsplit

    with app.app_context():
        commune = db.session.get(Place, COMMUNE)
        maker = Producer(kind="cooperative", name="Hợp tác xã Bưởi", commune_code=commune.code, search_text="")
        db.session.add(maker)
        db.session.flush()
        product = Product(producer_id=maker.id, name="Bưởi da xanh", search_text="")
        db.session.add(product)
        db.session.flush()
        db.session.add(Lot(product_id=product.id, code="L0001"))
        db.session.commit()
        return urlsplit(origin_url(product, "L0001")).path


def database_backends(app) -> list[Path]:
    """The schedstat files of the PostgreSQL backends serving this database (none on SQLite)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return []
        query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        pids = db.session.scalars(sa.text(query)).all()
        db.session.rollback()
    return [path for pid in pids if (path := Path(f"/proc/{pid}/schedstat")).exists()]


def backends_cpu(files: list[Path]) -> int:
    """Nanoseconds the backends have run so far (a backend that has gone counts no more)."""
    total = 0
    for path in files:
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += int(path.read_text().split()[0])
    return total


def measure(app, requests: dict) -> dict[str, tuple[list[float], float, list[float]]]:
    """CPU milliseconds of each of REPEAT calls of every request (after a few warm-up calls), its
    SQL statements per call and the database server's CPU milliseconds of each call (PostgreSQL).
    The requests take turns, one of each per round, so that every kind meets the same share of
    whatever else the machine is doing."""
    client = app.test_client()
    for request in requests.values():
        for n in range(5):
            request(client, -1 - n)
    backends = database_backends(app)  # the test client's requests run one at a time: one pooled connection
    statements = [0]

    def count(*_args):
        statements[0] += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    spent = {name: [] for name in requests}
    database = {name: [] for name in requests}
    counted = dict.fromkeys(requests, 0)
    try:
        for n in range(REPEAT):
            for name, request in requests.items():
                served = backends_cpu(backends)
                before, started = statements[0], time.process_time()
                request(client, n)
                spent[name].append((time.process_time() - started) * 1000)
                counted[name] += statements[0] - before
                database[name].append((backends_cpu(backends) - served) / 1e6)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return {name: (spent[name], counted[name] / REPEAT, database[name]) for name in requests}


def main() -> None:
    app, dialect = make_app()
    raw, device_id = phone_token(app)
    auth = {"Authorization": f"Bearer {raw}"}
    path = origin_path(app)

    def push(client, n):
        response = client.post("/api/v1/sync/push", json=push_body(device_id, n + 10), headers=auth)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert {r["status"] for r in response.get_json()["results"]} == {"applied"}, response.get_data(as_text=True)

    cursor = {"value": 0}

    def pull_page(client) -> dict:
        response = client.get(f"/api/v1/sync/pull?cursor={cursor['value']}&limit=500", headers=auth)
        assert response.status_code == 200, response.get_data(as_text=True)
        page = response.get_json()
        cursor["value"] = page["next_cursor"]
        return page

    def pull_new(client, n):
        # What the push just before it wrote (the ramp's incremental pull): 20 records.
        while pull_page(client)["has_more"]:
            pass

    def pull(client, n):
        # Up to date already: nothing new anywhere.
        assert not pull_page(client)["records"]

    def origin(client, n):
        # A buyer's first scan of the lot today (another phone each time): the visit is counted.
        agent = f"Mozilla/5.0 (Linux; Android 13; bench {n}) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"
        response = client.get(path, headers={"User-Agent": agent})
        assert response.status_code == 200, response.status_code

    def origin_again(client, n):
        # The same buyer opening it again the same day: nothing more to count.
        response = client.get(path, headers={"User-Agent": "Mozilla/5.0 (Linux; Android 13; bench) Chrome/120.0"})
        assert response.status_code == 200, response.status_code

    def healthz(client, n):
        assert client.get("/healthz").status_code == 200

    print(
        f"{dialect}: CPU of this process per request, median of {REPEAT} (min and p90 in brackets), ms;"
        " SQL statements; the kinds take turns"
    )
    requests = {"push of 20": push, "pull of 20 new": pull_new, "empty pull": pull, "origin page": origin}
    requests.update({"origin again": origin_again, "healthz": healthz})
    for name, (spent, statements, database) in measure(app, requests).items():
        median, p90 = statistics.median(spent), statistics.quantiles(spent, n=10)[8]
        goal = GOALS[name]
        verdict = "" if goal is None else f"  goal <= {goal} ms: {'met' if median <= goal else 'not met'}"
        served = f"  db {statistics.median(database):4.2f} ms" if any(database) else ""
        print(
            f"{dialect}: {name:<14} {median:6.1f} ({min(spent):4.1f}, {p90:5.1f}) {statements:5.1f} statements"
            f"{served}{verdict}"
        )


if __name__ == "__main__":
    main()
