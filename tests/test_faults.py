"""Faults on the way between a phone and the database: lost replies, dead servers, dead databases.

Covered elsewhere, not repeated here:
- a batch dying half-way inside the server keeps nothing (tests/sync/test_sync_push.py
  test_a_batch_dying_half_way_keeps_nothing);
- a lost reply retried in-process, with a new change appended to the batch
  (tests/sync/test_sync_push.py test_lost_reply_retry_returns_the_committed_outcome);
- the same batch sent twice at once (tests/sync/test_sync_concurrency.py).
Here the reply is lost on a real socket and the server is a real process that gets killed.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from server import create_app
from server.auth.models import DeviceToken
from server.extensions import db
from server.households.models import Household
from server.models_base import current_version
from server.mutations.models import Mutation
from tests import factories as f

LIVE_SERVER = Path(__file__).with_name("live_server.py")
START_MS = 1_760_000_000_000
# Extensions are shared by every app: a second app built with the limiter off would turn it off
# for the test app too, so extra apps keep the test app's settings.
SHARED_SETTINGS = {"SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": True}


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def households(commune, device_id: str, count: int, first: int = 0) -> list[dict]:
    """`count` new households, each with its "yes" to the programme, as a phone queues them (2 × count)."""
    mutations = []
    for n in range(count):
        record_id, clock = uuid.uuid4(), f.hlc(START_MS + first + n, device_id)
        fields = {"head_name": f"Thạch Sóc {first + n}", "commune_code": commune.code}
        mutations += [
            f.mutation("household", record_id, fields, clock),
            f.consent_mutation(record_id, "programme", True, clock),
        ]
    return mutations


def push_body(mutations: list[dict], queued: int = 0) -> bytes:
    """The JSON body of one push."""
    return json.dumps({"app_version": "1.0.0", "queued": queued, "mutations": mutations}).encode()


class LiveServer:
    """The app in a subprocess on loopback, over a SQLite file the test can read too."""

    def __init__(self, url: str, marker: Path | None = None):
        self.url, self.marker, self.port = url, marker, free_port()
        command = [sys.executable, str(LIVE_SERVER), url, str(self.port)]
        if marker:
            command += ["--slow-push", str(marker)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout.readline().strip() == "ready"

    def connection(self, timeout: float = 60) -> http.client.HTTPConnection:
        """A fresh HTTP connection to the server."""
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def push(self, raw_token: str, body: bytes) -> tuple[int, dict]:
        """Send a push and read the whole reply."""
        connection = self.connection()
        connection.request("POST", "/api/v1/sync/push", body=body, headers=self.headers(raw_token))
        response = connection.getresponse()
        reply = (response.status, json.loads(response.read()))
        connection.close()
        return reply

    def send_and_hang_up(self, raw_token: str, body: bytes) -> None:
        """Send a push and close the socket before any reply comes: the reply is lost."""
        connection = self.connection()
        connection.request("POST", "/api/v1/sync/push", body=body, headers=self.headers(raw_token))
        connection.sock.shutdown(socket.SHUT_RDWR)
        connection.close()

    def headers(self, raw_token: str) -> dict:
        """Headers of the phone."""
        return {**f.bearer(raw_token), "Content-Type": "application/json"}

    def kill(self) -> None:
        """SIGKILL: no cleanup, no rollback by the process itself."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """End the server if it still runs."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process.stdout.close()


@pytest.fixture
def live_db(tmp_path, app):
    """A SQLite file with a trainer's phone, shared by the test and its server processes.

    Yields (url, commune, device_id, raw token) and an app bound to the same file for checks.
    """
    url = f"sqlite:///{tmp_path / 'live.db'}"
    checker = create_app({"SQLALCHEMY_DATABASE_URI": url, **SHARED_SETTINGS})
    with checker.app_context():
        db.create_all()
        db.session.execute(sa.text("INSERT INTO version_counter (id, value) VALUES (1, 0)"))
        db.session.commit()
        tree = f.small_tree()
        token, raw = f.device(f.user("trainer", [tree["commune"]]))
        yield {"url": url, "commune": tree["commune"], "device_id": token.device_id, "raw": raw, "app": checker}
        db.session.remove()
        db.engine.dispose()


def counts(checker) -> tuple[int, int, int]:
    """Households, logged mutations and the version counter, read afresh."""
    with checker.app_context():
        db.session.remove()
        households_count = db.session.scalar(sa.select(sa.func.count()).select_from(Household))
        mutations_count = db.session.scalar(sa.select(sa.func.count()).select_from(Mutation))
        version = current_version(db.session)
        db.session.remove()
        return households_count, mutations_count, version


def wait_for(condition, seconds: float = 60) -> None:
    """Poll until the condition holds (not a timing assert: the limit only stops a hang)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def test_reply_lost_on_the_wire_then_retried_duplicates_nothing(live_db):
    server = LiveServer(live_db["url"])
    try:
        batch = households(live_db["commune"], live_db["device_id"], 20)
        server.send_and_hang_up(live_db["raw"], push_body(batch))
        wait_for(lambda: counts(live_db["app"])[1] == 40)  # the server committed, the phone heard nothing
        committed = counts(live_db["app"])
        status, reply = server.push(live_db["raw"], push_body(batch))
    finally:
        server.stop()
    assert status == 200
    assert {result["status"] for result in reply["results"]} == {"duplicate"}
    assert counts(live_db["app"]) == committed == (20, 40, committed[2])


def test_server_killed_in_the_middle_of_a_push_keeps_nothing_and_the_retry_completes(live_db, tmp_path):
    marker = tmp_path / "writing"
    batch = households(live_db["commune"], live_db["device_id"], 250)
    before = counts(live_db["app"])
    slow = LiveServer(live_db["url"], marker=marker)
    try:
        slow.send_and_hang_up(live_db["raw"], push_body(batch))
        wait_for(marker.exists)  # mutations are being written, nothing committed yet
        slow.kill()
    finally:
        slow.stop()
    assert counts(live_db["app"]) == before == (0, 0, before[2])

    server = LiveServer(live_db["url"])
    try:
        status, reply = server.push(live_db["raw"], push_body(batch))
    finally:
        server.stop()
    assert status == 200
    assert [result["status"] for result in reply["results"]] == ["applied"] * 500
    households_count, mutations_count, version = counts(live_db["app"])
    assert (households_count, mutations_count) == (250, 500)
    assert version > before[2]


@pytest.fixture
def unreachable_app(request):
    """An app whose database cannot be reached."""
    url = request.param
    broken = create_app({"SQLALCHEMY_DATABASE_URI": url, **SHARED_SETTINGS})
    yield broken
    with broken.app_context():
        db.engine.dispose()


UNREACHABLE = [
    "sqlite:////nonexistent-directory/lensan.db",
    "postgresql+psycopg://lensan@127.0.0.1:1/lensan?connect_timeout=2",
]


@pytest.mark.parametrize("unreachable_app", UNREACHABLE, indirect=True, ids=["sqlite", "postgresql"])
def test_unreachable_database_is_a_503_for_health_checks_and_phones(unreachable_app):
    client = unreachable_app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["database"] == "unreachable"
    push = client.post("/api/v1/sync/push", json={"mutations": []}, headers=f.bearer("ls_any-token"))
    assert push.status_code == 503
    assert push.mimetype == "application/problem+json"
    assert push.get_json()["status"] == 503
    assert "Retry-After" in push.headers  # the phone backs off and keeps its outbox
    pull = client.get("/api/v1/sync/pull", headers=f.bearer("ls_any-token"))
    assert pull.status_code == 503 and pull.mimetype == "application/problem+json"


def test_a_week_offline_outbox_of_3000_changes_in_batches_of_500_is_applied_once(ctx, client):
    tree = f.small_tree()
    token, raw = f.device(f.user("trainer", [tree["commune"]]))
    token_id, device_id = token.id, token.device_id
    created = households(tree["commune"], device_id, 1000)
    edits = [
        f.mutation("household", m["record_id"], {"phone": f"0912{n:06d}"}, f.hlc(START_MS + 10_000 + n, device_id))
        for n, m in enumerate(created[::2])
    ]
    outbox = created + edits
    batches = [outbox[start : start + 500] for start in range(0, len(outbox), 500)]
    statuses = []
    for number, batch in enumerate(batches):
        queued = len(outbox) - 500 * (number + 1)
        reply = client.post("/api/v1/sync/push", data=push_body(batch, queued), headers=_json(raw))
        assert reply.status_code == 200
        statuses += [result["status"] for result in reply.get_json()["results"]]
        if number == 2:  # this reply is lost: the phone sends the same batch again
            again = client.post("/api/v1/sync/push", data=push_body(batch, queued), headers=_json(raw))
            assert {result["status"] for result in again.get_json()["results"]} == {"duplicate"}
    assert statuses == ["applied"] * 3000
    db.session.remove()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 1000
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mutation)) == 3000
    phones = db.session.scalars(sa.select(Household.phone)).all()
    assert sorted(phones) == sorted(f"0912{n:06d}" for n in range(1000))
    assert db.session.get(DeviceToken, token_id).queued_changes == 0


def _json(raw: str) -> dict:
    return {**f.bearer(raw), "Content-Type": "application/json"}
