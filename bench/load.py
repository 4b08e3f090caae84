"""Load test: 200 phones syncing at once and 200 buyers opening origin pages, on gunicorn + PostgreSQL.

Run with `make bench-load` (starts a throw-away PostgreSQL on loopback). Prints throughput,
latency percentiles and errors. Every loop is bounded in count and in time; only loopback is used.

Then the capacity ramp: open-loop arrivals (a request starts at its scheduled time whether or
not earlier ones have been answered, as phones and buyers do) of a 1:1:1 mix of a push of 20,
an incremental pull and an origin page (a buyer's first scan, counted), at BENCH_RATES requests
per second (default 20, 40, 60, 80, 100, 120, 150, 200), BENCH_STEP_SECONDS each (default 15).
The generator is light: the step's request bodies are made before it starts, BENCH_CONNECTIONS
threads (default 96) each send over one keep-alive connection (as nginx keeps its upstream
ones), and latency counts from the moment a request was due. gunicorn runs with
deploy/gunicorn.conf.py. Per step it prints p50/p95 and errors, the load generator's own CPU
(it shares the machine with gunicorn and PostgreSQL), gunicorn's CPU per request and the load
average; at the end the knee: the highest rate with p95 < 1 s and no errors. The ramp stops
after a step with p95 above 5 s or errors in more than a tenth of the requests.

The phones are phones in service: each signs in and makes its first full pull beforehand, eight
at a time (what a trainer does once, the day the phone is set up; those figures are printed
separately). The measured burst is the daily sync: all phones at the same moment push a week's
changes and pull what changed since their last sync, while the buyers open origin pages.
"""

import http.client
import json
import os
import queue
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from phone_push import registrations  # noqa: E402

from server.clock import format_clock, now_ms  # noqa: E402  (the repository root is on the path only now)

PHONES = int(os.environ.get("BENCH_PHONES", 200))
BUYERS = int(os.environ.get("BENCH_BUYERS", 200))
MUTATIONS_PER_PHONE = int(os.environ.get("BENCH_MUTATIONS", 20))
TIME_LIMIT = float(os.environ.get("BENCH_SECONDS", 180))
RATES = [float(r) for r in os.environ.get("BENCH_RATES", "20,40,60,80,100,120,150,200").split(",")]
STEP_SECONDS = float(os.environ.get("BENCH_STEP_SECONDS", 15))
BURST = os.environ.get("BENCH_BURST", "1") != "0"  # the daily-sync burst before the ramp
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 96))  # generator threads, one kept connection each
REQUESTS_PER_CONNECTION = int(os.environ.get("BENCH_REQUESTS_PER_CONNECTION", 50))
REFUSED = 1  # the status a ramp step counts for a push answered 200 with a refused mutation in it
PASSWORD = "bench-password-2026"


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env, *args):
    """Run a flask command against the bench database."""
    subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", *args],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def prepare(env) -> None:
    """Migrate, load the demo, and create one trainer per phone."""
    flask(env, "db", "upgrade")
    flask(env, "demo-data", "--households", "2000")
    # One trainer per phone, spread over the communes of the demo province as in the field
    # (a trainer or two per commune), the demo's own communes included.
    script = (
        "from server.extensions import db\n"
        "from server.auth.operations import create_user\n"
        "from server.demo.names import COMMUNES, PROVINCES\n"
        "from server.places.models import Place\n"
        "import sqlalchemy as sa\n"
        "demo = [c.code for c in COMMUNES]\n"
        "others = db.session.scalars(sa.select(Place.code).where(Place.kind == 'commune', "
        "Place.province_code.in_(PROVINCES), Place.code.not_in(demo)).order_by(Place.code)).all()\n"
        "codes = demo + others\n"
        f"for i in range({PHONES}):\n"
        f"    create_user(f'phone{{i}}', '{PASSWORD}', 'trainer', [codes[i % len(codes)]])\n\n"
        "db.session.commit()\n"  # operations flush, the caller commits
    )
    subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "shell"],
        input=script.encode(),
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


class Recorder:
    """Latencies and errors per kind of request, shared by the worker threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.statuses: dict[str, dict[int, int]] = {}

    def call(self, port, kind, method, path, body=None, token=None):
        """Make one request, record its latency; returns (status, parsed JSON or None)."""
        headers = {"Content-Type": "application/json", "Accept-Encoding": "identity"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = conn.getresponse()
            data = response.read()
            status = response.status
        except OSError:
            status, data = 0, b""
        finally:
            conn.close()
        elapsed = time.perf_counter() - start
        with self.lock:
            self.latency.setdefault(kind, []).append(elapsed)
            if status == 0 or status >= 400:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                counts = self.statuses.setdefault(kind, {})
                counts[status] = counts.get(status, 0) + 1
        try:
            return status, json.loads(data) if data and data[:1] in b"{[" else None
        except ValueError:
            return status, None


def sign_in(rec: Recorder, port: int, index: int) -> dict | None:
    """A phone signs in once (before the measured sync): its token, device id and communes."""
    status, signed = rec.call(
        port,
        "token",
        "POST",
        "/api/v1/auth/token",
        {"username": f"phone{index}", "password": PASSWORD, "device_label": f"bench {index}"},
    )
    if status != 201:
        print(f"phone {index} sign-in refused: {status} {signed}")
        return None
    return signed


def pull_all(rec: Recorder, port: int, token: str, cursor: int, deadline: float) -> int:
    """Pull pages until the phone is up to date; returns the new cursor."""
    pages = 0
    while time.monotonic() < deadline and pages < 200:
        status, page = rec.call(port, "pull", "GET", f"/api/v1/sync/pull?cursor={cursor}&limit=500", token=token)
        pages += 1
        if status != 200 or not page:
            break
        cursor = page["next_cursor"]
        if not page.get("has_more"):
            break
    return cursor


def set_up_phone(rec: Recorder, port: int, index: int, deadline: float) -> dict | None:
    """A phone put into service: signed in, with its first full pull done."""
    signed = sign_in(rec, port, index)
    if signed is not None:
        signed["cursor"] = pull_all(rec, port, signed["token"], 0, deadline)
    return signed


def push_body(index: int, signed: dict) -> dict:
    """A push of MUTATIONS_PER_PHONE mutations as the phone sends them: new households of the phone's
    commune with their programme consents (before 2 December 2026 this benchmark sent households
    alone, and measured refusals)."""
    device, commune = signed["device_id"], signed["scope"]["communes"][0]
    households = [(f"Bench {index}-{n}", format_clock(now_ms(), n, device)) for n in range(MUTATIONS_PER_PHONE // 2)]
    return registrations(households, commune, base_version=0)


def phone(rec: Recorder, port: int, index: int, signed: dict | None, deadline: float) -> None:
    """One phone's daily sync: push a week's work, then pull what changed since its last sync."""
    if signed is None:
        return
    token = signed["token"]
    rec.call(port, "push", "POST", "/api/v1/sync/push", push_body(index, signed), token)
    pull_all(rec, port, token, signed["cursor"], deadline)


def buyer(rec: Recorder, port: int, paths: list[str]) -> None:
    """One buyer scanning a label: open an origin page."""
    rec.call(port, "origin", "GET", random.choice(paths))


def origin_paths(env) -> list[str]:
    """Public origin page paths of the demo's lots."""
    script = (
        "import sqlalchemy as sa\nfrom urllib.parse import urlsplit\nfrom server.extensions import db\n"
        "from server.products.models import Lot, Product\nfrom server.public.codes import origin_url\n"
        "for lot, product in db.session.execute(sa.select(Lot, Product).join(Product)).all():\n"
        "    print(urlsplit(origin_url(product, lot.code)).path)\n\n"
    )
    out = subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "shell"],
        input=script.encode(),
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    ).stdout.decode()
    return [line for line in out.splitlines() if line.startswith("/")] or ["/healthz"]


def report(rec: Recorder, wall: float) -> None:
    """Print a table of throughput, percentiles and errors."""
    print(f"{'request':<8} {'count':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for kind, values in sorted(rec.latency.items()):
        q = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
        print(
            f"{kind:<8} {len(values):>6} {len(values) / wall:>7.1f} {q[49] * 1000:>8.0f} {q[94] * 1000:>8.0f} "
            f"{q[98] * 1000:>8.0f} {rec.errors.get(kind, 0):>6}"
        )
    for kind, counts in sorted(rec.statuses.items()):
        print(f"errors of {kind} by status (0 = no answer): {dict(sorted(counts.items()))}")


class KeptConnection:
    """One generator thread's keep-alive connection to gunicorn, as nginx keeps its upstream ones
    (deploy/nginx/lensan.conf); opened again after REQUESTS_PER_CONNECTION requests, so the
    connections keep spreading over the workers as they would over nginx's."""

    def __init__(self, port: int):
        self.port, self.conn, self.used = port, None, 0

    def request(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes]:
        """Send one request; a kept connection the server has closed meanwhile is opened again once."""
        for attempt in (1, 2):
            fresh = self.conn is None
            if fresh:
                self.conn, self.used = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30), 0
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                self.close()
                if fresh or attempt == 2:
                    return 0, b""
                continue
            self.used += 1
            if response.will_close or self.used >= REQUESTS_PER_CONNECTION:
                self.close()
            return response.status, data
        return 0, b""

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None


def ramp_plan(rate: float, phones: list[dict], paths: list[str], seconds: float) -> list[tuple]:
    """The step's arrivals, made before it starts (so making them costs the generator nothing while
    it runs): (due offset in seconds, kind, phone, body). Kinds take turns push, pull, origin."""
    plan = []
    for k in range(int(rate * seconds)):
        kind, index = ("push", "pull", "origin")[k % 3], k // 3 % len(phones)
        body = json.dumps(push_body(index, phones[index])).encode() if kind == "push" else None
        plan.append((k / rate, kind, phones[index], body if kind == "push" else random.choice(paths)))
    return plan


def ramp_send(conn: KeptConnection, kind: str, phone: dict, extra) -> int:
    """Send one arrival of the mix: a push of 20, an incremental pull (one page), or an origin page."""
    headers = {"Accept-Encoding": "identity"}
    if kind == "origin":
        # A buyer's phone: a browser's user agent, so the visit is counted as a scan.
        headers["User-Agent"] = f"Mozilla/5.0 (Linux; Android 13; bench {random.randrange(10**6)}) Chrome/120.0"
        return conn.request("GET", extra, None, headers)[0]
    headers["Authorization"] = f"Bearer {phone['token']}"
    if kind == "push":
        headers["Content-Type"] = "application/json"
        status, data = conn.request("POST", "/api/v1/sync/push", extra, headers)
        if status == 200 and any(r["status"] == "rejected" for r in json.loads(data)["results"]):
            return REFUSED  # the push measured refusals, not the work of writing
        return status
    status, data = conn.request("GET", f"/api/v1/sync/pull?cursor={phone['cursor']}&limit=500", None, headers)
    if status == 200:
        phone["cursor"] = json.loads(data)["next_cursor"]
    return status


def process_cpu(pids: list[int]) -> float:
    """CPU seconds used so far by these processes (user + system, from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass  # a worker restarted (max_requests) since the list was made
    return total / ticks


def worker_pids(master: int) -> list[int]:
    """gunicorn's master and its workers."""
    try:
        with open(f"/proc/{master}/task/{master}/children") as fh:
            return [master, *map(int, fh.read().split())]
    except OSError:
        return [master]


def ramp_step(
    port: int, rate: float, phones: list[dict], paths: list[str], server_pid: int, seconds: float = STEP_SECONDS
) -> dict:
    """Open-loop arrivals at `rate` per second for STEP_SECONDS; returns the step's figures.

    A request's latency is counted from the moment it was due, not from when a generator thread
    was free to send it, so a queue in the generator shows in the figures instead of hiding them.
    """
    plan = ramp_plan(rate, phones, paths, seconds)
    pending: queue.SimpleQueue = queue.SimpleQueue()
    latency: dict[str, list[float]] = {}
    statuses: dict[str, dict[int, int]] = {}
    lock = threading.Lock()

    def work():
        conn = KeptConnection(port)
        while (item := pending.get()) is not None:
            due, kind, phone, extra = item
            status = ramp_send(conn, kind, phone, extra)
            elapsed = time.perf_counter() - due
            with lock:
                latency.setdefault(kind, []).append(elapsed)
                if status in (0, REFUSED) or status >= 400:
                    counts = statuses.setdefault(kind, {})
                    counts[status] = counts.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    servers = worker_pids(server_pid)
    cpu, server_cpu, start = time.process_time(), process_cpu(servers), time.perf_counter()
    late = 0.0
    for offset, kind, phone, extra in plan:
        due = start + offset
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        else:
            late = max(late, -wait)  # how far the generator fell behind its schedule
        pending.put((due, kind, phone, extra))
    for _thread in threads:
        pending.put(None)
    for thread in threads:
        thread.join(timeout=120)
    wall = time.perf_counter() - start
    generator_cpu = (time.process_time() - cpu) / wall
    server_cpu = process_cpu(servers) - server_cpu
    values = sorted(v for kind in latency.values() for v in kind)
    q = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
    per_kind = {kind: statistics.quantiles(v, n=100)[94] if len(v) > 1 else v[0] for kind, v in latency.items()}
    return {
        "rate": rate,
        "count": len(values),
        "p50": q[49],
        "p95": q[94],
        "errors": sum(sum(counts.values()) for counts in statuses.values()),
        "per_kind": per_kind,
        "statuses": statuses,
        "generator_cpu": generator_cpu,
        "server_cpu_ms": server_cpu * 1000 / max(len(values), 1),
        "late": late,
        "load": os.getloadavg()[0],
    }


def ramp(port: int, phones: list[dict], paths: list[str], server_pid: int) -> None:
    """Raise the rate step by step; print each step and the knee."""
    print(
        f"capacity ramp: open-loop arrivals, push of {MUTATIONS_PER_PHONE} : incremental pull : origin page = 1:1:1,"
        f" {STEP_SECONDS:.0f} s a step, {CONNECTIONS} keep-alive connections; the machine is shared (load average"
        f" {os.getloadavg()[0]:.1f} before the ramp)"
    )
    print(
        f"{'req/s':>6} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}  {'p95 push/pull/origin ms':<24}"
        f" {'gen. CPU':>8} {'late s':>6} {'gunicorn CPU/req':>16} {'load':>5}"
    )
    # Not measured: every worker meets each kind of request once before (statements compiled, templates read).
    ramp_step(port, RATES[0], phones, paths, server_pid, seconds=5)
    knee = None
    for rate in RATES:
        step = ramp_step(port, rate, phones, paths, server_pid)
        kinds = "/".join(f"{step['per_kind'].get(k, 0) * 1000:.0f}" for k in ("push", "pull", "origin"))
        print(
            f"{rate:>6.0f} {step['count']:>6} {step['p50'] * 1000:>8.0f} {step['p95'] * 1000:>8.0f} {step['errors']:>6}"
            f"  {kinds:<24} {step['generator_cpu'] * 100:>7.0f}% {step['late']:>6.2f}"
            f" {step['server_cpu_ms']:>13.1f} ms {step['load']:>5.1f}"
        )
        for kind, counts in sorted(step["statuses"].items()):
            print(f"       errors of {kind} by status (0 = no answer, 1 = refusals): {dict(sorted(counts.items()))}")
        if step["p95"] < 1 and step["errors"] == 0:
            knee = rate
        if step["p95"] > 5 or step["errors"] > step["count"] / 10:
            break
    verdict = "none of the rates" if knee is None else f"{knee:.0f} requests/s"
    print(f"knee (highest rate with p95 < 1 s and no errors): {verdict} (goal >= 100)")
    print(
        "gen. CPU: the load generator's own CPU, in % of one core; late: how far it fell behind its schedule;"
        " gunicorn CPU/req: the app servers' CPU (master and workers) per request of the step; load: the"
        " machine's load average at the end of the step (2 cores)"
    )


def warm_up(port: int, workers: int) -> None:
    """Wait until every worker has loaded the app, so start-up is not measured as latency."""
    answered, deadline = 0, time.monotonic() + 120
    while answered < workers * 4 and time.monotonic() < deadline:
        status, _ = Recorder().call(port, "warm", "GET", "/healthz")
        answered = answered + 1 if status == 200 else 0
        if status != 200:
            time.sleep(0.2)


def main() -> int:
    """Start gunicorn on the bench database, run phones and buyers at once, print the figures."""
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url or not url.startswith("postgres"):
        print("Run through tools/with-postgres (make bench-load): the load test needs PostgreSQL.")
        return 2
    port = int(os.environ.get("BENCH_PORT") or free_port())
    env = {**os.environ, "DATABASE_URL": url, "LOGIN_RATE_LIMIT": "100000 per minute", "SECRET_KEY": "bench"}
    prepare(env)
    paths = origin_paths(env)
    # gunicorn as production runs it (deploy/gunicorn.conf.py: 2 × cores + 1 workers of 8 threads,
    # keep-alive, no access log of its own); only the address, and the worker count if BENCH_WORKERS says so.
    workers = os.environ.get("BENCH_WORKERS", str(2 * os.cpu_count() + 1))
    server_env = {**env, "WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": workers}
    config = str(ROOT / "deploy/gunicorn.conf.py")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--config",
            config,
            "--backlog",
            "1024",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        env=server_env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,  # the access log, when WEB_ACCESS_LOG=- asks for it
    )
    try:
        warm_up(port, int(workers))
        set_up = Recorder()
        deadline = time.monotonic() + TIME_LIMIT
        with ThreadPoolExecutor(max_workers=8) as pool:
            phones = list(pool.map(lambda i: set_up_phone(set_up, port, i, deadline), range(PHONES)))
        print("setting the phones up beforehand, 8 at a time (sign-in with scrypt, first full pull):")
        report(set_up, sum(sum(v) for v in set_up.latency.values()) / 8 or 1)
        if BURST:
            rec = Recorder()
            deadline = time.monotonic() + TIME_LIMIT
            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=PHONES + BUYERS) as pool:
                jobs = [pool.submit(phone, rec, port, i, phones[i], deadline) for i in range(PHONES)]
                jobs += [pool.submit(buyer, rec, port, paths) for _ in range(BUYERS)]
                for job in jobs:
                    job.result()
            wall = time.perf_counter() - start
            print(
                f"{PHONES} phones ({MUTATIONS_PER_PHONE} changes each, then the pull since their last sync) and "
                f"{BUYERS} buyers at once, gunicorn {workers} workers × 8 threads, PostgreSQL on loopback, {wall:.1f} s"
            )
            report(rec, wall)
        signed = [p for p in phones if p is not None]
        if signed:
            ramp(port, signed, paths, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
