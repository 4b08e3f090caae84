"""Creating users: the `flask create-user` command and the admin pages."""

import pytest
import sqlalchemy as sa

from server.auth.models import User
from server.extensions import db
from tests import factories

EN = {"Accept-Language": "en"}


def _user(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def test_create_user_command_reads_the_password_from_stdin(ctx, runner):
    factories.small_tree()
    args = ["create-user", "Lan", "--role", "trainer", "--place", "29461", "--place", "29494", "--password-stdin"]
    result = runner.invoke(args=args, input="mật khẩu dài đủ\n")
    assert result.exit_code == 0, result.output
    assert "Created trainer lan (29461, 29494)" in result.output
    user = _user("lan")
    assert [p.code for p in sorted(user.places, key=lambda p: p.code)] == ["29461", "29494"]
    assert user.check_password("mật khẩu dài đủ")


def test_create_user_command_explains_what_is_wrong(ctx, runner):
    factories.small_tree()
    unknown = runner.invoke(
        args=["create-user", "lan", "--role", "trainer", "--place", "99999", "--password-stdin"], input="long enough\n"
    )
    assert unknown.exit_code == 1
    assert "99999" in unknown.output
    province = runner.invoke(
        args=["create-user", "lan", "--role", "trainer", "--place", "86", "--password-stdin"], input="long enough\n"
    )
    assert province.exit_code == 1
    assert "Tỉnh Vĩnh Long" in province.output
    short = runner.invoke(args=["create-user", "lan", "--role", "admin", "--password-stdin"], input="short\n")
    assert short.exit_code == 1
    assert _user("lan") is None


def test_create_user_command_refuses_a_taken_name(ctx, runner):
    factories.user("admin", username="quan")
    result = runner.invoke(args=["create-user", "Quan", "--role", "admin", "--password-stdin"], input="long enough\n")
    assert result.exit_code == 1
    assert "quan" in result.output


def _admin_client(client):
    admin = factories.user("admin", username="quantri")
    factories.login(client, admin)
    return admin


def test_admin_creates_a_user_with_places(ctx, client):
    factories.small_tree()
    _admin_client(client)
    form = {"username": "Binh", "display_name": "Trần Văn Bình", "role": "supervisor", "places": "86; 92"}
    response = client.post("/admin/users", data=form | {"password": "mật khẩu mới 1"}, headers=EN)
    assert response.status_code == 302
    listing = client.get("/admin/users", headers=EN).get_data(as_text=True)
    assert "User binh created." in listing
    assert "Trần Văn Bình" in listing
    assert sorted(p.code for p in _user("binh").places) == ["86", "92"]


def _assert_not_created(client, role: str, places: str, refusal: str) -> None:
    """Creating user binh with these places is refused with this message, and nobody is created."""
    form = {"username": "binh", "role": role, "places": places, "password": "long enough password"}
    response = client.post("/admin/users", data=form, headers=EN)
    assert response.status_code == 422
    assert refusal in response.get_data(as_text=True)
    assert _user("binh") is None


def test_admin_sees_why_a_user_was_not_created(ctx, client):
    factories.small_tree()
    _admin_client(client)
    _assert_not_created(client, "trainer", "86", "Trainers are assigned communes, not Tỉnh Vĩnh Long.")


def test_a_supervisor_cannot_be_given_a_hamlet_alone(ctx, client):
    """Records are in scope by commune: a hamlet's supervisor would see the whole commune."""
    tree = factories.small_tree()
    supervisor = factories.user("supervisor", [tree["commune"]], username="hoa")
    _admin_client(client)
    refusal = "Supervisors are assigned provinces or communes, not Phum Sóc Chuối."
    _assert_not_created(client, "supervisor", "29461-001", refusal)
    form = {"display_name": "Hoa", "role": "supervisor", "places": "29461-001", "active": "y"}
    response = client.post(f"/admin/users/{supervisor.id}", data=form, headers=EN)
    assert refusal in response.get_data(as_text=True)
    assert [p.code for p in _user("hoa").places] == ["29461"]


def test_admin_assigns_places_and_switches_an_account_off(ctx, client):
    tree = factories.small_tree()
    trainer = factories.user("trainer", [tree["commune"]], username="lan")
    _admin_client(client)
    form = {"display_name": "Lan", "role": "trainer", "places": "29461, 29494", "active": ""}
    response = client.post(f"/admin/users/{trainer.id}", data=form, headers=EN, follow_redirects=True)
    assert "Changes saved." in response.get_data(as_text=True)
    changed = _user("lan")
    assert sorted(p.code for p in changed.places) == ["29461", "29494"]
    assert not changed.active


def test_admin_resets_a_password(ctx, app, client):
    trainer = factories.user("trainer", [factories.small_tree()["commune"]], username="lan")
    _admin_client(client)
    url = f"/admin/users/{trainer.id}/password"
    response = client.post(url, data={"pw-password": "một mật khẩu mới"}, headers=EN, follow_redirects=True)
    assert "Password changed. The user&#39;s other sessions have ended." in response.get_data(as_text=True)
    assert factories.login(app.test_client(), trainer, "một mật khẩu mới").status_code == 302
    assert factories.login(app.test_client(), trainer).status_code == 401


def test_trainers_and_supervisors_get_403_on_admin_pages(ctx, client):
    tree = factories.small_tree()
    for user in (factories.user("trainer", [tree["commune"]]), factories.user("supervisor", [tree["province"]])):
        factories.login(client, user)
        assert client.get("/admin/users").status_code == 403
        assert client.post("/admin/users", data={"username": "x", "role": "admin"}).status_code == 403
        assert client.get(f"/admin/users/{user.id}").status_code == 403
        client.post("/logout")
    assert _user("x") is None


def test_admin_pages_need_sign_in(client):
    assert client.get("/admin/users").status_code == 302


LOOK_ALIKES = ["\u0430dmin", "\uff53\uff18\uff16", "ad\u200bmin", "lan nguyen", "lan@xa", "trần"]
BAD_NAME = "A user name may hold only lower-case letters a–z, digits and the signs . _ -"


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_admin_page_refuses_look_alike_user_names(ctx, client, name):
    factories.small_tree()
    _admin_client(client)
    form = {"username": name, "role": "trainer", "places": "29461", "password": "long enough password"}
    response = client.post("/admin/users", data=form, headers=EN)
    assert response.status_code == 422
    assert BAD_NAME in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1  # the admin only


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_create_user_command_refuses_look_alike_user_names(ctx, runner, name):
    result = runner.invoke(args=["create-user", name, "--role", "admin", "--password-stdin"], input="long enough\n")
    assert result.exit_code == 1
    assert "a–z" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_user_names_may_hold_dots_dashes_and_underscores(ctx, runner):
    result = runner.invoke(
        args=["create-user", "Lan.Nguyen-2_b", "--role", "admin", "--password-stdin"], input="long enough\n"
    )
    assert result.exit_code == 0, result.output
    assert _user("lan.nguyen-2_b") is not None


def test_no_code_path_stores_a_look_alike_user_name(ctx):
    with pytest.raises(ValueError):
        User(username="\u0430dmin", role="admin", password_hash="x")
