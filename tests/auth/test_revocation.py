"""What ends a phone's token and a browser's session: sign-out, a password reset, a new role or
new places, switching the account off. A copied token or cookie stops working at once."""

import pytest
import sqlalchemy as sa

from server.auth.models import User, WebSession
from server.extensions import db
from tests import factories

EN = {"Accept-Language": "en"}


@pytest.fixture
def world(ctx):
    tree = factories.small_tree()
    trainer = factories.user("trainer", [tree["commune"]], username="lan")
    factories.user("supervisor", [tree["province"]], username="giamsat")
    return tree, trainer


def _phone_works(app, raw: str) -> tuple[int, int]:
    """The statuses a phone with this token gets for a pull and a push (no cookie)."""
    phone = app.test_client()
    pulled = phone.get("/api/v1/sync/pull", headers=factories.bearer(raw))
    pushed = phone.post("/api/v1/sync/push", json={"mutations": []}, headers=factories.bearer(raw))
    return pulled.status_code, pushed.status_code


def _admin(client):
    factories.login(client, factories.user("admin", username="quantri"))


def _edit(client, user, **changes):
    form = {"display_name": "Lan", "role": user.role, "places": ", ".join(p.code for p in user.places), "active": "y"}
    return client.post(f"/admin/users/{user.id}", data=form | changes, headers=EN)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda c, t: c.post(f"/admin/users/{t.id}/password", data={"pw-password": "một mật khẩu mới"}),
            id="password reset",
        ),
        pytest.param(lambda c, t: _edit(c, t, role="supervisor"), id="new role"),
        pytest.param(lambda c, t: _edit(c, t, places="29461, 29494"), id="new places"),
        pytest.param(lambda c, t: _edit(c, t, active=""), id="switched off"),
    ],
)
def test_an_admins_change_to_the_account_signs_every_phone_out(app, client, world, change):
    _tree, trainer = world
    _token, first = factories.device(trainer, "Phone 1")
    _token, second = factories.device(trainer, "Phone 2")
    assert _phone_works(app, first) == (200, 200)
    _admin(client)
    assert change(client, trainer).status_code == 302
    assert _phone_works(app, first) == (401, 401)
    assert _phone_works(app, second) == (401, 401)


def test_a_new_display_name_keeps_the_phones_signed_in(app, client, world):
    _tree, trainer = world
    _token, raw = factories.device(trainer)
    _admin(client)
    assert _edit(client, trainer, display_name="Nguyễn Thị Lan").status_code == 302
    assert _phone_works(app, raw) == (200, 200)


def test_switching_an_account_back_on_does_not_revive_its_old_tokens(app, client, world):
    _tree, trainer = world
    _token, raw = factories.device(trainer)
    _admin(client)
    _edit(client, trainer, active="")
    _edit(client, trainer, active="y")
    assert _phone_works(app, raw) == (401, 401)


def _browser(app, username="giamsat"):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        assert factories.login(browser, user).status_code == 302
    assert browser.get("/records/households").status_code == 200
    return browser


def _copy(app, browser):
    """Another client holding a copy of the browser's cookies (a stolen or shared cookie)."""
    copy = app.test_client()
    for cookie in browser._cookies.values():
        copy.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return copy


def test_signing_out_ends_a_copy_of_the_session_cookie_too(app, world):
    browser = _browser(app)
    copy = _copy(app, browser)
    assert copy.get("/records/households").status_code == 200
    browser.get("/", headers=EN)  # the page with the sign-out form (and its CSRF token)
    assert browser.post("/logout").status_code == 302
    assert copy.get("/records/households").status_code == 302
    assert browser.get("/records/households").status_code == 302


def test_signing_out_ends_only_that_session(app, world):
    office, home = _browser(app), _browser(app)
    office.get("/", headers=EN)
    office.post("/logout")
    assert home.get("/records/households").status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda c, t: c.post(f"/admin/users/{t.id}/password", data={"pw-password": "một mật khẩu mới"}),
            id="password reset",
        ),
        pytest.param(lambda c, t: _edit(c, t, active=""), id="switched off"),
    ],
)
def test_a_reset_or_switching_off_ends_every_web_session_on_the_server(app, client, world, change):
    supervisor = db.session.scalar(sa.select(User).where(User.username == "giamsat"))
    browser = _browser(app)
    _admin(client)
    change(client, supervisor)
    db.session.expire_all()
    rows = db.session.scalars(sa.select(WebSession).where(WebSession.user_id == supervisor.id)).all()
    assert rows and all(row.ended_at is not None for row in rows)
    db.session.get(User, supervisor.id).active = True  # switched back on: the old cookie still must not work
    db.session.commit()
    assert browser.get("/records/households").status_code == 302


def test_a_session_unused_for_longer_than_its_lifetime_ends_on_the_server(app, world):
    browser = _browser(app)
    copy = _copy(app, browser)
    for row in db.session.scalars(sa.select(WebSession)):
        row.last_seen_at = row.last_seen_at - app.config["PERMANENT_SESSION_LIFETIME"]
    db.session.commit()
    assert copy.get("/records/households").status_code == 302
