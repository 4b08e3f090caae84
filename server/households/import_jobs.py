"""Uploaded import files and background import runs, with a status file the progress page polls.

Status lives in a JSON file in instance/imports, so any app process can answer the poll.
"""

import json
import os
import secrets
import threading

from flask import current_app

from server.errors import Forbidden, NotFound
from server.extensions import db

_threads: dict[str, threading.Thread] = {}


def _folder() -> str:
    folder = os.path.join(current_app.instance_path, "imports")
    os.makedirs(folder, exist_ok=True)
    return folder


def _path(token: str, suffix: str) -> str:
    if not token.isalnum():
        raise NotFound()
    return os.path.join(_folder(), f"{token}.{suffix}")


def save_upload(data: bytes, filename: str, user_id: int) -> str:
    """Keep an uploaded file for the mapping, dry run and import steps; returns its token."""
    token = secrets.token_hex(16)
    with open(_path(token, "data"), "wb") as fh:
        fh.write(data)
    _write_json(_path(token, "meta.json"), {"filename": filename, "user_id": user_id})
    return token


def load_upload(token: str, user_id: int) -> tuple[bytes, str]:
    """The file and its name; only the person who uploaded it may use it."""
    meta = read_json(_path(token, "meta.json"))
    if meta is None:
        raise NotFound()
    if meta["user_id"] != user_id:
        raise Forbidden()
    with open(_path(token, "data"), "rb") as fh:
        return fh.read(), meta["filename"]


def read_json(path: str) -> dict | None:
    """A JSON file's content, or None when it does not exist."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        return None


def _write_json(path: str, data: dict) -> None:
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(temporary, path)  # readers never see half a file


def status(token: str, user_id: int) -> dict:
    """The progress of a run: state (waiting | running | done | failed), done, total, added."""
    load_upload(token, user_id)
    return read_json(_path(token, "status.json")) or {"state": "waiting", "done": 0, "total": 0, "added": 0}


def start(token: str, work, user_id: int) -> None:
    """Run `work(progress)` in a background thread with its own app context and database session."""
    app = current_app._get_current_object()
    path = _path(token, "status.json")
    _write_json(path, {"state": "running", "done": 0, "total": 0, "added": 0})

    def progress(done: int, total: int) -> None:
        _write_json(path, {"state": "running", "done": done, "total": total, "added": 0})

    def run() -> None:
        with app.app_context():
            try:
                added = work(progress)
            except Exception:
                db.session.rollback()
                app.logger.exception("Import %s failed", token)
                _write_json(path, {"state": "failed", "done": 0, "total": 0, "added": 0})
            else:
                total = (read_json(path) or {}).get("total", 0)
                _write_json(path, {"state": "done", "done": total, "total": total, "added": added})
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, name=f"import-{token[:8]}", daemon=True)
    _threads[token] = thread
    thread.start()


def wait(token: str, timeout: float = 60) -> None:
    """Wait for a run to finish (tests and the command line)."""
    thread = _threads.get(token)
    if thread is not None:
        thread.join(timeout)
