"""flask backup / flask restore: a backup restored into an emptied database gives back every record."""

import os
import stat

import sqlalchemy as sa

from server.extensions import db
from server.households.models import Household
from server.places.models import Place
from tests import factories


def _snapshot():
    households = db.session.execute(
        sa.select(Household.id, Household.head_name, Household.version).order_by(Household.id)
    ).all()
    places = db.session.scalars(sa.select(Place.code).order_by(Place.code)).all()
    return households, places


def test_backup_then_restore_into_empty_database(app, runner, tmp_path, empty_tables):
    with app.app_context():
        tree = factories.small_tree()
        factories.household(tree["commune"], tree["hamlet"], head_name="Thạch Thị Sa Rin")
        factories.household(tree["commune2"], head_name="Lê Văn Tám")
        before = _snapshot()
        db.session.remove()

    target = tmp_path / "lensan.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    with app.app_context():
        empty_tables()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 0
        db.session.remove()

    result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _snapshot() == before
        names = set(db.session.scalars(sa.select(Household.head_name)))
        assert names == {"Thạch Thị Sa Rin", "Lê Văn Tám"}


def test_restore_refuses_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "none.backup")])
    assert result.exit_code != 0


def test_backup_file_is_readable_by_its_owner_only(app, runner, tmp_path):
    # It holds every household's personal data and every password hash.
    previous = os.umask(0o022)  # the usual umask: files come out world-readable unless made otherwise
    try:
        fresh = tmp_path / "fresh.backup"
        assert runner.invoke(args=["backup", str(fresh)]).exit_code == 0
        older = tmp_path / "older.backup"
        older.write_bytes(b"an older backup")
        older.chmod(0o644)
        assert runner.invoke(args=["backup", str(older)]).exit_code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert stat.S_IMODE(older.stat().st_mode) == 0o600
    assert older.stat().st_size > len(b"an older backup")
    leftovers = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    assert all(mode == 0o600 for mode in leftovers.values()), leftovers
