"""Push 10,000 mutations (households with their consent, then attendance) in batches of 500; compare to a bulk insert.

    python bench/sync_push.py                       # SQLite
    tools/with-postgres python bench/sync_push.py   # PostgreSQL

Prints mutations per second through POST /api/v1/sync/push and the ratio of its time to a
SQLAlchemy Core bulk insert of the same rows into the same tables in the same run.

The push and pouchdb-server take turns, BENCH_ROUNDS times (default 3), each round on empty
tables and a new pouchdb database: a machine whose speed drifts over a minute (a shared or
cloud one) then weighs on both sides alike. Each round's figures are printed, then the median
round's. Both sides are warm: before the rounds each takes the documents once (untimed) —
the app on its tables, then emptied, and pouchdb-server, which runs for the whole benchmark,
into a database of its own.

Side by side, in the same run, the same documents go to a local pouchdb-server (CouchDB's
replication protocol in Node, LevelDB in a scratch folder) through `_bulk_docs` in the same
batch size: pouchdb-server is installed from npm into a scratch folder outside the repository
(POUCHDB_SERVER_DIR, default /tmp/lensan-bench-pouchdb-server) the first time, with npm's
optional packages left out (its SQLite adapter does not build on Node 20; LevelDB does).
"""

import gzip
import http.client
import json
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sync_common import COMMUNE, make_app, phone_token

from server.clock import format_clock
from server.collector import settle
from server.extensions import db
from server.households.models import Consent, Household
from server.mutations.models import Mutation
from server.training.models import Attendance, TrainingSession

POUCHDB_DIR = os.environ.get("POUCHDB_SERVER_DIR", os.path.join(tempfile.gettempdir(), "lensan-bench-pouchdb-server"))
POUCHDB_PACKAGES = ("pouchdb-server@4.2.0", "pouchdb-adapter-leveldb@7.3.1")
HOUSEHOLDS = 2_500  # each with its programme consent and two sessions' attendance: 10,000 mutations
BATCH = 500
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def mutations(device_id: str, session_ids: list[uuid.UUID]) -> list[dict]:
    """Households registered with their consent (together, as the phone sends them), then attendance."""
    made = []

    def add(entity: str, record_id, fields: dict) -> None:
        clock = format_clock(1_760_000_000_000 + len(made), 0, device_id)
        made.append(
            {
                "mutation_id": str(uuid.uuid4()),
                "entity": entity,
                "record_id": str(record_id),
                "op": "upsert",
                "base_version": None,
                "clock": clock,
                "fields": fields,
            }
        )

    household_ids = [uuid.uuid4() for _ in range(HOUSEHOLDS)]
    for n, household_id in enumerate(household_ids):
        fields = {"head_name": f"Nguyễn Văn {n}", "commune_code": COMMUNE, "phone": f"09{n:08d}", "smartphone": "yes"}
        add("household", household_id, fields)
        given = {"household_id": str(household_id), "purpose": "programme", "given": True}
        add("consent", uuid.uuid4(), {**given, "recorded_at": "2026-03-01T08:00:00Z"})
    for session_id in session_ids:
        for household_id in household_ids:
            add(
                "attendance",
                uuid.uuid4(),
                {"session_id": str(session_id), "household_id": str(household_id), "method": "qr"},
            )
    return made


def push_all(app, raw: str, batch: list[dict], cpu: list | None = None) -> float:
    """Seconds to push the batch, BATCH at a time; `cpu` gets the CPU seconds this process spent on it."""
    client = app.test_client()
    started, cpu_started = time.perf_counter(), time.process_time()
    for start in range(0, len(batch), BATCH):
        chunk = batch[start : start + BATCH]
        # As the phone says: what is left in its outbox after this batch (the last one sends 0).
        body = {"queued": len(batch) - start - len(chunk), "mutations": chunk}
        with app.app_context():
            response = client.post("/api/v1/sync/push", json=body, headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 200, response.get_data(as_text=True)
        assert all(r["status"] == "applied" for r in response.get_json()["results"])
    if cpu is not None:
        cpu.append(time.process_time() - cpu_started)
    return time.perf_counter() - started


def bulk_insert(app, batch: list[dict]) -> float:
    now = datetime.now(UTC)
    households = [
        dict(
            id=uuid.UUID(m["record_id"]),
            head_name=m["fields"]["head_name"],
            commune_code=COMMUNE,
            phone=m["fields"]["phone"],
            smartphone="yes",
            preferred_language="vi",
            search_text="",
            field_clocks={},
            created_at=now,
            updated_at=now,
            version=0,
        )
        for m in batch
        if m["entity"] == "household"
    ]
    consents = [
        dict(
            id=uuid.UUID(m["record_id"]),
            household_id=uuid.UUID(m["fields"]["household_id"]),
            purpose="programme",
            given=True,
            recorded_at=now,
            field_clocks={},
            created_at=now,
            updated_at=now,
            version=0,
        )
        for m in batch
        if m["entity"] == "consent"
    ]
    attendance = [
        dict(
            id=uuid.UUID(m["record_id"]),
            session_id=uuid.UUID(m["fields"]["session_id"]),
            household_id=uuid.UUID(m["fields"]["household_id"]),
            method="qr",
            field_clocks={},
            created_at=now,
            updated_at=now,
            version=0,
        )
        for m in batch
        if m["entity"] == "attendance"
    ]
    empty_tables(app)
    with app.app_context():
        started = time.perf_counter()
        with db.engine.begin() as conn:
            conn.execute(sa.insert(Household.__table__), households)
            conn.execute(sa.insert(Consent.__table__), consents)
            conn.execute(sa.insert(Attendance.__table__), attendance)
        return time.perf_counter() - started


def empty_tables(app) -> None:
    """Every table as a fresh database has it, for the next round (the places and the phone kept).

    The summary hooks recompute every summary and counter after these DELETEs, as they say in a
    warning that is kept out of the benchmark's output."""
    hooks = logging.getLogger("server.reports.summary_hooks")
    level = hooks.level
    hooks.setLevel(logging.ERROR)
    try:
        with app.app_context():
            for model in (Mutation, Attendance, Consent, Household):
                db.session.execute(sa.delete(model))
            db.session.commit()
    finally:
        hooks.setLevel(level)


def validation_only(app, batch: list[dict]) -> tuple[float, float]:
    """The time the marshmallow schemas alone take to read the same mutations, and the push's quick reader."""
    from server.mutations.values import _LOADERS, _SCHEMAS
    from server.sync.operations import _MUTATION, _load_mutation

    with app.app_context():
        started = time.perf_counter()
        for raw in batch:
            mutation = _MUTATION.load(raw)
            _SCHEMAS[mutation["entity"]].load(mutation["changed"], partial=True)
        schemas = time.perf_counter() - started
        started = time.perf_counter()
        for raw in batch:
            mutation = _load_mutation(raw)
            _LOADERS[mutation["entity"]](mutation["changed"])
        return schemas, time.perf_counter() - started


def daily_push_sizes(app, raw: str, day: list[dict]) -> tuple[int, int, int, int]:
    """Bytes of a day's push (up, raw and gzipped as the phone sends it) and of its reply (down)."""
    body = json.dumps({"app_version": "bench", "queued": 0, "mutations": day}, separators=(",", ":")).encode()
    packed = gzip.compress(body, compresslevel=6)  # what the browser's CompressionStream("gzip") makes
    headers = {
        "Authorization": f"Bearer {raw}",
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
        "Accept-Encoding": "gzip",
    }
    with app.app_context():
        response = app.test_client().post("/api/v1/sync/push", data=packed, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    down = response.get_data()
    return len(body), len(packed), len(gzip.decompress(down)), len(down)


def pouchdb_server() -> str | None:
    """The pouchdb-server program, installed into POUCHDB_DIR if need be; None (and why, printed) if it cannot be."""
    program = os.path.join(POUCHDB_DIR, "node_modules", ".bin", "pouchdb-server")
    if not os.path.exists(program):
        npm = shutil.which("npm")
        if npm is None:
            print("pouchdb-server: npm is not installed, no comparison")
            return None
        command = [npm, "install", "--prefix", POUCHDB_DIR, "--omit=optional", "--no-audit", "--no-fund"]
        done = subprocess.run([*command, *POUCHDB_PACKAGES], capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or not os.path.exists(program):
            print(f"pouchdb-server could not be installed on Node here: {done.stderr.strip()[-400:]}")
            return None
    return program


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used so far, from /proc (None elsewhere than Linux)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


class PouchdbServer:
    """A local pouchdb-server for the whole run (LevelDB in a scratch folder), warmed up before it is timed.

    Node compiles its hot code as it runs: a fresh pouchdb-server took the documents up to a fifth
    slower than one that had taken them once already. It takes them once into a database of its
    own first, as the app takes them in a round of its own, and each round then has a new database.
    """

    def __init__(self, program: str):
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the previous run's connections may linger
            s.bind(("127.0.0.1", int(os.environ.get("POUCHDB_PORT", 0))))
            self.port = s.getsockname()[1]
        self.folder = tempfile.mkdtemp(prefix="lensan-bench-pouchdb-")
        config = os.path.join(self.folder, "c.json")
        self.process = subprocess.Popen(
            [program, "--port", str(self.port), "--dir", self.folder, "--no-stdout-logs", "--config", config],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.conn = None
        self.databases = 0
        for _ in range(300):  # up to 30 s for Node to start
            try:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.conn.request("GET", "/")
                self.conn.getresponse().read()
                break
            except OSError:
                self.conn = None
                time.sleep(0.1)

    def push(self, batch: list[dict], cpu: list | None = None) -> float:
        """Seconds to send the documents to a new database with _bulk_docs, BATCH at a time.

        `cpu` gets the CPU seconds pouchdb-server's process spent meanwhile (on a shared machine
        the fairer comparison: wall times there depend on what else runs)."""
        self.databases += 1
        name = f"bench{self.databases}"
        # A new connection each time: Node closes an idle one after 5 s, and a round may take longer.
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.conn.request("PUT", f"/{name}")
        self.conn.getresponse().read()
        docs = [{"_id": m["record_id"], "entity": m["entity"], "clock": m["clock"], **m["fields"]} for m in batch]
        started, cpu_started = time.perf_counter(), process_cpu(self.process.pid)
        for start in range(0, len(docs), BATCH):
            body = json.dumps({"docs": docs[start : start + BATCH]})
            self.conn.request("POST", f"/{name}/_bulk_docs", body=body, headers={"Content-Type": "application/json"})
            reply = json.loads(self.conn.getresponse().read())
            assert all(r.get("ok") for r in reply), reply[:3]
        spent = time.perf_counter() - started
        cpu_ended = process_cpu(self.process.pid)
        if cpu is not None and cpu_started is not None and cpu_ended is not None:
            cpu.append(cpu_ended - cpu_started)
        return spent

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_pouchdb() -> PouchdbServer | None:
    """A started pouchdb-server, or None (and why, printed)."""
    program = pouchdb_server()
    if program is None:
        return None
    server = PouchdbServer(program)
    if server.conn is None:
        print("pouchdb-server did not start")
        server.close()
        return None
    return server


def prepare() -> tuple:
    """(app, dialect, raw token, the 10,000 mutations): a phone of the commune and its two sessions."""
    app, dialect = make_app()
    raw, device_id = phone_token(app)
    session_ids = [uuid.uuid4(), uuid.uuid4()]
    with app.app_context():
        for n, session_id in enumerate(session_ids):
            held_on = date(2026, 3, 1 + n)
            db.session.add(TrainingSession(id=session_id, commune_code=COMMUNE, held_on=held_on, topics=["e_payment"]))
        db.session.commit()
    batch = mutations(device_id, session_ids)
    # The documents live in this process only because the test client runs in it: out of the
    # collector's scans, as the app's own objects are (server/collector.py), so that they do not
    # weigh on the server's side. pouchdb-server's process never holds them.
    settle()
    return app, dialect, raw, batch


def main() -> None:
    app, dialect, raw, batch = prepare()
    pouchdb_side = start_pouchdb()
    try:
        # Both sides take the documents once before the rounds (a running server has warmed up).
        push_all(app, raw, batch)
        if pouchdb_side is not None:
            pouchdb_side.push(batch)
        rounds = []
        for number in range(1, ROUNDS + 1):
            empty_tables(app)
            push_cpu, pouchdb_cpu = [], []
            pushed = push_all(app, raw, batch, push_cpu)
            pouchdb = pouchdb_side.push(batch, pouchdb_cpu) if pouchdb_side is not None else None
            rounds.append((pushed, push_cpu[0], pouchdb, pouchdb_cpu[0] if pouchdb_cpu else None))
            line = f"{dialect}: round {number}: push {pushed:.2f} s (CPU {push_cpu[0]:.2f} s)"
            if pouchdb is not None:
                line += f", pouchdb-server {pouchdb:.2f} s; push / pouchdb-server = {pushed / pouchdb:.2f}x"
            print(line, flush=True)
    finally:
        if pouchdb_side is not None:
            pouchdb_side.close()
    # The median round by the time ratio (by the push's time without pouchdb-server).
    rounds.sort(key=lambda r: r[0] / r[2] if r[2] else r[0])
    pushed, push_cpu, pouchdb, pouchdb_cpu = rounds[len(rounds) // 2]
    bulk = bulk_insert(app, batch)
    validation, quick = validation_only(app, batch)
    up, up_gzip, down, down_gzip = daily_push_sizes(
        app, raw, batch[:100] + batch[2 * HOUSEHOLDS : 2 * HOUSEHOLDS + 100]
    )
    print(
        f"{dialect}: median round of {len(rounds)}: pushed {len(batch)} mutations in {pushed:.2f} s"
        f" = {len(batch) / pushed:,.0f} mutations/s;"
        f" CPU of the app's process {push_cpu:.2f} s = {len(batch) / push_cpu:,.0f} mutations per CPU second"
    )
    if pouchdb is not None:
        print(
            f"{dialect}: pouchdb-server 4.2.0 (LevelDB, scratch folder), same documents by _bulk_docs of {BATCH}:"
            f" {pouchdb:.2f} s = {len(batch) / pouchdb:,.0f} docs/s; push / pouchdb-server = {pushed / pouchdb:.2f}x"
            f" (goal <= 1x)"
        )
    if pouchdb_cpu is not None:
        print(
            f"{dialect}: CPU: pouchdb-server's process {pouchdb_cpu:.2f} s = {len(batch) / pouchdb_cpu:,.0f}"
            f" docs per CPU second; push / pouchdb-server = {push_cpu / pouchdb_cpu:.2f}x"
        )
    print(f"{dialect}: Core bulk insert of the same rows {bulk:.3f} s; push / bulk = {pushed / bulk:.1f}x (goal 3x)")
    print(
        f"{dialect}: reading them with marshmallow.load alone {validation:.2f} s = {validation / bulk:.1f}x bulk;"
        f" with the push's quick reader (compiled from the same schemas) {quick:.2f} s = {quick / bulk:.1f}x bulk"
    )
    print(
        f"{dialect}: a day's push of 200 mutations: up {up / 1024:.1f} KB, gzipped {up_gzip / 1024:.1f} KB"
        f" (goal <= 15 KB); reply {down / 1024:.1f} KB, gzipped {down_gzip / 1024:.1f} KB"
    )


if __name__ == "__main__":
    main()
