"""Batch label PDFs rendered in a background thread, with progress kept in instance/label-jobs/.

Status lives in a small JSON file next to the PDF, so any worker process of the
same server can answer a progress poll or serve the finished file. Jobs older
than a day are removed when a new one starts. LABEL_JOBS_DIR may move the folder.
"""

import json
import os
import secrets
import threading
import time
from pathlib import Path

from flask import current_app

from server.labels import sheets
from server.labels.layouts import Layout

KEEP_SECONDS = 24 * 3600
_threads: dict[str, threading.Thread] = {}


def _folder() -> Path:
    folder = Path(current_app.config.get("LABEL_JOBS_DIR") or Path(current_app.instance_path) / "label-jobs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write_status(folder: Path, job_id: str, status: dict) -> None:
    temporary = folder / f"{job_id}.json.tmp"
    temporary.write_text(json.dumps(status))
    os.replace(temporary, folder / f"{job_id}.json")


def start(owner_id: int, contents: list, layout: Layout, title: str) -> str:
    """Start rendering `contents` into one PDF; returns the job id."""
    folder = _folder()
    _remove_old(folder)
    for finished in [key for key, thread in _threads.items() if not thread.is_alive()]:
        del _threads[finished]
    job_id = secrets.token_hex(12)
    pages_total = -(-len(contents) // layout.per_page) if layout.is_sheet else len(contents)
    status = {
        "owner": owner_id,
        "state": "running",
        "labels": len(contents),
        "pages_total": pages_total,
        "pages_done": 0,
        "layout": layout.key,
        "title": title,
        "started": time.time(),
    }
    _write_status(folder, job_id, status)
    thread = threading.Thread(target=_run, args=(folder, job_id, status, contents, layout), daemon=True)
    _threads[job_id] = thread
    thread.start()
    return job_id


def _run(folder: Path, job_id: str, status: dict, contents: list, layout: Layout) -> None:
    """Render the PDF, reporting each finished page."""

    def progress(done: int) -> None:
        status["pages_done"] = done
        _write_status(folder, job_id, status)

    partial = folder / f"{job_id}.pdf.part"
    try:
        with open(partial, "wb") as out:
            sheets.write_pdf(sheets.pages(contents, layout), out, layout.dpi, on_page=progress)
        os.replace(partial, folder / f"{job_id}.pdf")
        status["state"] = "done"
    except Exception:
        import logging

        logging.getLogger(__name__).exception("Label batch %s failed", job_id)
        partial.unlink(missing_ok=True)
        status["state"] = "failed"
    _write_status(folder, job_id, status)


def status(job_id: str, owner_id: int) -> dict | None:
    """A job's status if it exists and belongs to the user."""
    if not job_id.isalnum():
        return None
    path = _folder() / f"{job_id}.json"
    if not path.exists():
        return None
    found = json.loads(path.read_text())
    return found if found.get("owner") == owner_id else None


def pdf_path(job_id: str) -> Path:
    """Where a finished job's PDF is."""
    return _folder() / f"{job_id}.pdf"


def wait(job_id: str, timeout: float = 120) -> None:
    """Block until a job started in this process has finished (for commands and tests)."""
    thread = _threads.get(job_id)
    if thread is not None:
        thread.join(timeout)


def _remove_old(folder: Path) -> None:
    limit = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
