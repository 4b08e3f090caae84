"""Creating jobs, reading their progress, running them in the worker, and recovering lost ones.

A job's state is written on its own connection and committed at once (`_write`), apart from the
request or the work around it: every app server polls the same row, and the worker reports
progress while the work's own transaction (an import's chunk) is still open.

States: queued -> running -> done | failed. A worker claims a queued job by moving it to running
(one UPDATE, so a message delivered twice runs the job once) and beats its heartbeat while it
works. A running job whose heartbeat is older than JOB_STALE_SECONDS lost its worker (killed,
out of memory, machine gone): a kind registered with retry=True is queued again while it has
attempts left (JOB_MAX_ATTEMPTS), anything else is failed, both with the code `worker_stopped`.
Any process may notice this: each worker every half of JOB_STALE_SECONDS, and an app server when
it answers a poll of that job.
"""

import secrets
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from server.extensions import db
from server.jobs.models import Job
from server.models_base import utcnow

Progress = Callable[[int, int], None]
HANDLERS: dict[str, Callable[[str, int, dict, Progress], dict | None]] = {}
RETRIED: set[str] = set()  # kinds that may simply run again after losing their worker
ACTIVE = ("queued", "running")


def handler(kind: str, *, retry: bool):
    """Register the function that does a kind of job: fn(job_id, owner_id, params, progress) -> result.

    `retry`: whether a job that lost its worker may run again from the start (a PDF may; an
    import, whose saved chunks stay saved, may not).
    """

    def register(fn):
        HANDLERS[kind] = fn
        if retry:
            RETRIED.add(kind)
        return fn

    return register


def files_dir(kind: str) -> Path:
    """Where a kind of job keeps its files (JOB_FILES_DIR, shared by every server in production)."""
    base = current_app.config.get("JOB_FILES_DIR") or Path(current_app.instance_path) / "jobs"
    folder = Path(base) / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_id() -> str:
    """A job id: random, hexadecimal, also the name of its files."""
    return secrets.token_hex(12)


def _write(statement) -> int:
    """Run one statement on its own connection and commit it; the number of rows it changed."""
    with db.engine.connect() as conn:
        changed = conn.execute(statement).rowcount
        conn.commit()  # job state is its own unit: other servers and the worker must see it now
    return changed


def create(kind: str, owner_id: int, params: dict, total: int = 0, job_id: str | None = None) -> str:
    """Store a queued job and hand it to the queue; returns its id.

    With `job_id` (an import's upload token) a finished job of that id is queued again, and a job
    of that id still queued or running is left alone.
    """
    from server.jobs import queue

    job_id = job_id or new_id()
    table = Job.__table__
    fresh = dict(state="queued", params=params, result=None, done=0, total=total, attempts=0, error=None)
    # A queued job's heartbeat is when it was last handed to the queue (see recover_stale).
    fresh.update(created_at=utcnow(), started_at=None, heartbeat_at=utcnow(), finished_at=None)
    existing = db.session.execute(sa.select(table.c.state).where(table.c.id == job_id)).scalar()
    if existing in ACTIVE:
        return job_id
    if existing is None:
        _write(sa.insert(table).values(id=job_id, kind=kind, owner_id=owner_id, **fresh))
    elif not _write(sa.update(table).where(table.c.id == job_id, table.c.state.not_in(ACTIVE)).values(**fresh)):
        return job_id
    queue.enqueue(job_id)
    return job_id


def get(job_id: str, owner_id: int, kind: str) -> Job | None:
    """A job of this kind belonging to the user, as it is now (a lost one recovered first)."""
    if not job_id.isalnum() or len(job_id) > 32:
        return None
    recover_stale(job_id)
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None or job.owner_id != owner_id or job.kind != kind:
        return None
    return job


def message(job: Job) -> str | None:
    """What the user should be told about a job that lost its worker, in their language."""
    if job.error != "worker_stopped":
        return None
    if job.state == "failed":
        return _("The server stopped while doing this job, so it was not finished.")
    return _("The server stopped while doing this job; it has been started again.")


def count_since(owner_id: int, kind: str, since=None, states=None) -> int:
    """How many jobs of a kind the user started since a time, or has in some states."""
    query = sa.select(sa.func.count()).select_from(Job).where(Job.owner_id == owner_id, Job.kind == kind)
    if since is not None:
        query = query.where(Job.created_at >= since)
    if states is not None:
        query = query.where(Job.state.in_(states))
    return db.session.scalar(query)


def oldest_since(owner_id: int, kind: str, since):
    """When the user's earliest job of a kind since a time was created."""
    query = sa.select(sa.func.min(Job.created_at)).where(
        Job.owner_id == owner_id, Job.kind == kind, Job.created_at >= since
    )
    found = db.session.scalar(query)
    return found if found is None or found.tzinfo else found.replace(tzinfo=utcnow().tzinfo)


def recover_stale(job_id: str | None = None) -> list[str]:
    """Queue again, or fail, the running jobs whose worker stopped beating; the ids handed to the queue."""
    from server.jobs import queue

    table = Job.__table__
    cutoff = utcnow() - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    lost = sa.and_(table.c.state == "running", table.c.heartbeat_at < cutoff)
    query = sa.select(table.c.id, table.c.kind, table.c.attempts).where(lost)
    if job_id is not None:
        query = query.where(table.c.id == job_id)
    with db.engine.connect() as conn:
        found = conn.execute(query).all()
    requeued = []
    for found_id, kind, attempts in found:
        row = sa.update(table).where(table.c.id == found_id, lost)
        if kind in RETRIED and attempts < current_app.config["JOB_MAX_ATTEMPTS"]:
            if _write(row.values(state="queued", error="worker_stopped", heartbeat_at=utcnow())):
                current_app.logger.warning("Job %s lost its worker; queued again", found_id)
                queue.enqueue(found_id)
                requeued.append(found_id)
        elif _write(row.values(state="failed", error="worker_stopped", finished_at=utcnow())):
            current_app.logger.error("Job %s lost its worker (attempt %s); failed", found_id, attempts)
    return requeued + _hand_on_forgotten(job_id)


def _hand_on_forgotten(job_id: str | None) -> list[str]:
    """Hand again to the queue the jobs queued long ago that no worker has claimed.

    Huey delivers a message at most once: one taken by a worker killed before it claimed the row
    is gone. Handing a job on twice is harmless (the second claim finds it taken), so a job
    waiting longer than five times JOB_STALE_SECONDS is handed on again, once per such period.
    """
    from server.jobs import queue

    table = Job.__table__
    cutoff = utcnow() - timedelta(seconds=5 * current_app.config["JOB_STALE_SECONDS"])
    forgotten = sa.and_(table.c.state == "queued", table.c.heartbeat_at < cutoff)
    query = sa.select(table.c.id).where(forgotten)
    if job_id is not None:
        query = query.where(table.c.id == job_id)
    with db.engine.connect() as conn:
        found = conn.execute(query).scalars().all()
    handed = []
    for found_id in found:
        if _write(sa.update(table).where(table.c.id == found_id, forgotten).values(heartbeat_at=utcnow())):
            queue.enqueue(found_id)
            handed.append(found_id)
    return handed


def run(job_id: str) -> None:
    """Do a queued job (in the worker, inside an app context): claim it, beat, report, finish."""
    table = Job.__table__
    now = utcnow()
    claimed = _write(
        sa.update(table)
        .where(table.c.id == job_id, table.c.state == "queued")
        .values(state="running", attempts=table.c.attempts + 1, started_at=now, heartbeat_at=now, done=0)
    )
    if not claimed:
        return  # already taken by another worker, or gone
    with db.engine.connect() as conn:
        kind, owner_id, params = conn.execute(
            sa.select(table.c.kind, table.c.owner_id, table.c.params).where(table.c.id == job_id)
        ).one()
    mine = sa.and_(table.c.id == job_id, table.c.state == "running")

    def progress(done: int, total: int) -> None:
        _write(sa.update(table).where(mine).values(done=done, total=total, heartbeat_at=utcnow()))

    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(current_app._get_current_object(), mine, stop), daemon=True)
    beat.start()
    try:
        result = HANDLERS[kind](job_id, owner_id, params, progress)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Job %s (%s) failed", job_id, kind)
        _write(sa.update(table).where(mine).values(state="failed", error="failed", finished_at=utcnow()))
    else:
        finished = dict(state="done", result=result, done=table.c.total, finished_at=utcnow())
        _write(sa.update(table).where(mine).values(**finished))
    finally:
        stop.set()
        beat.join()
        db.session.remove()


def _beat(app, mine, stop: threading.Event) -> None:
    """Move the heartbeat of a running job until it ends, so a slow step is not taken for a lost worker."""
    every = max(app.config["JOB_STALE_SECONDS"] / 4, 0.2)
    with app.app_context():
        while not stop.wait(every):
            _write(sa.update(Job.__table__).where(mine).values(heartbeat_at=utcnow()))


def wait(job_id: str, timeout: float = 120) -> str | None:
    """Block until a job is done or failed (for commands and tests); its last state."""
    import time

    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        with db.engine.connect() as conn:
            state = conn.execute(sa.select(Job.__table__.c.state).where(Job.__table__.c.id == job_id)).scalar()
        if state not in ACTIVE:
            return state
        time.sleep(0.05)
    return state
