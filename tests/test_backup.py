"""flask backup / flask restore: a backup restored into an emptied database gives back every record."""

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
