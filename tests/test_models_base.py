"""Server versions: every change gets a new, higher version at commit, savepoints included."""

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from server.extensions import db
from server.households.models import Household
from server.models_base import current_version, next_versions, uuid7
from tests import factories


def _new_household(commune, name="Thạch Sa Ri") -> Household:
    row = Household(head_name=name, commune_code=commune.code)
    db.session.add(row)
    return row


def test_uuid7_is_version_7_and_sorts_by_time():
    ids = [uuid7() for _ in range(50)]
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    assert len(set(ids)) == 50
    assert [i.bytes[:6] for i in ids] == sorted(i.bytes[:6] for i in ids)


def test_new_row_gets_a_version_and_the_counter_moves(ctx):
    commune = factories.small_tree()["commune"]
    before = current_version(db.session)
    household = _new_household(commune)
    db.session.commit()
    assert household.version == before + 1
    assert current_version(db.session) == household.version


def test_changed_row_gets_a_higher_version_and_unchanged_rows_keep_theirs(ctx):
    commune = factories.small_tree()["commune"]
    changed, unchanged = factories.household(commune), factories.household(commune)
    first, kept = changed.version, unchanged.version
    changed.phone = "0912345678"
    db.session.commit()
    assert changed.version > max(first, kept)
    assert unchanged.version == kept


def test_versions_are_unique_and_increase_across_commits(ctx):
    commune = factories.small_tree()["commune"]
    seen = []
    for batch in range(3):
        rows = [_new_household(commune, f"Hộ {batch}-{n}") for n in range(4)]
        db.session.commit()
        versions = sorted(r.version for r in rows)
        assert not seen or versions[0] > seen[-1]
        seen += versions
    assert len(set(seen)) == len(seen) == 12


def test_rolled_back_savepoint_keeps_the_outer_transactions_rows(ctx):
    commune = factories.small_tree()["commune"]
    outer = _new_household(commune, "Ngoài")
    db.session.flush()
    savepoint = db.session.begin_nested()
    inner = _new_household(commune, "Trong")
    db.session.flush()
    savepoint.rollback()
    db.session.commit()
    assert outer.version > 0
    assert db.session.get(Household, outer.id).version == outer.version
    assert db.session.get(Household, inner.id) is None


def test_released_savepoint_rows_get_versions_at_the_outer_commit(ctx):
    commune = factories.small_tree()["commune"]
    before = current_version(db.session)
    first = _new_household(commune, "Trước")
    with db.session.begin_nested():
        second = _new_household(commune, "Trong savepoint")
    assert current_version(db.session) == before  # nothing handed out before the real commit
    db.session.commit()
    assert {first.version, second.version} == {before + 1, before + 2}


def test_a_change_that_was_rolled_back_gives_no_new_version(ctx):
    commune = factories.small_tree()["commune"]
    household = factories.household(commune)
    kept = household.version
    household.phone = "0900000000"
    db.session.flush()
    db.session.rollback()
    other = _new_household(commune)
    db.session.commit()
    assert household.version == kept
    assert other.version == kept + 1


def test_change_inside_a_rolled_back_savepoint_is_forgotten(ctx):
    commune = factories.small_tree()["commune"]
    household = factories.household(commune)
    kept = household.version
    savepoint = db.session.begin_nested()
    household.phone = "0900000001"
    db.session.flush()
    savepoint.rollback()
    db.session.commit()
    assert household.phone is None
    assert household.version == kept


@pytest.mark.postgres_only
@pytest.mark.postgres_only
def test_a_second_writer_waits_until_the_first_commits_its_versions(app):
    with app.app_context():
        commune = factories.small_tree()["commune"]
        first, second = orm.Session(db.engine), orm.Session(db.engine)
        try:
            first.add(Household(head_name="Giữ số", commune_code=commune.code))
            first.flush()
            held = next_versions(first, 1)  # as the commit hook does: the counter row is now locked
            second.execute(sa.text("SET LOCAL lock_timeout = '300ms'"))
            second.add(Household(head_name="Chờ số", commune_code=commune.code))
            with pytest.raises(sa.exc.OperationalError, match="lock"):
                second.commit()
            second.rollback()
            first.commit()
            late = Household(head_name="Chờ số", commune_code=commune.code)
            second.add(late)
            second.commit()
            assert late.version > held[-1]
        finally:
            first.close()
            second.close()
