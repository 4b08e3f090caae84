"""The API fuzzed from its own OpenAPI document: no 5xx, and every response matches the document.

The run is bounded: a few examples per operation plus the coverage phase, no shrinking, and the
push body is generated with at most a handful of mutations (the document allows 500; drawing
hundreds of regex-shaped clocks per example kept hypothesis busy for minutes). Batches of 500
and more are exercised in tests/sync and tests/test_faults.py.

The stateful phase follows the document's links (a pull's next_cursor into the next pull, a
push's record into its label, a place into its children and figures) for a few short sequences,
derandomised so that every run makes the same calls.
"""

import copy

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import factories

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MUTATIONS_PER_PUSH = 3

FUZZ_CONFIG = {
    "suppress-health-check": ["all"],
    "generation": {"max-examples": 8, "no-shrink": True, "database": "none", "deterministic": True},
    "phases": {"stateful": {"enabled": False}},  # run by test_api_sequences_answer_as_documented
}
SEQUENCES = settings(
    max_examples=10,
    stateful_step_count=5,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
# Revoking the fuzzing phone's own token would leave every later call unauthenticated, and
# batch jobs render thousands of labels in the background (their checks are in tests/labels).
LEFT_OUT = (("DELETE", "/api/v1/auth/token"), ("POST", "/api/v1/labels/batches"))


def _bounded(document: dict) -> dict:
    """The document with request arrays capped so that generating one example stays cheap."""
    bounded = copy.deepcopy(document)
    push = bounded["components"]["schemas"]["Push"]["properties"]["mutations"]
    push["maxItems"] = MUTATIONS_PER_PUSH
    return bounded


@pytest.fixture
def api_schema(app):
    """The document the app serves, loaded from the WSGI app, with generation bounded."""
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    loaded = schemathesis.openapi.from_dict(_bounded(document), config=SchemathesisConfig.from_dict(FUZZ_CONFIG))
    loaded.app = app
    loaded.location = "/api/v1/openapi.json"
    return loaded


@pytest.fixture
def bearer(ctx, client):
    """Headers of a trainer's phone, with a household and a session in scope to aim at."""
    tree = factories.small_tree()
    trainer = factories.user("trainer", [tree["commune"]])
    household = factories.household(tree["commune"], tree["hamlet"])
    factories.training(tree["commune"], attendees=[household])
    reply = client.post(
        "/api/v1/auth/token",
        json={"username": trainer.username, "password": factories.PASSWORD, "device_label": "fuzz"},
    )
    assert reply.status_code == 201
    # The WSGI client does not inflate gzip bodies; the gzip path is tested in tests/sync.
    return {"Authorization": f"Bearer {reply.get_json()['token']}", "Accept-Encoding": "identity"}


def _left_out(loaded):
    for method, path in LEFT_OUT:
        loaded = loaded.exclude(method=method, path=path)
    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")


@_left_out(schema).parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_answers_every_request_as_documented(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)


def test_the_document_links_operations_for_the_stateful_phase(api_schema):
    assert api_schema.statistic.links.total >= 5


def test_api_sequences_answer_as_documented(api_schema, bearer):
    """Calls chained by the document's links: no 5xx, and every answer as documented."""
    calls = []

    class PhoneSequences(_left_out(api_schema).as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": bearer}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            calls.append(case.operation.label)
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    PhoneSequences.run(settings=SEQUENCES)
    assert len(calls) > len(set(calls))  # sequences ran, following links from one call to the next
