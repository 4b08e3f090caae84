"""Background jobs: a job whose worker died is run again or reported failed, never left running."""

import io
from datetime import timedelta

import pytest

from server.extensions import db
from server.jobs.models import Job
from server.labels import jobs as label_jobs
from server.models_base import utcnow
from tests import factories as f

CSV = "Chủ hộ,Xã\nThạch Thị Mới,{commune}\n"


@pytest.fixture(autouse=True)
def _job_files(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_FILES_DIR", str(tmp_path / "jobs"))


def _supervisor(client):
    tree = f.small_tree()
    user = f.user("supervisor", [tree["province"]])
    f.login(client, user)
    return tree, user


def _lost(job_id: str, kind: str, owner, params: dict, attempts: int, total: int = 1) -> None:
    """A job a worker had taken and was working on when it was killed: its heartbeat stopped minutes ago."""
    long_ago = utcnow() - timedelta(minutes=5)
    db.session.add(
        Job(
            id=job_id,
            kind=kind,
            owner_id=owner.id,
            state="running",
            params=params,
            total=total,
            done=0,
            attempts=attempts,
            created_at=long_ago,
            started_at=long_ago,
            heartbeat_at=long_ago,
        )
    )
    db.session.commit()


def _lot_batch(tree) -> dict:
    lot = f.lot(f.product(f.producer(tree["commune"]), name="Bưởi"), "B1")
    params = {"kind": "lot", "layout": "a4-3x8", "lot_id": str(lot.id), "count": 3, "lang": "vi"}
    return dict(params, labels=3, title="Bưởi · B1")


def test_a_batch_whose_worker_died_is_made_again_and_says_so(client, ctx):
    tree, user = _supervisor(client)
    _lost("a1" * 12, "labels", user, _lot_batch(tree), attempts=1)
    first = client.get(f"/api/v1/labels/batches/{'a1' * 12}").get_json()
    assert first["state"] in ("queued", "running", "done")
    assert first["message"] == "The server stopped while doing this job; it has been started again."
    assert label_jobs.wait("a1" * 12) == "done"
    status = client.get(f"/api/v1/labels/batches/{'a1' * 12}").get_json()
    assert status["state"] == "done" and status["pages_done"] == 1
    with client.get(status["download_url"]) as pdf:
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_a_batch_that_lost_its_worker_twice_is_failed_with_a_clear_message(client, ctx):
    tree, user = _supervisor(client)
    _lost("b2" * 12, "labels", user, _lot_batch(tree), attempts=2)
    status = client.get(f"/api/v1/labels/batches/{'b2' * 12}").get_json()
    assert status["state"] == "failed" and status["download_url"] is None
    assert status["message"] == "The server stopped while doing this job, so it was not finished."
    page = client.get(f"/labels/batches/{'b2' * 12}").get_data(as_text=True)
    assert "The server stopped while doing this job, so it was not finished." in page
    assert "The PDF could not be made. Please try again." in page


def test_an_import_that_lost_its_worker_fails_and_is_not_run_twice(client, ctx):
    tree, user = _supervisor(client)
    assert client.get("/records/import").status_code == 200
    data = CSV.format(commune=tree["commune"].name).encode("utf-8")
    uploaded = client.post("/records/import", data={"file": (io.BytesIO(data), "list.csv")})
    token = uploaded.headers["Location"].rsplit("/", 1)[1]
    options = {"mapping": {"head_name": 0, "commune": 1}, "default_commune": None}
    options.update(create_hamlets=False, include_duplicates=False)
    _lost(token, "import", user, {"options": options}, attempts=1)
    status = client.get(f"/records/import/{token}/status.json").get_json()
    assert status["state"] == "failed"
    assert status["message"] == "The server stopped while doing this job, so it was not finished."
    page = client.get(f"/records/import/{token}/progress").get_data(as_text=True)
    assert "The server stopped while doing this job, so it was not finished." in page


def test_a_batch_whose_message_was_lost_with_a_worker_is_handed_on_again(client, ctx):
    tree, user = _supervisor(client)
    long_ago = utcnow() - timedelta(minutes=10)  # queued then, and its message taken by a worker that died
    params = _lot_batch(tree)
    queued = dict(kind="labels", owner_id=user.id, state="queued", params=params, total=1)
    db.session.add(Job(id="c3" * 12, created_at=long_ago, heartbeat_at=long_ago, **queued))
    db.session.commit()
    assert client.get(f"/api/v1/labels/batches/{'c3' * 12}").get_json()["state"] in ("queued", "running", "done")
    assert label_jobs.wait("c3" * 12) == "done"


def test_a_batch_is_made_by_the_worker_not_by_the_request(client, ctx, monkeypatch):
    tree, _user = _supervisor(client)
    lot = f.lot(f.product(f.producer(tree["commune"]), name="Bưởi"), "B1")
    monkeypatch.setattr("server.jobs.queue.enqueue", lambda job_id: None)  # no worker takes it
    started = client.post("/api/v1/labels/batches", json={"kind": "lot", "lot_id": str(lot.id), "count": 30})
    assert started.status_code == 202
    body = started.get_json()
    assert body["state"] == "queued" and body["pages_total"] == 2 and body["download_url"] is None
    assert label_jobs.wait(body["job_id"], timeout=1) == "queued"
    assert not label_jobs.pdf_path(body["job_id"]).exists()


def test_one_redis_url_is_where_every_server_counts_sign_ins_and_queues_jobs(monkeypatch, tmp_path):
    from server.config import Config

    for name in ("RATELIMIT_STORAGE_URI", "JOB_QUEUE_URL", "JOB_WORKER_IN_APP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/0")
    shared = Config(str(tmp_path))
    assert shared.RATELIMIT_STORAGE_URI == shared.JOB_QUEUE_URL == "redis://cache.example:6379/0"
    assert shared.JOB_WORKER_IN_APP is False  # production runs `flask worker`
    monkeypatch.delenv("REDIS_URL")
    alone = Config(str(tmp_path))
    limits, queue = alone.RATELIMIT_STORAGE_URI, alone.JOB_QUEUE_URL
    assert (limits, queue) == ("memory://", f"sqlite:///{tmp_path / 'job-queue.sqlite3'}")


def test_flask_worker_refuses_a_queue_no_other_process_can_see(runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 2
    assert "JOB_QUEUE_URL=memory:// lives in one process" in result.output
