"""The jobs table: one row per background job, read by every app server and written by the worker."""

import sqlalchemy as sa

from server.extensions import db
from server.models_base import UTCDateTime, utcnow

STATES = ("queued", "running", "done", "failed")


class Job(db.Model):
    """A label batch or an import: its request, its progress and its outcome.

    `params` is what the worker needs to redo the work from scratch (never the rendered data);
    `result` what it reports back (an import's households added). Finished files are in
    JOB_FILES_DIR under the job's id. `heartbeat_at` moves while a worker is on the job: a running
    job whose heartbeat stopped lost its worker (see server/jobs/operations.py, recover_stale); on
    a queued job it is when the job was last handed to the queue.
    """

    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_owner_kind_created", "owner_id", "kind", "created_at"),)

    id = sa.Column(sa.String(32), primary_key=True)
    kind = sa.Column(sa.String(20), nullable=False)
    owner_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False)
    state = sa.Column(sa.String(10), nullable=False, default="queued")
    params = sa.Column(sa.JSON, nullable=False)
    result = sa.Column(sa.JSON)
    done = sa.Column(sa.Integer, nullable=False, default=0)
    total = sa.Column(sa.Integer, nullable=False, default=0)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    error = sa.Column(sa.String(40))
    created_at = sa.Column(UTCDateTime(), nullable=False, default=utcnow)
    started_at = sa.Column(UTCDateTime())
    heartbeat_at = sa.Column(UTCDateTime())
    finished_at = sa.Column(UTCDateTime())
