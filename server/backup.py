"""`flask backup` and `flask restore`: SQLite online backup, pg_dump / pg_restore for PostgreSQL."""

import glob
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing, contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from server.extensions import db


def _pg_tool(name: str) -> str:
    """Find pg_dump / pg_restore, preferring the newest installed server's binaries."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_major, reverse=True)
    found = (os.environ.get("PG_BINDIR") and os.path.join(os.environ["PG_BINDIR"], name)) or (
        candidates[0] if candidates else shutil.which(name)
    )
    if not found or not os.path.exists(found):
        raise click.ClickException(f"{name} is not installed (apt-get install postgresql-client).")
    return found


def _major(path: str) -> int:
    part = path.split("/")[4]
    return int(part) if part.isdigit() else 0


def _pg_env_and_args(url) -> tuple[dict, list[str]]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = ["-h", url.host or "localhost", "-p", str(url.port or 5432), "-d", url.database]
    if url.username:
        args += ["-U", url.username]
    return env, args


@contextmanager
def _owner_only():
    """Files created meanwhile (the backup, SQLite's journal, pg_dump's output) are 0600."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def backup_database(target: Path) -> Path:
    """Write a consistent copy of the live database to `target`, readable by its owner only.

    A backup holds every household's personal data and every password hash.
    """
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    target.parent.mkdir(parents=True, exist_ok=True)
    with _owner_only():
        # Created (or an older file cut down to nothing) as 0600 before a byte is written.
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        os.chmod(target, 0o600)
        if url.get_backend_name() == "sqlite":
            db.session.remove()
            # closing(): a sqlite3 connection's own context manager commits but does not close.
            with closing(sqlite3.connect(url.database)) as source, closing(sqlite3.connect(target)) as copy:
                source.backup(copy)
            return target
        env, args = _pg_env_and_args(url)
        cmd = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "-f", str(target), *args]
        subprocess.run(cmd, check=True, env=env)  # noqa: S603
    return target


def restore_database(source: Path) -> None:
    """Replace the database's contents with a backup made by backup_database."""
    if not source.is_file():
        raise click.ClickException(f"No backup file at {source}.")
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(source)) as backup, closing(sqlite3.connect(url.database)) as live:
            backup.backup(live)
        return
    env, args = _pg_env_and_args(url)
    cmd = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(source)]
    subprocess.run(cmd, check=True, env=env)  # noqa: S603


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path):
    """Back up the database to PATH while the server keeps running."""
    backup_database(path)
    click.echo(f"Backup written to {path} ({path.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool):
    """Replace the database with the backup at PATH."""
    if not yes:
        click.confirm("This replaces every record in the database. Continue?", abort=True)
    restore_database(path)
    click.echo(f"Database restored from {path}.")
