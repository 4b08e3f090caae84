"""Migrations: upgrading an empty database gives exactly the schema the models describe."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from server import create_app
from server.extensions import db
from tests.scratch_db import scratch_postgresql


def _differences(url: str) -> list:
    """Upgrade an empty database at `url` and compare it with the models."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "migrations", "TESTING": True})
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                tables = set(sa.inspect(conn).get_table_names())
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                return tables, compare_metadata(context, db.metadata)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _assert_matches_models(url: str) -> None:
    tables, differences = _differences(url)
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables
    assert differences == []


def test_sqlite_upgrade_from_empty_matches_the_models(tmp_path):
    _assert_matches_models("sqlite:///" + str(tmp_path / "migrated.db"))


@pytest.mark.postgres_only
def test_postgresql_upgrade_from_empty_matches_the_models():
    with scratch_postgresql("lensan_migrations") as url:
        _assert_matches_models(url)
