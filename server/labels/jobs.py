"""Batch label PDFs as background jobs: started here, rendered by the worker (server/jobs).

The request checks scope and limits and stores what to print (place or lot, layout, language);
the worker reads the same records again with the owner's scope and writes the PDF into
JOB_FILES_DIR/labels/<job id>.pdf, reporting each finished page. Files older than a day are
removed when a new batch starts.
"""

import os
import time
import uuid
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from server.errors import TooManyRequests
from server.extensions import db
from server.jobs import operations as jobs
from server.models_base import utcnow

KIND = "labels"
KEEP_SECONDS = 24 * 3600
RETRY_AT_ONCE_SECONDS = 30


def check_limits(owner_id: int) -> None:
    """Refuse a new batch while the user has too many unfinished, or started too many this hour."""
    config = current_app.config
    at_once = config["LABEL_BATCHES_AT_ONCE"]
    if jobs.count_since(owner_id, KIND, states=jobs.ACTIVE) >= at_once:
        raise TooManyRequests(
            _(
                "You already have %(count)s label PDFs being made. Wait until one is finished, then start the next.",
                count=at_once,
            ),
            code="batches_at_once",
            retry_after=RETRY_AT_ONCE_SECONDS,
        )
    per_hour = config["LABEL_BATCHES_PER_HOUR"]
    hour_ago = utcnow() - timedelta(hours=1)
    if jobs.count_since(owner_id, KIND, since=hour_ago) >= per_hour:
        oldest = jobs.oldest_since(owner_id, KIND, hour_ago)
        wait = (oldest + timedelta(hours=1) - utcnow()).total_seconds() if oldest else 60
        raise TooManyRequests(
            _(
                "You have started %(count)s label PDFs in the last hour, the most allowed. "
                "Please try again in %(minutes)s minutes.",
                count=per_hour,
                minutes=max(int(wait // 60) + 1, 1),
            ),
            code="batches_per_hour",
            retry_after=wait,
        )


def start(owner_id: int, params: dict, labels: int, pages_total: int, title: str) -> str:
    """Queue a batch PDF; `params` says what to print (see _contents). Returns the job id."""
    check_limits(owner_id)
    _remove_old(jobs.files_dir(KIND))
    params = dict(params, labels=labels, title=title)
    return jobs.create(KIND, owner_id, params, total=pages_total)


def status(job_id: str, owner_id: int) -> dict | None:
    """A batch's progress if it exists and belongs to the user."""
    job = jobs.get(job_id, owner_id, KIND)
    if job is None:
        return None
    return {
        "owner": job.owner_id,
        "state": job.state,
        "labels": job.params["labels"],
        "pages_total": job.total,
        "pages_done": job.done,
        "layout": job.params["layout"],
        "title": job.params["title"],
        "message": jobs.message(job),
    }


def pdf_path(job_id: str) -> Path:
    """Where a finished job's PDF is."""
    return jobs.files_dir(KIND) / f"{job_id}.pdf"


def wait(job_id: str, timeout: float = 120) -> str | None:
    """Block until a batch has finished (for commands and tests); its last state."""
    return jobs.wait(job_id, timeout)


def _contents(owner_id: int, params: dict) -> list:
    """The labels to print, read again with the owner's scope as it is now."""
    from server.auth.models import User
    from server.auth.scope import scope_for
    from server.labels import operations as labels

    scope = scope_for(db.session.get(User, owner_id))
    if params["kind"] == "households":
        _place, households = labels.households_of_place(scope, params["place_code"])
        return labels.household_contents(households, params["lang"])
    lot = labels.lot_for_label(scope, uuid.UUID(params["lot_id"]))
    return labels.lot_contents(lot, params["count"], params["lang"])


@jobs.handler(KIND, retry=True)
def _render(job_id: str, owner_id: int, params: dict, progress) -> None:
    """Render the PDF in the worker, reporting each finished page."""
    from server.labels import sheets
    from server.labels.layouts import LAYOUTS

    contents = _contents(owner_id, params)
    layout = LAYOUTS[params["layout"]]
    total = -(-len(contents) // layout.per_page) if layout.is_sheet else len(contents)
    folder = jobs.files_dir(KIND)
    partial = folder / f"{job_id}.pdf.part"
    try:
        with open(partial, "wb") as out:
            pages = sheets.pages(contents, layout)
            sheets.write_pdf(pages, out, layout.dpi, on_page=lambda done: progress(done, total))
        os.replace(partial, folder / f"{job_id}.pdf")
    finally:
        partial.unlink(missing_ok=True)
    db.session.rollback()


def _remove_old(folder: Path) -> None:
    limit = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
