"""Behind nginx: the client's address and scheme come from the proxy's headers only when it is trusted."""

import itertools

import pytest

from server import create_app
from server.extensions import db, limiter
from tests.browser_client import BrowserClient
from tests.conftest import _test_config, close_app

EN = {"Accept-Language": "en"}


@pytest.fixture
def proxied_app(tmp_path_factory):
    """The app as deploy/lensan.env runs it behind nginx: one trusted proxy."""
    app = create_app({**_test_config(tmp_path_factory), "TRUSTED_PROXIES": 1})
    app.test_client_class = BrowserClient
    with app.app_context():
        db.create_all()
    yield app
    close_app(app)
    limiter.reset()


_NAMES = itertools.count()


def _sign_in_attempts(app, forwarded_for: str, count: int) -> list[int]:
    client = app.test_client()
    statuses = []
    for _ in range(count):
        # A new name each time: the same name from the same address would meet the sign-in brake first.
        # Over HTTPS the CSRF check also wants the browser's same-origin Referer.
        headers = {
            **EN,
            "X-Forwarded-For": forwarded_for,
            "X-Forwarded-Proto": "https",
            "Referer": "https://localhost/login",
        }
        client.get("/login", headers=headers)
        statuses.append(
            client.post(
                "/login", data={"username": f"nobody{next(_NAMES)}", "password": "x"}, headers=headers
            ).status_code
        )
    return statuses


def test_https_at_the_proxy_marks_cookies_secure_and_sends_hsts(proxied_app):
    response = proxied_app.test_client().get("/login", headers={**EN, "X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "max-age=" in response.headers.get("Strict-Transport-Security", "")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies)


def test_a_forged_scheme_is_ignored_without_a_trusted_proxy(client):
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and not any("Secure" in cookie for cookie in cookies)


def test_sign_in_limit_counts_each_client_behind_the_proxy_apart(proxied_app):
    allowed = int(proxied_app.config["LOGIN_RATE_LIMIT"].split()[0])
    assert _sign_in_attempts(proxied_app, "203.0.113.5", allowed + 1) == [401] * allowed + [429]
    # Another trainer of the same commune, behind the same nginx, can still sign in.
    assert _sign_in_attempts(proxied_app, "203.0.113.6", 1) == [401]


def test_a_forged_client_address_does_not_escape_the_limit_without_a_trusted_proxy(app):
    allowed = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    statuses = [_sign_in_attempts(app, f"198.51.100.{i}", 1)[0] for i in range(allowed + 1)]
    assert statuses == [401] * allowed + [429]


def test_tries_saved_for_the_end_of_a_window_get_no_more_than_the_limit_in_any_minute(app, monkeypatch):
    import time

    allowed = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    assert _sign_in_attempts(app, "198.51.100.7", 1) == [401]  # one try opens the minute
    now[0] += 59
    assert _sign_in_attempts(app, "198.51.100.7", allowed - 1) == [401] * (allowed - 1)
    now[0] += 1.5  # the first try is over a minute old; the others are not
    assert _sign_in_attempts(app, "198.51.100.7", 2) == [401, 429]
