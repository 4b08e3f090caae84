"""The API answers as its OpenAPI document says, where schemathesis found it did not."""

import pytest

from tests import factories as f


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.mark.parametrize(("method", "path"), [("post", "/api/v1/sync/push"), ("delete", "/api/v1/auth/token")])
def test_writes_without_credentials_are_401_not_csrf(client, ctx, document, method, path):
    client.get("/login")  # a browser with a session cookie, signed in to nothing
    response = getattr(client, method)(path, json={"mutations": []})
    assert response.status_code == 401 and response.get_json()["code"] == "unauthorized"
    assert "401" in document["paths"][path][method]["responses"]


def test_a_signed_in_cookie_session_still_needs_the_csrf_token(client, ctx):
    tree = f.small_tree()
    f.login(client, f.user("trainer", [tree["commune"]]))
    with client.cross_site():
        response = client.delete("/api/v1/auth/token")
    assert response.status_code == 400 and response.get_json()["code"] == "csrf"


@pytest.mark.parametrize(
    ("method", "path"), [("put", "/api/v1/sync/push"), ("post", "/api/v1/places"), ("put", "/login")]
)
def test_405_says_which_methods_are_allowed(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed and method.upper() not in allowed


def _signed_in(client):
    tree = f.small_tree()
    f.login(client, f.user("supervisor", [tree["province"]]))
    return tree


def test_q_longer_than_documented_is_refused(client, ctx, document):
    _signed_in(client)
    [q] = [p for p in document["paths"]["/api/v1/places/search"]["get"]["parameters"] if p["name"] == "q"]
    longest = q["schema"]["maxLength"]
    assert client.get("/api/v1/places/search", query_string={"q": "á" * longest}).status_code == 200
    too_long = client.get("/api/v1/places/search", query_string={"q": "á" * (longest + 1)})
    assert too_long.status_code == 422 and list(too_long.get_json()["errors"]) == ["q"]
    # Sent twice, the long one behind a short one: not read past.
    twice = client.get("/api/v1/places/search", query_string=[("q", "tra"), ("q", "á" * (longest + 1))])
    assert twice.status_code == 422 and list(twice.get_json()["errors"]) == ["q"]


def test_empty_communes_is_as_if_not_given_and_an_empty_place_is_refused_as_documented(client, ctx, document):
    tree = _signed_in(client)
    token = client.post(
        "/api/v1/auth/token",
        json={"username": f.user("trainer", [tree["commune"]]).username, "password": f.PASSWORD, "device_label": "p"},
    ).get_json()["token"]
    phone = client.application.test_client()
    everything = phone.get("/api/v1/sync/pull", headers=f.bearer(token))
    for no_code in ("", ", ,"):
        empty = phone.get("/api/v1/sync/pull", query_string={"communes": no_code}, headers=f.bearer(token))
        assert empty.status_code == 200 and empty.get_json()["records"] == everything.get_json()["records"]
    [communes] = [p for p in document["paths"]["/api/v1/sync/pull"]["get"]["parameters"] if p["name"] == "communes"]
    assert communes["schema"].get("minLength", 0) == 0
    [place] = [p for p in document["paths"]["/api/v1/reports/indicators"]["get"]["parameters"] if p["name"] == "place"]
    assert place["schema"]["minLength"] == 1
    refused = client.get("/api/v1/reports/indicators?place=")
    assert refused.status_code == 422 and list(refused.get_json()["errors"]) == ["place"]


def test_a_nul_in_a_query_is_a_documented_422_everywhere(client, ctx, document):
    _signed_in(client)
    response = client.get("/api/v1/sync/pull?communes=86%00")
    assert response.status_code == 422 and response.get_json()["errors"] == {
        "communes": ["A NUL character is not allowed."]
    }
    for operations in document["paths"].values():
        for method, operation in operations.items():
            assert "422" in operation["responses"], method
