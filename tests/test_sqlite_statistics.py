"""SQLite's query planner keeps statistics without anyone running ANALYZE (PostgreSQL's autovacuum keeps its own)."""

import sqlite3
from contextlib import closing

import pytest
import sqlalchemy as sa

from server import create_app
from server.extensions import db
from server.places.models import Place

pytestmark = pytest.mark.sqlite_only


def _statistics(path) -> list:
    with closing(sqlite3.connect(path)) as conn:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() is None:
            return []
        return conn.execute("SELECT tbl, idx FROM sqlite_stat1 WHERE tbl = 'places'").fetchall()


def test_a_database_never_analyzed_gets_its_statistics_when_the_app_opens_it(tmp_path):
    # A file filled outside the app (a copied backup, a bulk load): the dashboard's follow-up lists
    # took 20-30 s at a million households until the planner had statistics.
    path = tmp_path / "copied.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "test-secret"})
    with app.app_context():
        db.create_all()
        communes = [Place(code=f"99{n:03d}", name=f"Xã {n}", kind="commune", province_code="99") for n in range(50)]
        db.session.add_all(communes)
        db.session.commit()
        db.engine.dispose()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP TABLE IF EXISTS sqlite_stat1")
    assert _statistics(path) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Place)) == 50
        db.session.remove()
        db.engine.dispose()
    assert ("places", "ix_places_kind") in _statistics(path)
