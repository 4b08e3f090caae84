"""Fixtures: the app built by the factory on SQLite, or on PostgreSQL with TEST_DATABASE_URL."""

import os

import pytest
import sqlalchemy as sa
from flask import current_app

from server import create_app
from server.extensions import db, limiter
from server.jobs.queue import stop_embedded
from server.models_base import VersionCounter
from server.public.operations import forget_day_key
from tests.browser_client import BrowserClient

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# The limiter is one object for every app: an app that a test builds with its own settings
# (a migration's, a second server's) would otherwise move the limits of this process onto
# REDIS_URL's Redis, shared with the other pytest worker, whose `limiter.reset()` after each test
# then emptied them in the middle of a test counting sign-ins. Every app built here keeps its
# limits in this process; the servers tests/deploy starts get their Redis from REDIS_URL.
os.environ["RATELIMIT_STORAGE_URI"] = "memory://"


def _worker_database(url: str) -> str:
    """Each pytest-xdist worker gets its own PostgreSQL database on the test server."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    if not worker:
        return url
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _test_config(tmp_path_factory) -> dict:
    if TEST_DATABASE_URL:
        url = _worker_database(TEST_DATABASE_URL)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        # Production hashes with scrypt; a cheaper PBKDF2 keeps the many test sign-ins fast.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "WTF_CSRF_ENABLED": True,  # as in production; see tests/browser_client.py
        "PUBLIC_BASE_URL": "https://lensan.example",
        "RATELIMIT_ENABLED": True,
        "SERVER_NAME": None,
        # Each test process keeps its own limits, even when REDIS_URL is set for tests/deploy.
        "RATELIMIT_STORAGE_URI": "memory://",
        **in_process_jobs(tmp_path_factory.mktemp("jobs")),
    }


def in_process_jobs(files_dir) -> dict:
    """Label batches and imports queued and run by a worker thread of this process, as with `make run`
    (the two-server test in tests/deploy runs `flask worker` on a shared queue)."""
    return {"JOB_QUEUE_URL": "memory://", "JOB_WORKER_IN_APP": True, "JOB_FILES_DIR": str(files_dir)}


def pytest_collection_modifyitems(config, items):
    """Tests of one configuration are left out of the others' runs (`make test` runs each configuration).

    postgres_only: the PostgreSQL run; sqlite_only: the SQLite run; redis: the run under tools/with-redis.
    """
    left_out = {"sqlite_only"} if TEST_DATABASE_URL else {"postgres_only"}
    if not os.environ.get("REDIS_URL"):
        left_out.add("redis")
    kept = [item for item in items if not any(item.get_closest_marker(name) for name in left_out)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One app and schema per test run; every test starts from empty tables."""
    app = create_app(_test_config(tmp_path_factory))
    app.test_client_class = BrowserClient  # CSRF is on, as in production: clients send the token a page gave them
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    close_app(app)


def close_app(app) -> None:
    """Stop the app's job worker thread, then close its database connections: a thread still
    looking for lost jobs would otherwise hand a connection back to a pool already disposed."""
    stop_embedded(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_tables(request, app):
    yield
    with app.app_context():
        db.session.remove()
        _empty_tables()
    limiter.reset()


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
        conn.execute(sa.insert(VersionCounter.__table__).values(id=1, value=0))
    forget_day_key(current_app)  # the day's salt went with the tables


@pytest.fixture
def empty_tables(app):
    """A function that empties every table, as at the start of a test."""
    return _empty_tables


@pytest.fixture
def ctx(app):
    """An application context for tests that work with the database directly."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    """A test client that reads English, the source language, and posts forms with the token of the page it loaded.

    Language tests build their own clients with app.test_client() to see the default, Vietnamese.
    """
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def runner(app):
    """A CLI runner for flask commands."""
    return app.test_cli_runner()
