"""The queue between the app servers and `flask worker`: Huey, on Redis in production.

JOB_QUEUE_URL chooses the broker: `redis://…` (RedisHuey; production, shared by every app
server and worker), `sqlite:///path` (SqliteHuey; one machine, the default under instance/),
or `memory://` (one process only: the test suite with the worker thread in the app). The queue
carries only job ids; what a job is and how far it got is in the jobs table.

`flask worker` consumes the queue in its own process. With JOB_WORKER_IN_APP (set by `make run`
and the test suite) a thread in the web process consumes it instead, so one process is enough.
"""

import logging
import threading
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey import MemoryHuey, RedisHuey, SqliteHuey

_embedded_lock = threading.Lock()


def init_queue(app: Flask) -> None:
    """Build the app's Huey and register the one task: run a job by id in an app context."""
    url = app.config["JOB_QUEUE_URL"]
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey = RedisHuey("lensan-jobs", url=url)
    elif url == "memory://":
        huey = MemoryHuey("lensan-jobs")
    elif url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("lensan-jobs", filename=str(path))
    else:
        raise ValueError(f"JOB_QUEUE_URL must start with redis://, sqlite:/// or be memory://, not {url!r}")

    def run_job(job_id: str) -> None:
        from server.jobs import operations

        with app.app_context():
            operations.run(job_id)

    app.extensions["jobs_queue"] = {
        "huey": huey,
        "task": huey.task(name="run_job")(run_job),
        "thread": None,
        "stop": threading.Event(),
    }
    if app.config["JOB_WORKER_IN_APP"]:
        app.before_request(lambda: _start_embedded(app))


def huey_of(app: Flask):
    """The app's Huey instance."""
    return app.extensions["jobs_queue"]["huey"]


def enqueue(job_id: str) -> None:
    """Hand a job to whichever worker takes it first."""
    app = current_app._get_current_object()
    app.extensions["jobs_queue"]["task"](job_id)
    if app.config["JOB_WORKER_IN_APP"]:
        _start_embedded(app)


def _start_embedded(app: Flask) -> None:
    """Start the worker thread of this process once."""
    queue = app.extensions["jobs_queue"]
    if queue["thread"] is not None:
        return
    with _embedded_lock:
        if queue["thread"] is None:
            queue["thread"] = threading.Thread(target=_consume, args=(app,), name="jobs-worker", daemon=True)
            queue["thread"].start()


def stop_embedded(app: Flask, timeout: float = 30) -> None:
    """Stop this process's worker thread after the task in hand, before the app's database goes away."""
    queue = app.extensions["jobs_queue"]
    queue["stop"].set()
    if queue["thread"] is not None:
        queue["thread"].join(timeout)


def _consume(app: Flask) -> None:
    """The worker thread of `make run` and the tests: take a task, run it; look for lost jobs now and then."""
    huey = huey_of(app)
    stop = app.extensions["jobs_queue"]["stop"]
    last_check = 0.0
    while not stop.is_set():
        try:
            if time.monotonic() - last_check > app.config["JOB_STALE_SECONDS"] / 2:
                last_check = time.monotonic()
                _recover(app)
            task = huey.dequeue()
            if task is None:
                stop.wait(0.05)
                continue
            huey.execute(task)
        except Exception:
            app.logger.exception("The job worker thread hit an error; it carries on")
            stop.wait(1)


def _recover(app: Flask) -> None:
    from server.extensions import db
    from server.jobs import operations

    with app.app_context():
        operations.recover_stale()
        db.session.remove()


def _recover_forever(app: Flask, stop: threading.Event) -> None:
    while not stop.wait(max(app.config["JOB_STALE_SECONDS"] / 2, 0.5)):
        try:
            _recover(app)
        except Exception:
            app.logger.exception("Looking for lost jobs failed; trying again")


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at the same time by this worker.")
@with_appcontext
def worker_command(threads: int) -> None:
    """Run queued label batches and imports (production runs this as its own process)."""
    app = current_app._get_current_object()
    if app.config["JOB_QUEUE_URL"] == "memory://":
        raise click.UsageError("JOB_QUEUE_URL=memory:// lives in one process; use redis://… or sqlite:///…")
    if not logging.getLogger().handlers:  # the consumer's and the jobs' messages, on stderr
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _recover(app)
    stop = threading.Event()
    threading.Thread(target=_recover_forever, args=(app, stop), name="jobs-recover", daemon=True).start()
    click.echo(f"Worker: {threads} threads on {_safe(app.config['JOB_QUEUE_URL'])}")
    consumer = huey_of(app).create_consumer(workers=threads, worker_type="thread", periodic=False, max_delay=1.0)
    try:
        consumer.run()
    finally:
        stop.set()


def _safe(url: str) -> str:
    """The queue's address without a password."""
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.rsplit('@', 1)[1]}"
    return url
