"""Uploaded import files, and imports run as background jobs by the worker (server/jobs).

Uploads are kept in JOB_FILES_DIR/imports under server-made names (shared storage in production,
so the mapping page, the dry run and the worker may each be on another machine). An import job's
id is its upload's token; its progress is in the jobs table. An import that lost its worker is
not run again by itself (its saved chunks stay saved): it fails, and the user may run it again.
"""

import json
import os
import secrets

from server.errors import Forbidden, NotFound
from server.jobs import operations as jobs

KIND = "import"


def _path(token: str, suffix: str) -> str:
    if not token.isalnum() or len(token) > 32:
        raise NotFound()
    return os.path.join(jobs.files_dir("imports"), f"{token}.{suffix}")


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
    """The progress of a run: state (waiting | queued | running | done | failed), done, total, added,
    and a message when the server stopped during the run."""
    load_upload(token, user_id)
    job = jobs.get(token, user_id, KIND)
    if job is None:
        return {"state": "waiting", "done": 0, "total": 0, "added": 0}
    found = {"state": job.state, "done": job.done, "total": job.total, "added": (job.result or {}).get("added", 0)}
    if jobs.message(job):
        found["message"] = jobs.message(job)
    return found


def start(token: str, options: dict, user_id: int) -> None:
    """Queue the import of an upload with the mapping and choices of the form."""
    load_upload(token, user_id)
    jobs.create(KIND, user_id, {"options": options}, job_id=token)


def table(token: str, user_id: int) -> tuple[list[str], list[list[str]], list[int], str]:
    """Column titles, rows and their line numbers as read once at upload, and the file's name."""
    from server.households import import_files, imports

    data, filename = load_upload(token, user_id)
    try:
        read = import_files.Table.load(json.loads(data))
    except (ValueError, KeyError) as error:  # a file kept by a version that stored the upload itself
        raise NotFound() from error
    header, height = imports.split_header(read.rows)
    return header, read.rows[height:], read.lines[height:], filename


def checks(user, token: str, options: dict):
    """The upload's rows checked for this user: header, rows, context, checks."""
    from server.auth.scope import scope_for
    from server.households.import_check import Context, check_rows

    header, rows, lines, _filename = table(token, user.id)
    context = Context(scope_for(user), options["default_commune"], options["create_hamlets"])
    return header, rows, context, check_rows(rows, lines, options["mapping"], context)


@jobs.handler(KIND, retry=False)
def _run(token: str, owner_id: int, params: dict, progress) -> dict:
    """The import itself, in the worker: check every row again, then add them chunk by chunk."""
    from server.auth.models import User
    from server.extensions import db
    from server.households.import_check import run_import

    options = params["options"]
    user = db.session.get(User, owner_id)
    found = checks(user, token, options)[3]
    return {"added": run_import(found, user, options["include_duplicates"], progress)}


def wait(token: str, timeout: float = 60) -> str | None:
    """Wait for a run to finish (tests and the command line); its last state."""
    return jobs.wait(token, timeout)
