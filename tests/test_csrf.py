"""CSRF rows of the access matrix: every state-changing endpoint refuses a cookie request without a token.

The endpoints come from the app's url_map: a new form endpoint is checked without being listed, and
a new exemption from the check fails test_only_the_phone_sign_in_is_exempt until it is justified here.
"""

import io
import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from server.extensions import db
from server.households import import_jobs
from server.labels import jobs
from tests import factories as f
from tests.test_access_matrix import access, build_world, url_for_rule

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
EXPIRED = "This form has expired"
# The phone's JSON sign-in reads no cookie and accepts only application/json, which no cross-site form can send.
EXEMPT = {"auth_api.issue_token"}


def writes(app) -> list[tuple[str, str, str]]:
    """(rule, method, endpoint) of every state-changing route."""
    return sorted(
        (rule.rule, method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods & WRITES)
    )


def _form_writes(app):
    return [(rule, method) for rule, method, _e in writes(app) if not rule.startswith("/api/")]


def _api_writes(app):
    return [
        (rule, method) for rule, method, endpoint in writes(app) if rule.startswith("/api/") and endpoint not in EXEMPT
    ]


@pytest.fixture
def csrf_on(app, monkeypatch):
    """The CSRF check as in production (the suite's default) and room for many sign-ins from one address."""
    assert app.config["WTF_CSRF_ENABLED"]
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "1000 per minute")


def request(app, client, method: str, url: str, **kwargs):
    """One request in its own app context, as in production."""
    with app.app_context():
        return client.open(url, method=method, **kwargs)


def signed_in(app, username: str | None):
    """A client with a session (signed in through the login form, with its token) and the session's token.

    A plain FlaskClient, not the suite's BrowserClient: these tests choose by hand which token each request carries.
    """
    client = FlaskClient(app, app.response_class, use_cookies=True)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # the refusal is recognised by its English words
    page = request(app, client, "GET", "/login").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    if username:
        form = {"username": username, "password": f.PASSWORD, "csrf_token": token}
        assert request(app, client, "POST", "/login", data=form).status_code == 302
        token = TOKEN.search(request(app, client, "GET", "/").get_data(as_text=True)).group(1)
    return client, token


def snapshot() -> list:
    """Every row of every table: a refused request must leave all of them as they were."""
    db.session.remove()
    return [list(db.session.execute(sa.select(table))) for table in db.metadata.sorted_tables]


def refused(response) -> bool:
    """Whether the answer is the CSRF refusal (a page or a problem document)."""
    if response.status_code != 400:
        return False
    if response.mimetype == "application/problem+json":
        return response.get_json()["code"] == "csrf"
    return EXPIRED in response.get_data(as_text=True)


def _url(rule: str, method: str, world: dict) -> str:
    _who, target = access(rule, method)
    return url_for_rule(rule, target, world, "inside")


def _role(rule: str, method: str) -> str | None:
    who, _target = access(rule, method)
    return None if who in ("public", "token request") else "admin"


def test_only_the_phone_sign_in_is_exempt(app):
    exempt = {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "csrf_exempt", False)}
    assert exempt == EXEMPT
    assert all(rule.startswith("/api/") for rule, _m, endpoint in writes(app) if endpoint in EXEMPT)


def test_the_phone_sign_in_takes_json_only(app, ctx, csrf_on):
    f.user("trainer", [f.small_tree()["commune"]], username="kim")
    form = {"username": "kim", "password": f.PASSWORD, "device_label": "Phone"}
    assert request(app, app.test_client(), "POST", "/api/v1/auth/token", data=form).status_code == 415
    assert request(app, app.test_client(), "POST", "/api/v1/auth/token", json=form).status_code == 201


CSV = "Họ tên;Xã\nThạch Sa Rinh;29461\n".encode()


def _body(rule: str, token: str | None) -> dict:
    """A form body (with the token when given); the import upload carries a file."""
    body = {"csrf_token": token} if token else {}
    if rule == "/records/import":
        body["file"] = (io.BytesIO(CSV), "list.csv")
    return body


def _import_token(app, client, token: str) -> str:
    response = request(app, client, "POST", "/records/import", data=_body("/records/import", token))
    assert response.status_code == 302
    return response.headers["Location"].split("/records/import/")[1]


def test_every_form_refuses_a_request_without_its_token_and_takes_one_with_it(app, ctx, csrf_on, empty_tables):
    failures = []
    for rule, method in _form_writes(app):
        db.session.remove()
        empty_tables()
        world = build_world()
        client, token = signed_in(app, world["users"]["admin"] if _role(rule, method) else None)
        url, upload = _url(rule, method, world), None
        if "<token>" in rule:
            upload = _import_token(app, client, token)
            url = url.replace("no-such-import", upload)
        before = snapshot()
        without = request(app, client, method, url, data=_body(rule, None))
        if not refused(without) or snapshot() != before:
            failures.append(f"{method} {url} without a token: {without.status_code}, changed: {snapshot() != before}")
        _other, other_token = signed_in(app, world["users"]["supervisor"])
        foreign = request(app, client, method, url, data=_body(rule, other_token))
        if not refused(foreign):
            failures.append(f"{method} {url} with another session's token: {foreign.status_code}")
        taken = request(app, client, method, url, data=_body(rule, token))
        if refused(taken) or taken.status_code >= 500:
            failures.append(f"{method} {url} with its token: {taken.status_code}")
        _wait_for_background_work(upload, taken.headers.get("Location", ""))
        for response in (without, foreign, taken):
            response.close()
    assert failures == []


def _wait_for_background_work(upload: str | None, location: str) -> None:
    """An import run or a label batch started by the request finishes before the tables are emptied."""
    if upload:
        import_jobs.wait(upload)
    if "/labels/batches/" in location:
        jobs.wait(location.rsplit("/", 1)[1])


def test_api_writes_refuse_a_cookie_session_without_a_token(app, ctx, csrf_on, empty_tables):
    failures = []
    for rule, method in _api_writes(app):
        db.session.remove()
        empty_tables()
        world = build_world()
        client, token = signed_in(app, world["users"]["admin"])
        _device, raw = f.device(f.user("admin"))
        url = _url(rule, method, world)
        before = snapshot()
        cookie = request(app, client, method, url, json={})
        if not refused(cookie) or snapshot() != before:
            failures.append(f"{method} {url} with a cookie and no token: {cookie.status_code}")
        with_token = request(app, client, method, url, json={}, headers={"X-CSRFToken": token})
        bearer = request(app, app.test_client(), method, url, json={}, headers=f.bearer(raw))
        failures += [
            f"{method} {url} refused with {how}" for how, r in (("token", with_token), ("bearer", bearer)) if refused(r)
        ]
    assert failures == []


def test_a_made_up_bearer_header_does_not_ride_on_the_cookie_session(app, ctx, csrf_on):
    tree = f.small_tree()
    admin = f.user("admin")
    client, _token = signed_in(app, admin.username)
    body = {"kind": "households", "place_code": tree["commune"].code}
    before = snapshot()
    for method, url, kwargs in (
        ("POST", "/api/v1/labels/batches", {"json": body}),
        ("POST", "/api/v1/sync/push", {"json": {"mutations": []}}),
        ("DELETE", "/api/v1/auth/token", {}),
    ):
        response = request(app, client, method, url, headers={"Authorization": "Bearer made-up"}, **kwargs)
        assert response.status_code == 401, (url, response.status_code)
    assert snapshot() == before
