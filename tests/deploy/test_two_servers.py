"""Two app servers, one database, one queue, one `flask worker`: what production runs (issue #15).

The test starts everything itself: two gunicorn instances on their own ports (B with two workers),
one database (PostgreSQL when TEST_DATABASE_URL or DATABASE_URL names one, else a SQLite file
they share), the queue on Redis when REDIS_URL is set (tools/with-redis) or else the embedded
SQLite queue, and `flask worker`. Select these tests with `-m deploy`.
"""

import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests import factories as f

# One deployment for the module: under pytest-xdist its tests stay on one worker (--dist loadgroup).
pytestmark = [pytest.mark.deploy, pytest.mark.xdist_group("two_servers")]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _own_redis_database(url: str | None) -> str | None:
    """The Redis of tools/with-redis, in a database numbered for this test process (0 is left alone)."""
    if not url:
        return None
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    return f"{url.rsplit('/', 1)[0]}/{1 + int(worker or 0) % 15}"


REDIS_URL = _own_redis_database(os.environ.get("REDIS_URL"))
POSTGRES_URL = next(
    (url for url in (os.environ.get("TEST_DATABASE_URL"), os.environ.get("DATABASE_URL")) if url and "postgres" in url),
    None,
)
SIGN_IN_LIMIT = 6
ADMIN = ("admin", "admin-demo-2026")
TRAINER = ("taphuan1", "taphuan-demo-2026")
START_MS = 1_780_000_000_000


def _free_ports(count: int) -> list[int]:
    """Free ports, from 5130-5139 first (this machine's share), else any."""
    found = []
    for port in [*range(5130, 5140), *([0] * count)]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            found.append(probe.getsockname()[1])
        if len(found) == count:
            return found
    raise RuntimeError("no free ports")


def _postgres_database(base_url: str) -> tuple[str, callable]:
    """A database of its own on the test server, and how to drop it."""
    admin_url = sa.engine.make_url(base_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{admin_url.database}_two_servers_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


class Cluster:
    """The processes of one deployment and the environment they share."""

    def __init__(self, base: Path, database_url: str):
        self.base, self.database_url = base, database_url
        leave_out = ("TEST_DATABASE_URL", "REDIS_URL", "RATELIMIT_STORAGE_URI")  # the tests' own (tests/conftest.py)
        self.env = {k: v for k, v in os.environ.items() if k not in leave_out}
        self.env.update(
            FLASK_APP="wsgi.py",
            DATABASE_URL=database_url,
            SECRET_KEY="two-servers-secret",  # what several app servers must share
            PUBLIC_BASE_URL="https://lensan.example",
            JOB_FILES_DIR=str(base / "jobs"),  # shared storage in production
            # Short, for the test to see a killed worker's job soon; long enough that a worker
            # slowed down by a busy machine still counts as alive.
            JOB_STALE_SECONDS="10",
            LOGIN_RATE_LIMIT=f"{SIGN_IN_LIMIT} per minute",
            LOGIN_MAX_FAILURES="1000",  # this test counts the address limit, not the account lock
            LABEL_BATCHES_AT_ONCE="5",
        )
        if REDIS_URL:
            self.env["REDIS_URL"] = REDIS_URL  # limits and queue on Redis
        else:
            self.env["JOB_QUEUE_URL"] = f"sqlite:///{base / 'queue.sqlite3'}"
        self.processes: list[subprocess.Popen] = []
        self.urls: dict[str, str] = {}
        self.worker: subprocess.Popen | None = None

    def flask(self, *args: str) -> None:
        subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=self.env, check=True, capture_output=True)

    def _start(self, command: list[str], log: str) -> subprocess.Popen:
        with open(self.base / log, "ab") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def serve(self, name: str, port: int, workers: int) -> None:
        """A gunicorn instance, as production runs it; returns when it answers."""
        command = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "wsgi:app"]
        process = self._start(command, f"gunicorn-{name}.log")
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert process.poll() is None, (self.base / f"gunicorn-{name}.log").read_text()
            try:
                if requests.get(f"{url}/healthz", timeout=10).status_code == 200:
                    self.urls[name] = url
                    return
            except requests.RequestException:  # not listening yet, or still loading the app
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn {name} did not start")

    def start_worker(self) -> subprocess.Popen:
        """`flask worker`, the queue's one consumer."""
        self.worker = self._start([str(BIN / "flask"), "worker", "--threads", "1"], "worker.log")
        return self.worker

    def kill_worker(self) -> None:
        """SIGKILL: the worker gets no chance to say anything about its job."""
        os.kill(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    base = tmp_path_factory.mktemp("two-servers")
    drop = None
    if POSTGRES_URL:
        database_url, drop = _postgres_database(POSTGRES_URL)
    else:
        database_url = f"sqlite:///{base / 'lensan.db'}"
    if REDIS_URL:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    cluster = Cluster(base, database_url)
    try:
        cluster.flask("db", "upgrade")
        cluster.flask("demo-data", "--households", "40")
        port_a, port_b = _free_ports(2)
        cluster.serve("a", port_a, workers=1)
        cluster.serve("b", port_b, workers=2)
        cluster.start_worker()
        cluster.engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
        yield cluster
    finally:
        cluster.stop()
        if hasattr(cluster, "engine"):
            cluster.engine.dispose()
        if drop:
            drop()


def _sign_in(url: str, login: tuple[str, str]) -> dict:
    """A phone's sign-in; returns the token reply."""
    body = {"username": login[0], "password": login[1], "device_label": "Two servers", "app_version": "1.0.0"}
    reply = requests.post(f"{url}/api/v1/auth/token", json=body, timeout=30)
    assert reply.status_code == 201, reply.text
    return reply.json()


def _bearer(signed_in: dict) -> dict:
    return {"Authorization": f"Bearer {signed_in['token']}"}


def _a_lot(cluster) -> str:
    with cluster.engine.connect() as conn:
        return str(uuid.UUID(str(conn.execute(sa.text("SELECT id FROM lots ORDER BY code LIMIT 1")).scalar())))


def _poll(url: str, headers: dict, until, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = requests.get(url, params={"lang": "en"}, headers=headers, timeout=30)
        assert status.status_code == 200, status.text
        body = status.json()
        if until(body):
            return body
        time.sleep(0.2)
    raise AssertionError(f"still {body} after {timeout} s")


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def test_a_batch_started_on_one_server_is_followed_and_downloaded_on_the_other(cluster):
    a, b = cluster.urls["a"], cluster.urls["b"]
    admin = _bearer(_sign_in(a, ADMIN))
    body = {"kind": "lot", "lot_id": _a_lot(cluster), "count": 30, "layout": "a4-3x8"}
    started = requests.post(f"{a}/api/v1/labels/batches", json=body, headers=admin, timeout=30)
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["pages_total"] == 2
    done = _poll(f"{b}{job['status_url']}", admin, lambda s: s["state"] in ("done", "failed"))
    assert done["state"] == "done" and done["pages_done"] == 2 and done["message"] is None
    pdf = requests.get(f"{b}{done['download_url']}", headers=admin, timeout=30)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert _pages(pdf.content) == 2


def test_a_phone_signed_in_on_one_server_syncs_through_the_other(cluster):
    a, b = cluster.urls["a"], cluster.urls["b"]
    phone = _sign_in(a, TRAINER)
    headers = {**_bearer(phone), "Accept-Encoding": "gzip"}
    cursor, more = 0, True
    while more:
        query = {"cursor": cursor, "limit": 2000}
        page = requests.get(f"{b}/api/v1/sync/pull", params=query, headers=headers, timeout=60)
        assert page.status_code == 200, page.text
        cursor, more = page.json()["next_cursor"], page.json()["has_more"]
    record_id, clock = str(uuid.uuid4()), f.hlc(START_MS, phone["device_id"])
    fields = {"head_name": "Thạch Sóc Hai Máy", "commune_code": phone["scope"]["communes"][0]}
    mutations = [
        {"mutation_id": str(uuid.uuid4()), "entity": "household", "record_id": record_id, "op": "upsert"}
        | {"base_version": None, "clock": clock, "fields": fields},
        {"mutation_id": str(uuid.uuid4()), "entity": "consent", "record_id": str(uuid.uuid4()), "op": "upsert"}
        | {"base_version": None, "clock": clock}
        | {"fields": {"household_id": record_id, "purpose": "programme", "given": True}},
    ]
    push = {"app_version": "1.0.0", "queued": 0, "mutations": mutations}
    pushed = requests.post(f"{b}/api/v1/sync/push", json=push, headers=_bearer(phone), timeout=30)
    assert pushed.status_code == 200, pushed.text
    pulled = requests.get(f"{a}/api/v1/sync/pull", params={"cursor": cursor}, headers=headers, timeout=30).json()
    households = pulled["records"]["household"]
    rows = [dict(zip(households["columns"], row, strict=True)) for row in households["rows"]]
    assert [row["head_name"] for row in rows if row["id"] == record_id] == ["Thạch Sóc Hai Máy"]


@pytest.fixture
def sign_in_counts_from_zero():
    """The sign-in limit starts from zero (the other tests signed in too), and is lifted after."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)

    def forget():
        for key in client.scan_iter("LIMITS*"):
            client.delete(key)

    forget()
    yield
    forget()
    client.close()


_TRIED = itertools.count()


def _wrong_password(url: str) -> int:
    # A new name each time: repeating one name from one address meets the sign-in brake before the limit.
    name = f"nobody{next(_TRIED)}"
    body = {"username": name, "password": "not-the-password", "device_label": "x", "app_version": "1.0.0"}
    return requests.post(f"{url}/api/v1/auth/token", json=body, timeout=30).status_code


@pytest.mark.redis
def test_the_sign_in_limit_counts_attempts_on_both_servers(cluster, sign_in_counts_from_zero):
    servers = [cluster.urls["a"], cluster.urls["b"]] * SIGN_IN_LIMIT
    answers = [_wrong_password(url) for url in servers[:SIGN_IN_LIMIT]]
    assert answers == [401] * SIGN_IN_LIMIT
    refused = requests.post(
        f"{servers[SIGN_IN_LIMIT]}/api/v1/auth/token",
        json={"username": ADMIN[0], "password": ADMIN[1], "device_label": "x", "app_version": "1.0.0"},
        timeout=30,
    )
    assert refused.status_code == 429  # even the right password, on either server, until the minute is over
    assert _wrong_password(cluster.urls["a"]) == 429


@pytest.mark.redis
def test_the_sign_in_limit_holds_across_the_workers_of_one_server(cluster, sign_in_counts_from_zero):
    b = cluster.urls["b"]  # two gunicorn workers: each new connection may land on either
    assert [_wrong_password(b) for _ in range(SIGN_IN_LIMIT)] == [401] * SIGN_IN_LIMIT
    assert [_wrong_password(b) for _ in range(4)] == [429] * 4


KILLED_JOB_LABELS = 1000


def test_a_batch_whose_worker_is_killed_is_run_again_by_the_next_worker(cluster):
    a, b = cluster.urls["a"], cluster.urls["b"]
    admin = _bearer(_sign_in(a, ADMIN))
    # Enough labels that the job is still running when the test sees its first page: 150 were
    # all done within the first poll of a fast machine.
    body = {"kind": "lot", "lot_id": _a_lot(cluster), "count": KILLED_JOB_LABELS, "layout": "roll-58"}
    job = requests.post(f"{a}/api/v1/labels/batches", json=body, headers=admin, timeout=30).json()
    status_url = f"{b}{job['status_url']}"
    _poll(status_url, admin, lambda s: s["state"] == "running" and s["pages_done"] >= 1)
    cluster.kill_worker()
    # No worker beats the job's heartbeat any more: the next poll after JOB_STALE_SECONDS queues it again.
    retried = _poll(f"{a}{job['status_url']}", admin, lambda s: s["state"] != "running", timeout=60)
    assert retried["state"] == "queued"
    assert retried["message"] == "The server stopped while doing this job; it has been started again."
    cluster.start_worker()
    done = _poll(status_url, admin, lambda s: s["state"] in ("done", "failed"), timeout=180)
    worker_log = (cluster.base / "worker.log").read_text()
    assert done["state"] == "done" and done["pages_done"] == KILLED_JOB_LABELS, (done, worker_log)
    assert done["message"] == "The server stopped while doing this job; it has been started again."
    pdf = requests.get(f"{a}{done['download_url']}", headers=admin, timeout=30)
    assert _pages(pdf.content) == KILLED_JOB_LABELS
