"""CPU time per request, in-process: a push of 20, an empty pull, an origin page and /healthz.

    python bench/request_cpu.py                       # SQLite
    tools/with-postgres python bench/request_cpu.py   # PostgreSQL

"push of 20" is 20 new households refused for want of their programme consent (the figure of
the earlier issues); "push of 20 applied" is 10 new households with their consents, all applied.
Each request is made REPEAT times through Flask's test client (the app as production runs it:
CSRF, security headers; only the rate limits off); the figure is the median of
time.process_time() around one request, which counts this process's CPU (the database
server's own CPU on PostgreSQL is not in it). Goals (issue #14): push of 20 <= 20 ms, empty
pull <= 5 ms, origin page <= 5 ms.
"""

import statistics
import sys
import time
import uuid

import sqlalchemy as sa
from sync_common import COMMUNE, make_app, phone_token

from server.clock import format_clock
from server.extensions import db
from server.places.models import Place
from server.products.models import Lot, Producer, Product
from server.public.codes import origin_url

REPEAT = int(sys.argv[1]) if len(sys.argv) > 1 else 200
GOALS = {"push of 20": 20, "push of 20 applied": 20, "empty pull": 5, "origin page": 5, "healthz": None}


def push_body(device_id: str, n: int, applied: bool = False) -> dict:
    """20 new households without their programme consent (all refused, `consent_missing`), or
    (`applied`) 10 new households with their consent, all applied: what a phone sends after a visit."""
    mutations = []

    def add(entity: str, fields: dict, record_id=None) -> str:
        record_id = record_id or str(uuid.uuid4())
        clock = format_clock(1_760_000_000_000 + n * 20 + len(mutations), 0, device_id)
        mutations.append(
            {
                "mutation_id": str(uuid.uuid4()),
                "entity": entity,
                "record_id": record_id,
                "op": "upsert",
                "base_version": None,
                "clock": clock,
                "fields": fields,
            }
        )
        return record_id

    for i in range(10 if applied else 20):
        household_id = add(
            "household", {"head_name": f"Nguyễn Văn {n}-{i}", "commune_code": COMMUNE, "smartphone": "yes"}
        )
        if applied:
            consent = {"household_id": household_id, "purpose": "programme", "given": True}
            add("consent", {**consent, "recorded_at": "2026-03-01T08:00:00Z"})
    return {"app_version": "bench", "queued": 0, "mutations": mutations}


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


def measure(app, request) -> tuple[list[float], float]:
    """CPU milliseconds of each of REPEAT calls (after a few warm-up calls), and SQL statements per call."""
    client = app.test_client()
    for n in range(5):
        request(client, -1 - n)
    statements = [0]

    def count(*_args):
        statements[0] += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    spent = []
    try:
        for n in range(REPEAT):
            started = time.process_time()
            request(client, n)
            spent.append((time.process_time() - started) * 1000)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return spent, statements[0] / REPEAT


def main() -> None:
    app, dialect = make_app()
    raw, device_id = phone_token(app)
    auth = {"Authorization": f"Bearer {raw}"}
    path = origin_path(app)

    def push(client, n):
        response = client.post("/api/v1/sync/push", json=push_body(device_id, n + 10), headers=auth)
        assert response.status_code == 200, response.get_data(as_text=True)

    def push_applied(client, n):
        response = client.post("/api/v1/sync/push", json=push_body(device_id, n + 10_000, applied=True), headers=auth)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert all(r["status"] == "applied" for r in response.get_json()["results"])

    cursor = {}

    def pull(client, n):
        if "value" not in cursor:
            first = client.get("/api/v1/sync/pull?cursor=0&limit=500", headers=auth).get_json()
            while first["has_more"]:
                first = client.get(
                    f"/api/v1/sync/pull?cursor={first['next_cursor']}&limit=500", headers=auth
                ).get_json()
            cursor["value"] = first["next_cursor"]
        response = client.get(f"/api/v1/sync/pull?cursor={cursor['value']}&limit=500", headers=auth)
        assert response.status_code == 200 and not response.get_json()["records"], response.get_data(as_text=True)

    def origin(client, n):
        response = client.get(path)
        assert response.status_code == 200, response.status_code

    def healthz(client, n):
        assert client.get("/healthz").status_code == 200

    print(f"{dialect}: CPU of this process per request, median of {REPEAT} (p90 in brackets), ms; SQL statements")
    requests = (
        ("push of 20", push),
        ("push of 20 applied", push_applied),
        ("empty pull", pull),
        ("origin page", origin),
        ("healthz", healthz),
    )
    for name, request in requests:
        spent, statements = measure(app, request)
        median, p90 = statistics.median(spent), statistics.quantiles(spent, n=10)[8]
        goal = GOALS[name]
        verdict = "" if goal is None else f"  goal <= {goal} ms: {'met' if median <= goal else 'not met'}"
        print(f"{dialect}: {name:<18} {median:6.1f} ({p90:5.1f}) {statements:5.1f} statements{verdict}")


if __name__ == "__main__":
    main()
