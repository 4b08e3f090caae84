"""Signing in and out: clear messages, lockout, rate limiting, expired sessions, CSRF."""

import re

import pytest

from server.auth import operations
from server.auth.models import User
from server.extensions import db
from tests import factories

EN = {"Accept-Language": "en"}
WRONG = "The user name or password is wrong."


def _post_login(client, username, password):
    """Open the login page, then send it, as a user does (the page holds the form's CSRF token)."""
    client.get("/login", headers=EN)
    return client.post("/login", data={"username": username, "password": password}, headers=EN)


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def trainer(ctx):
    return factories.user("trainer", [factories.small_tree()["commune"]], username="ana")


def test_login_with_the_right_password_goes_to_the_start_page(client, trainer):
    response = _post_login(client, "ANA ", factories.PASSWORD)
    assert response.status_code == 302
    home = client.get("/", headers=EN)
    assert home.status_code == 200
    assert "Hello, Trainer Test" in _text(home)


def test_login_keeps_a_safe_next_page_only(client, trainer):
    client.get("/login?next=/places")
    response = client.post("/login?next=/places", data={"username": "ana", "password": factories.PASSWORD})
    assert response.headers["Location"] == "/places"
    client.post("/logout")
    client.get("/login?next=//evil.example/")
    response = client.post("/login?next=//evil.example/", data={"username": "ana", "password": factories.PASSWORD})
    assert response.headers["Location"] == "/"


def test_wrong_password_and_unknown_user_get_the_same_clear_message(client, trainer):
    for username in ("ana", "nobody"):
        response = _post_login(client, username, "not the password")
        assert response.status_code == 401
        assert WRONG in _text(response)
    assert client.get("/").status_code == 302


def test_switched_off_account_cannot_sign_in(client, trainer):
    trainer.active = False
    db.session.commit()
    response = _post_login(client, "ana", factories.PASSWORD)
    assert response.status_code == 401
    assert "This account is switched off. Ask your administrator." in _text(response)


def _signed_in_client(app, user_id):
    # Requests outside the test's app context, so each one loads the user afresh as in production.
    client = app.test_client()
    with app.app_context():
        assert factories.login(client, db.session.get(User, user_id)).status_code == 302
    assert client.get("/").status_code == 200
    return client


def test_switching_an_account_off_ends_its_open_session(app):
    with app.app_context():
        user_id = factories.user("trainer", [factories.small_tree()["commune"]]).id
    client = _signed_in_client(app, user_id)
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert client.get("/").status_code == 302


def test_too_many_attempts_are_rate_limited(app, client, trainer):
    allowed = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for n in range(allowed):  # other names each time: the brake on one name is tested in test_sign_in_brake.py
        assert _post_login(client, f"nobody{n}", "guess").status_code == 401
    refused = _post_login(client, "ana", factories.PASSWORD)
    assert refused.status_code == 429
    assert "Too many attempts. Please wait a moment and try again." in _text(refused)
    assert client.get("/login").status_code == 200  # the page itself still opens


def test_expired_session_says_so(client, trainer):
    client.set_cookie("ls_signed_in", "1")
    response = client.get("/places", headers=EN, follow_redirects=True)
    assert "Your session has expired. Please sign in again." in _text(response)


def test_never_signed_in_is_asked_to_sign_in(client, trainer):
    response = client.get("/places", headers=EN, follow_redirects=True)
    assert response.request.path == "/login"
    assert "Please sign in." in _text(response)
    assert "Your session has expired" not in _text(response)


def test_password_reset_ends_the_users_other_sessions(app):
    with app.app_context():
        user_id = factories.user("trainer", [factories.small_tree()["commune"]], username="ana").id
    client = _signed_in_client(app, user_id)
    with app.app_context():
        operations.reset_password(db.session.get(User, user_id), "another long password")
        db.session.commit()  # operations flush; their caller commits
    assert client.get("/").status_code == 302
    fresh = app.test_client()
    assert _post_login(fresh, "ana", "another long password").status_code == 302
    assert fresh.get("/").status_code == 200


def test_logout_ends_the_session(client, trainer):
    factories.login(client, trainer)
    response = client.post("/logout", headers=EN, follow_redirects=True)
    assert "You are signed out." in _text(response)
    assert client.get("/").status_code == 302


def test_form_without_csrf_token_is_refused_with_a_clear_message(client, trainer):
    client.get("/login")
    with client.cross_site():
        response = client.post("/login", data={"username": "ana", "password": factories.PASSWORD}, headers=EN)
    assert response.status_code == 400
    assert "This form has expired. Please go back, reload the page and try again." in _text(response)
    assert client.get("/").status_code == 302


def test_form_with_its_csrf_token_is_accepted(client, trainer):
    page = _text(client.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": "ana", "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_api_calls_without_a_token_get_a_problem_for_csrf(client, trainer):
    factories.login(client, trainer)
    with client.cross_site():
        response = client.post("/api/v1/sync/push", json={"mutations": []}, headers=EN)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "csrf"
