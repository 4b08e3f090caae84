"""The sign-in brake: wrong passwords slow down one address for one name, never lock the owner out,
and never tell which names exist. The login page and the phone's sign-in API follow the same rules."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.auth import operations, throttle
from server.auth.models import DeviceToken, LoginFailure
from server.extensions import db
from tests import factories

EN = {"Accept-Language": "en"}
VI = {"Accept-Language": "vi"}
KM = {"Accept-Language": "km"}
WRONG = "The user name or password is wrong."
ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture
def admin(ctx):
    return factories.user("admin", [], username="admin")


def _web(client, username, password, address=ATTACKER, headers=EN):
    client.get("/login", headers=headers, environ_base=address)
    return client.post(
        "/login", data={"username": username, "password": password}, headers=headers, environ_base=address
    )


def _phone(client, username, password, address=ATTACKER, headers=EN):
    body = {"username": username, "password": password, "device_label": "Redmi 9"}
    return client.post("/api/v1/auth/token", json=body, headers=headers, environ_base=address)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _let_time_pass() -> None:
    """Move every counted failure back past its wait, as the clock would."""
    for row in db.session.scalars(sa.select(LoginFailure)):
        row.last_failed_at = row.last_failed_at - timedelta(hours=1)
    db.session.commit()


def test_a_wrong_password_makes_the_next_try_wait_two_seconds_even_with_the_right_password(client, admin):
    assert _web(client, "admin", "guess 1").status_code == 401
    waiting = _web(client, "admin", factories.PASSWORD)
    assert waiting.status_code == 429
    assert waiting.headers["Retry-After"] == "2"
    assert "Too many wrong passwords. Please wait 2 seconds, then try again." in _text(waiting)
    assert client.get("/", headers=EN).status_code == 302  # not signed in
    _let_time_pass()
    assert _web(client, "admin", factories.PASSWORD).status_code == 302


def test_each_wrong_password_doubles_the_wait_then_the_address_waits_the_lock_minutes(app, client, admin):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for n in range(1, limit):
        assert _web(client, "admin", f"guess {n}").status_code == 401
        assert _web(client, "admin", "another guess").headers["Retry-After"] == str(2**n)
        _let_time_pass()
    locked = _web(client, "admin", f"guess {limit}")
    minutes = app.config["LOGIN_LOCK_MINUTES"]
    assert (locked.status_code, locked.headers["Retry-After"]) == (429, str(minutes * 60))
    assert f"Too many wrong passwords. Please wait {minutes} minutes, then try again." in _text(locked)
    still = _web(client, "admin", factories.PASSWORD)
    assert still.status_code == 429 and f"{minutes} minutes" in _text(still)


def test_the_owner_signs_in_from_another_address_while_an_attacker_is_braked(app, client, admin):
    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        _let_time_pass()
        _web(client, "admin", f"guess {n}")
    assert _web(client, "admin", factories.PASSWORD).status_code == 429  # the attacker's address waits
    owner = app.test_client()
    assert _web(owner, "admin", factories.PASSWORD, address=OWNER).status_code == 302
    assert owner.get("/", headers=EN).status_code == 200
    phone = _phone(app.test_client(), "admin", factories.PASSWORD, address=OWNER)
    assert phone.status_code == 201


def test_the_wait_is_told_in_the_users_language(app, admin):
    client = app.test_client()  # no English by default

    def text(send, headers):
        with app.app_context():  # each request in its own context, as in production (the language is kept in g)
            response = send(client, "admin", "guess", headers=headers)
        return response.get_json()["detail"] if response.is_json else _text(response)

    text(_web, EN)
    assert "Vui lòng chờ 2 giây rồi thử lại." in text(_web, VI)
    assert "សូមរង់ចាំ 2 វិនាទី រួចព្យាយាមម្តងទៀត។" in text(_web, KM)
    assert "Vui lòng chờ 2 giây rồi thử lại." in text(_phone, VI)


def _answers(send, client, username, address):
    """Status, code or page text and Retry-After of every answer in a run of wrong passwords."""
    answers = []
    for n in range(6):
        response = send(client, username, f"guess {n}", address=address)
        if response.is_json:
            body = response.get_json()
        else:  # the page without its CSRF token and the name typed, which it shows back
            body = re.sub(r'value="[^"]*"', "", _text(response))
        answers.append((response.status_code, body, response.headers.get("Retry-After")))
        if n % 2:
            _let_time_pass()
    return answers


@pytest.mark.parametrize("send", [_web, _phone], ids=["login page", "phone sign-in"])
def test_unknown_and_known_names_are_answered_exactly_alike(app, send, admin):
    known = _answers(send, app.test_client(), "admin", ATTACKER)
    unknown = _answers(send, app.test_client(), "nobody-here", OWNER)  # another address: its own rate limit
    assert known == unknown
    assert {status for status, _body, _wait in known} == {401, 429}


def test_an_unknown_name_costs_a_password_hash_like_a_known_one(client, admin, monkeypatch):
    checked = []
    real = operations.check_password_hash
    monkeypatch.setattr(operations, "check_password_hash", lambda *a: checked.append(a) or real(*a))
    _phone(client, "nobody-here", "guess")
    assert len(checked) == 1


def test_the_phone_sign_in_api_brakes_like_the_login_page(client, admin):
    first = _phone(client, "admin", "guess")
    assert (first.status_code, first.get_json()["code"]) == (401, "wrong_password")
    waiting = _phone(client, "admin", factories.PASSWORD)
    assert (waiting.status_code, waiting.get_json()["code"]) == (429, "slow_down")
    assert waiting.headers["Retry-After"] == "2"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeviceToken)) == 0
    # the login page counts the same failures: the same name from the same address waits there too
    assert _web(client, "admin", factories.PASSWORD).status_code == 429


def test_a_password_reset_lifts_the_brake(app, client, admin):
    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        _web(client, "admin", f"guess {n}")
        _let_time_pass()
    operations.reset_password(admin, "a brand new password")
    db.session.commit()
    assert _web(client, "admin", "a brand new password").status_code == 302


def test_the_right_password_clears_the_count_of_its_address(client, admin):
    _web(client, "admin", "guess")
    _let_time_pass()
    assert _web(client, "admin", factories.PASSWORD).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginFailure)) == 0


@pytest.mark.parametrize("send", [_web, _phone], ids=["login page", "phone sign-in"])
def test_the_rate_limit_answer_says_when_to_come_back(app, send, admin):
    client = app.test_client()
    allowed = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for n in range(allowed):
        send(client, f"name{n}", "guess", address=OWNER)
    refused = send(client, "admin", factories.PASSWORD, address=OWNER)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 61  # the rest of the minute


def test_two_wrong_tries_at_the_same_moment_both_count(client, admin, monkeypatch):
    _web(client, "admin", "guess 1")
    _let_time_pass()
    real, calls = throttle._row, []

    def another_try_inserted_first(*args):  # the row is not seen, as by a request racing the first
        calls.append(args)
        return None if len(calls) == 2 else real(*args)

    monkeypatch.setattr(throttle, "_row", another_try_inserted_first)
    assert _web(client, "admin", "guess 2").status_code == 401
    monkeypatch.undo()
    assert _web(client, "admin", "guess 3").headers["Retry-After"] == "4"
