"""The app factory, health check, error answers, security headers and cookies."""

import pytest
import sqlalchemy as sa

from server import create_app
from server.extensions import db
from tests import factories

EN = {"Accept-Language": "en"}


def _app_with_database(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "other", "TESTING": True})


def test_factory_applies_config_overrides(tmp_path):
    url = "sqlite:///" + str(tmp_path / "own.db")
    # NullPool closes each connection when it is returned, so none is left for the garbage collector.
    engine_options = {"poolclass": sa.pool.NullPool}
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "PUBLIC_BASE_URL": "https://nhan.example",
            "SECRET_KEY": "k",
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        }
    )
    assert app.config["PUBLIC_BASE_URL"] == "https://nhan.example"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url
    with app.app_context():
        db.create_all()
        assert app.test_client().get("/healthz").status_code == 200
        db.engine.dispose()


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-directory/lensan.db",
        "postgresql+psycopg://lensan@127.0.0.1:1/lensan?connect_timeout=2",
    ],
    ids=["broken-sqlite-path", "unreachable-postgresql"],
)
def test_healthz_answers_503_when_the_database_is_down(url):
    app = _app_with_database(url)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
    with app.app_context():
        db.engine.dispose()


def test_unknown_api_path_answers_a_problem_document(client):
    response = client.get("/api/v1/no-such-thing", headers=EN)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 404
    assert body["title"] == "Nothing was found at this address."


def test_unknown_page_answers_an_html_error_page(client):
    response = client.get("/no-such-page", headers=EN)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Nothing was found at this address." in response.get_data(as_text=True)


def test_api_without_sign_in_answers_401_problem(client):
    response = client.get("/api/v1/places", headers=EN)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_security_headers_on_pages(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert "Strict-Transport-Security" in client.get("/login", base_url="https://lensan.example").headers


def _set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_session_cookie_is_httponly_and_samesite_but_not_secure_over_http(ctx, client):
    user = factories.user("trainer", [factories.small_tree()["commune"]])
    cookies = _set_cookies(factories.login(client, user))
    assert "HttpOnly" in cookies["session"]
    assert "SameSite=Lax" in cookies["session"]
    assert "Secure" not in cookies["session"]


def test_cookies_are_secure_over_https(ctx, app):
    user = factories.user("trainer", [factories.small_tree()["commune"]])
    client = app.test_client()
    client.get("/login", base_url="https://lensan.example")
    response = client.post(
        "/login",
        data={"username": user.username, "password": factories.PASSWORD},
        base_url="https://lensan.example",
    )
    assert response.status_code == 302
    cookies = _set_cookies(response)
    for name in ("session", "ls_signed_in"):
        assert "Secure" in cookies[name]
        assert "HttpOnly" in cookies[name]
        assert "SameSite=Lax" in cookies[name]


def test_a_nul_character_is_refused_with_a_problem_document(ctx, client):
    tree = factories.small_tree()
    trainer = factories.user("trainer", [tree["commune"]])
    factories.login(client, trainer)
    response = client.get("/api/v1/places/search?q=tra%00vinh")
    assert response.status_code == 422  # a bad parameter, as the OpenAPI document says
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "bad_parameter" and list(response.get_json()["errors"]) == ["q"]
    assert client.get("/api/v1/places/search%00").status_code == 400
    assert client.get("/places?q=tra%00vinh").status_code == 400  # pages refuse it too, before anything else
    pushed = client.post(
        "/api/v1/auth/token",
        data='{"username": "a\\u0000", "password": "x", "device_label": "p"}',
        content_type="application/json",
    )
    assert pushed.status_code == 400 and pushed.get_json()["code"] == "malformed_json"


def _boom(*args, **kwargs):
    raise RuntimeError("forced failure")


@pytest.mark.parametrize("where", ["view", "view and rollback", "view and its answer", "before the view"])
def test_no_api_request_answers_an_html_500(app, monkeypatch, where):
    """An error in a route, or in answering that error, is still a problem document in the user's language."""
    if where == "before the view":
        monkeypatch.setattr("server.security.holds_nul_character", _boom)
    else:
        monkeypatch.setitem(app.view_functions, "places.search_places", _boom)
    if where == "view and rollback":
        monkeypatch.setattr(db.session, "rollback", _boom, raising=False)
    if where == "view and its answer":
        monkeypatch.setattr("server.errors.problem", _boom)
    response = app.test_client().get("/api/v1/places/search?q=tra", headers={"Accept-Language": "km"})
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == "server_error" and body["status"] == 500
    assert body["title"] and body["title"] != "Something went wrong on our side. Please try again."
