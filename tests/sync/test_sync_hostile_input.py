"""Hostile or broken text in a push: only the mutation that holds it is refused, and every answer is JSON."""

import json
import uuid

import pytest

from server.households.models import Household
from tests import factories as f
from tests.sync.conftest import with_programme_consent
from tests.sync.test_sync_push import fresh

LONE_SURROGATE = "\udcff"  # what a phone's broken UTF-16 string decodes to; UTF-8 cannot hold it


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


def _register(phone, tree, **fields) -> dict:
    values = {"head_name": "Thạch Sóc", "commune_code": tree["commune"].code, **fields}
    return f.mutation("household", uuid.uuid4(), values, phone.clock())


@pytest.mark.parametrize(
    "fields",
    [
        {"head_name": f"Sóc{LONE_SURROGATE}"},
        {"phone": f"0912{LONE_SURROGATE}"},
        {f"head_name{LONE_SURROGATE}": "Sóc"},
    ],
)
def test_a_lone_surrogate_rejects_only_its_own_mutation_and_the_resend_too(tree, trainer, phone_for, fields):
    phone = phone_for(trainer)
    broken, fine = _register(phone, tree), _register(phone, tree, head_name="Kim Pha")
    broken["fields"].update(fields)
    for _attempt in range(2):  # the phone sends its outbox again: the same answer, never a 500
        response = phone.push([broken, fine])
        assert response.status_code == 200 and response.mimetype == "application/json"
        by_id = {r["mutation_id"]: r for r in response.get_json()["results"]}
        refused = by_id[broken["mutation_id"]]
        assert refused["status"] == "rejected" and refused["code"] == "invalid_text"
        assert refused["retryable"] is False and refused["message"]
        assert by_id[fine["mutation_id"]]["status"] in ("applied", "duplicate")
    assert fresh(Household, uuid.UUID(fine["record_id"])).head_name == "Kim Pha"
    assert fresh(Household, uuid.UUID(broken["record_id"])) is None


@pytest.mark.parametrize("spelled", ["escaped", "raw bytes"])
def test_a_lone_surrogate_is_found_however_the_body_spells_it(tree, trainer, phone_for, spelled):
    """As an escape, or as the three bytes of one written out (which Python's JSON reader lets through)."""
    phone = phone_for(trainer)
    broken = _register(phone, tree, head_name="Sóc-MARK")
    fine = _register(phone, tree, head_name="Kim Pha")
    body = json.dumps({"mutations": with_programme_consent([broken, fine])}, ensure_ascii=False).encode()
    mark = b"\\udcff" if spelled == "escaped" else LONE_SURROGATE.encode("utf-8", "surrogatepass")
    body = body.replace(b"MARK", mark)
    response = phone.request("post", "/api/v1/sync/push", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    by_id = {r["mutation_id"]: r for r in response.get_json()["results"]}
    assert by_id[broken["mutation_id"]]["code"] == "invalid_text"
    assert by_id[fine["mutation_id"]]["status"] == "applied"
    assert fresh(Household, uuid.UUID(broken["record_id"])) is None


def test_the_refusal_is_in_the_users_language(tree, trainer, phone_for):
    phone = phone_for(trainer)
    broken = _register(phone, tree, head_name=f"Sóc{LONE_SURROGATE}")
    response = phone.request(
        "post", "/api/v1/sync/push", json={"mutations": [broken]}, headers={"Accept-Language": "vi"}
    )
    [result] = response.get_json()["results"]
    assert result["code"] == "invalid_text" and result["message"].startswith("Một số chữ")


def test_a_lone_surrogate_outside_the_mutations_is_a_problem_document(tree, trainer, phone_for):
    phone = phone_for(trainer)
    body = {"app_version": f"1.0{LONE_SURROGATE}", "mutations": [_register(phone, tree)]}
    response = phone.request("post", "/api/v1/sync/push", json=body)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "invalid_text"
    signing_in = phone.client.post(
        "/api/v1/auth/token", json={"username": f"{trainer.username}{LONE_SURROGATE}", "password": "x"}
    )
    assert signing_in.status_code == 400 and signing_in.get_json()["code"] == "invalid_text"


@pytest.mark.parametrize("depth", [100_000, 1_000])
def test_deeply_nested_json_is_a_problem_document(tree, trainer, phone_for, depth):
    phone = phone_for(trainer)
    body = '{"mutations": ' + "[" * depth + "]" * depth + "}"
    response = phone.request("post", "/api/v1/sync/push", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "malformed_json"


@pytest.mark.parametrize("platform", [["shopee"], {"name": "shopee"}, 7])
def test_a_natural_key_of_the_wrong_type_rejects_only_its_own_mutation(tree, trainer, phone_for, platform):
    """A seller account naming its platform by a list, an object or a number: refused as invalid, not a 500."""
    phone = phone_for(trainer)
    fine = _register(phone, tree, head_name="Kim Pha")
    household_id = fine["record_id"]
    account = f.mutation(
        "marketplace_account", uuid.uuid4(), {"household_id": household_id, "platform": platform}, phone.clock()
    )
    response = phone.push([fine, account])
    assert response.status_code == 200 and response.mimetype == "application/json", response.get_data(as_text=True)
    by_id = {r["mutation_id"]: r for r in response.get_json()["results"]}
    assert by_id[account["mutation_id"]]["status"] == "rejected"
    assert by_id[account["mutation_id"]]["code"] == "invalid"
    assert by_id[fine["mutation_id"]]["status"] == "applied"
    assert fresh(Household, uuid.UUID(household_id)).head_name == "Kim Pha"
