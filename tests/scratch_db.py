"""A new, empty database for tests that must start from nothing (migrations from empty)."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


@contextmanager
def scratch_postgresql(prefix: str) -> Iterator[str]:
    """A throw-away PostgreSQL database on the test server, dropped afterwards: its URL."""
    server_url = sa.make_url(TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield server_url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
