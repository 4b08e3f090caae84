"""The OpenAPI document is valid, lists every /api/v1 route, and real responses match it."""

import gzip
import json
import re
import uuid

import jsonschema
import pytest
from openapi_spec_validator import validate

from server.bulletins.models import BulletinTold
from server.extensions import db
from server.sync.pull import DEFAULT_LIMIT, MAX_LIMIT
from server.sync.schemas import DUMP_SCHEMAS, MAX_COMMUNES_ARG, MAX_VERSION, PullQuerySchema
from tests import factories as f


@pytest.fixture
def document(app, client):
    with app.app_context():
        response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def check(document: dict, path: str, method: str, response) -> None:
    """Validate a real response against the documented one for its status code."""
    documented = document["paths"][path][method]["responses"][str(response.status_code)]
    if "$ref" in documented:
        documented = document["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
    if "content" not in documented:
        assert not response.get_data()
        return
    assert response.mimetype in documented["content"], (path, method, response.mimetype)
    schema = documented["content"][response.mimetype]["schema"]
    data = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    body = json.loads(data)
    jsonschema.Draft202012Validator({**schema, "components": document["components"]}).validate(body)


def test_document_is_valid_openapi(document):
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert {"Problem", "PushReply", "PullReply", "HouseholdDump", "TokenReply"} <= set(
        document["components"]["schemas"]
    )


def test_every_api_route_is_documented(app, document):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"].get(path, {}).get(method.lower())
            assert operation, f"{method} {path} is not documented"
            assert operation.get("summary") and operation.get("responses")


def test_real_responses_match_the_document(app, client, ctx, document):
    tree = f.small_tree()
    f.user("trainer", [tree["commune"]], username="tapsu")
    mover = f.user("admin")
    moved = f.household(tree["commune"])
    f.consent(moved, "programme")
    f.seller_account(moved, checked_on=None)
    f.payment_account(moved)
    session = f.training(tree["commune"], attendees=[moved])
    notice = f.bulletin(tree["commune"], price=7800, price_unit="kg", price_on=session.held_on)
    db.session.add(BulletinTold(bulletin_id=notice.id, session_id=session.id))
    db.session.commit()

    def call(method, path, **kwargs):
        with app.app_context():
            return getattr(client, method)(path, **kwargs)

    signed_in = call(
        "post", "/api/v1/auth/token", json={"username": "tapsu", "password": f.PASSWORD, "device_label": "A"}
    )
    check(document, "/api/v1/auth/token", "post", signed_in)
    check(document, "/api/v1/auth/token", "post", call("post", "/api/v1/auth/token", json={"username": "x"}))
    check(
        document,
        "/api/v1/auth/token",
        "post",
        call("post", "/api/v1/auth/token", json={"username": "x", "password": "y", "device_label": "z"}),
    )
    headers = f.bearer(signed_in.get_json()["token"])
    device_id = signed_in.get_json()["device_id"]
    household_id, deleted_id = uuid.uuid4(), uuid.uuid4()
    mutations = [
        f.mutation(
            "household", household_id, {"head_name": "A", "commune_code": tree["commune"].code}, f.hlc(1, device_id)
        ),
        f.mutation(
            "household", deleted_id, {"head_name": "B", "commune_code": tree["commune"].code}, f.hlc(2, device_id)
        ),
        *(f.consent_mutation(h, "programme", True, f.hlc(2, device_id)) for h in (household_id, deleted_id)),
        f.mutation("household", deleted_id, {}, f.hlc(3, device_id), op="delete"),
        f.mutation("household", uuid.uuid4(), {"head_name": "C"}, f.hlc(4, device_id)),
        {"mutation_id": "x"},
    ]
    shown = [str(notice.id)]
    pushed = call("post", "/api/v1/sync/push", json={"mutations": mutations, "shown": shown}, headers=headers)
    check(document, "/api/v1/sync/push", "post", pushed)
    check(
        document,
        "/api/v1/sync/push",
        "post",
        call("post", "/api/v1/sync/push", json={"mutations": mutations}, headers=headers),
    )
    check(document, "/api/v1/sync/push", "post", call("post", "/api/v1/sync/push", data=b"{", headers=headers))
    check(
        document, "/api/v1/sync/push", "post", call("post", "/api/v1/sync/push", json={"mutations": 3}, headers=headers)
    )
    check(document, "/api/v1/sync/push", "post", call("post", "/api/v1/sync/push", json={}))

    admin_token, admin_raw = f.device(mover)
    move = f.mutation("household", moved.id, {"commune_code": tree["commune2"].code}, f.hlc(9, admin_token.device_id))
    call("post", "/api/v1/sync/push", json={"mutations": [move]}, headers=f.bearer(admin_raw))
    pulled = call("get", "/api/v1/sync/pull", headers={**headers, "Accept-Encoding": "gzip"})
    check(document, "/api/v1/sync/pull", "get", pulled)
    body = json.loads(gzip.decompress(pulled.get_data()))
    assert set(body["records"]) | set(body["exits"]) == set(DUMP_SCHEMAS)
    assert body["exits"]["household"]["rows"] == [[str(moved.id)]]
    tombstones = 0
    for entity, block in body["records"].items():
        name = DUMP_SCHEMAS[entity].__name__.removesuffix("Schema")
        schema = {**document["components"]["schemas"][name], "components": document["components"]}
        fields = list(DUMP_SCHEMAS[entity]._declared_fields)
        assert block["columns"] == ([] if entity == "attendance" else ["id"]) + ["version", "deleted", *fields]
        for row in block["rows"]:
            values = dict(zip(block["columns"], row, strict=True))
            tombstones += values["deleted"]
            jsonschema.Draft202012Validator(schema).validate({name: values[name] for name in fields})
    assert tombstones == 1
    check(document, "/api/v1/sync/pull", "get", call("get", "/api/v1/sync/pull?communes=29494", headers=headers))
    check(document, "/api/v1/sync/pull", "get", call("get", "/api/v1/sync/pull?cursor=x", headers=headers))

    check(document, "/api/v1/places", "get", call("get", "/api/v1/places", headers=headers))
    check(document, "/api/v1/places", "get", call("get", "/api/v1/places?parent=nowhere", headers=headers))
    check(document, "/api/v1/places/search", "get", call("get", "/api/v1/places/search?q=tra", headers=headers))
    check(document, "/api/v1/places/search", "get", call("get", "/api/v1/places/search?q=tra"))
    check(document, "/api/v1/auth/token", "delete", call("delete", "/api/v1/auth/token", headers=headers))
    check(document, "/api/v1/auth/token", "delete", call("delete", "/api/v1/auth/token", headers=headers))


def test_the_pulls_parameters_are_its_schemas_and_their_bounds_hold(app, client, ctx, document):
    tree = f.small_tree()
    _token, raw = f.device(f.user("trainer", [tree["commune"]]))
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/sync/pull"]["get"]["parameters"]}
    assert set(parameters) == set(PullQuerySchema().fields) == {"cursor", "limit", "reference", "communes", "refs"}
    assert {p["in"] for p in parameters.values()} == {"query"}
    cursor, limit = parameters["cursor"]["schema"], parameters["limit"]["schema"]
    assert (cursor["minimum"], cursor["maximum"], cursor["default"]) == (0, MAX_VERSION, 0)
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, MAX_LIMIT, DEFAULT_LIMIT)
    assert parameters["reference"]["schema"]["enum"] == [0, 1]
    assert parameters["refs"]["schema"]["enum"] == [0, 1]
    assert parameters["communes"]["schema"] == {"type": "string", "maxLength": MAX_COMMUNES_ARG}

    def pull(**query):
        with app.app_context():
            return client.get("/api/v1/sync/pull", query_string=query, headers=f.bearer(raw))

    for name in ("cursor", "limit"):
        bounds = parameters[name]["schema"]
        for inside in (bounds["minimum"], bounds["maximum"]):
            assert pull(**{name: inside}).status_code == 200
        for outside in (bounds["minimum"] - 1, bounds["maximum"] + 1):
            refused = pull(**{name: outside})
            assert refused.status_code == 422 and list(refused.get_json()["errors"]) == [name]
            check(document, "/api/v1/sync/pull", "get", refused)
