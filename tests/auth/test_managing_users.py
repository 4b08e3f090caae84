"""Whose account and phones a supervisor manages: only users whose whole scope lies inside theirs."""

import pytest

from server.auth.scope import scope_for
from tests import factories


@pytest.fixture
def tree(ctx):
    return factories.small_tree()


def _pull(app, raw):
    return app.test_client().get("/api/v1/sync/pull", headers=factories.bearer(raw)).status_code


def test_a_one_commune_supervisor_cannot_see_or_revoke_the_phones_of_a_two_commune_supervisor(app, client, tree):
    wide = factories.user("supervisor", [tree["commune"], tree["commune2"]], username="haixa")
    token, raw = factories.device(wide, "Phone of two communes")
    narrow = factories.user("supervisor", [tree["commune"]], username="motxa")
    factories.login(client, narrow)
    assert "Phone of two communes" not in client.get("/devices").get_data(as_text=True)
    assert client.post(f"/devices/{token.id}/revoke").status_code == 403
    assert _pull(app, raw) == 200


def test_a_commune_supervisor_cannot_manage_a_province_supervisor(tree):
    province = factories.user("supervisor", [tree["province"]])
    assert not scope_for(factories.user("supervisor", [tree["commune"], tree["commune2"]])).manages(province)


def test_a_trainer_with_one_commune_outside_my_province_is_not_mine(app, client, tree):
    trainer = factories.user("trainer", [tree["commune"], tree["other_commune"]], username="haitinh")
    token, raw = factories.device(trainer, "Phone across provinces")
    factories.login(client, factories.user("supervisor", [tree["province"]]))
    assert "Phone across provinces" not in client.get("/devices").get_data(as_text=True)
    assert client.post(f"/devices/{token.id}/revoke").status_code == 403
    assert _pull(app, raw) == 200


def test_a_supervisor_manages_the_phones_of_users_wholly_inside_their_scope(app, client, tree):
    trainer = factories.user("trainer", [tree["commune"], tree["commune2"]], username="lan")
    token, raw = factories.device(trainer, "Phone of Lan")
    factories.login(client, factories.user("supervisor", [tree["province"]]))
    assert "Phone of Lan" in client.get("/devices").get_data(as_text=True)
    assert client.post(f"/devices/{token.id}/revoke").status_code == 302
    assert _pull(app, raw) == 401


def test_only_an_admin_manages_an_admin_or_a_user_with_no_place(tree):
    admin = factories.user("admin", username="quantri")
    placeless = factories.user("trainer", [], username="moi")
    supervisor = factories.user("supervisor", [tree["province"], tree["other_province"]])
    assert not scope_for(supervisor).manages(admin)
    assert not scope_for(supervisor).manages(placeless)
    assert scope_for(admin).manages(placeless) and scope_for(admin).manages(supervisor)


def test_a_hamlet_trainer_lies_inside_the_supervisor_of_its_commune(tree):
    trainer = factories.user("trainer", [tree["commune"]])
    hamlet_user = factories.user("supervisor", [tree["hamlet"]])
    commune_supervisor = factories.user("supervisor", [tree["commune"]])
    assert scope_for(commune_supervisor).manages(hamlet_user)
    assert scope_for(commune_supervisor).manages(trainer)
    assert not scope_for(commune_supervisor).manages(factories.user("supervisor", [tree["province"]]))
