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


def test_statistics_made_while_the_households_were_none_are_made_again(tmp_path):
    # The first connection to a new file analyzes empty tables; households loaded in bulk
    # afterwards (an import, a restore) left the planner without their statistics.
    path = tmp_path / "filled.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "test-secret"})
    with app.app_context():
        db.create_all()
        db.session.add(Place(code="99001", name="Xã Một", kind="commune", province_code="99"))
        db.session.commit()
        db.engine.dispose()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DELETE FROM sqlite_stat1")
        conn.execute("INSERT INTO sqlite_stat1 VALUES ('places', 'ix_places_kind', '1 1')")
        conn.executemany(
            "INSERT INTO households (id, head_name, commune_code, preferred_language, smartphone, search_text,"
            " field_clocks, created_at, updated_at, version)"
            " VALUES (?, ?, '99001', 'vi', 'yes', '', '{}', '2026-12-01', '2026-12-01', ?)",
            [(f"{n:032x}", f"Hộ {n}", n) for n in range(1, 200)],
        )
        conn.commit()
        households = conn.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'households'").fetchall()
    assert households == []
    with app.app_context():
        db.session.execute(sa.select(Place.code)).all()
        db.session.remove()
        db.engine.dispose()
    with closing(sqlite3.connect(path)) as conn:
        analyzed = {row[0] for row in conn.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'households'")}
    assert "ix_households_commune_code" in analyzed
