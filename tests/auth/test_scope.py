"""Scopes: a supervisor sees the subtree of their places, a trainer their communes, an admin everything."""

import pytest
import sqlalchemy as sa

from server.auth.scope import scope_for
from server.errors import Forbidden
from server.extensions import db
from server.households.models import Household
from tests import factories


def _visible_households(user) -> set[str]:
    scope = scope_for(user)
    rows = db.session.scalars(sa.select(Household).where(scope.commune_filter(Household.commune_code)))
    return {h.head_name for h in rows}


def _households(tree):
    factories.household(tree["commune"], head_name="Ở Trà Cú")
    factories.household(tree["commune2"], head_name="Ở Tập Sơn")
    factories.household(tree["other_commune"], head_name="Ở Vị Thanh")


def test_supervisor_of_a_province_sees_its_whole_subtree_only(ctx):
    tree = factories.small_tree()
    _households(tree)
    supervisor = factories.user("supervisor", [tree["province"]])
    scope = scope_for(supervisor)
    assert scope.communes == {"29461", "29494"}
    assert scope.covers_place(tree["province"]) and scope.covers_place(tree["hamlet2"])
    assert not scope.covers_place(tree["other_province"])
    assert not scope.covers_place(tree["other_commune"])
    assert _visible_households(supervisor) == {"Ở Trà Cú", "Ở Tập Sơn"}


def test_supervisor_of_two_provinces_sees_both(ctx):
    tree = factories.small_tree()
    _households(tree)
    supervisor = factories.user("supervisor", [tree["province"], tree["other_province"]])
    assert _visible_households(supervisor) == {"Ở Trà Cú", "Ở Tập Sơn", "Ở Vị Thanh"}


def test_trainer_sees_only_assigned_communes(ctx):
    tree = factories.small_tree()
    _households(tree)
    trainer = factories.user("trainer", [tree["commune"]])
    scope = scope_for(trainer)
    assert scope.covers_commune("29461") and scope.covers_place(tree["hamlet"])
    assert not scope.covers_commune("29494")
    assert not scope.covers_place(tree["province"])  # a province only when all of it is in scope
    assert _visible_households(trainer) == {"Ở Trà Cú"}
    scope.require_commune("29461")
    with pytest.raises(Forbidden):
        scope.require_commune("29494")
    with pytest.raises(Forbidden):
        scope.require_commune(None)


def test_a_hamlet_held_from_before_gives_nothing_of_its_commune(ctx):
    tree = factories.small_tree()
    _households(tree)
    factories.household(tree["commune"], tree["hamlet"], head_name="Ở Phum Sóc Chuối")
    supervisor = factories.user("supervisor", [tree["hamlet"]])  # as stored before the forms refused it
    scope = scope_for(supervisor)
    assert not scope.covers_commune("29461") and not scope.covers_place(tree["hamlet"])
    assert _visible_households(supervisor) == set()


def test_admin_sees_everything(ctx):
    tree = factories.small_tree()
    _households(tree)
    admin = factories.user("admin")
    scope = scope_for(admin)
    assert scope.everything
    assert scope.covers_commune("31321") and scope.covers_place(tree["other_province"])
    assert _visible_households(admin) == {"Ở Trà Cú", "Ở Tập Sơn", "Ở Vị Thanh"}


def test_user_without_places_sees_nothing(ctx):
    tree = factories.small_tree()
    _households(tree)
    assert _visible_households(factories.user("trainer")) == set()
    assert _visible_households(factories.user("supervisor")) == set()
