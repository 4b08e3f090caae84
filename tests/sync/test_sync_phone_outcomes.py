"""The phone app's reading of real push results: what stays in its outbox, and why."""

import uuid

import pytest

from tests import factories as f
from tests.pwa.node_module import call


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


def outcomes(results: list[dict]) -> list[str]:
    """What pwa/js/sync/outbox.js makes of each result."""
    return call("sync/outbox.js", "outcome", [[result] for result in results])


def test_every_status_the_server_answers_is_read_as_the_protocol_says(tree, trainer, phone_for):
    phone = phone_for(trainer)
    household_id = uuid.uuid4()
    batch = [
        f.mutation("household", household_id, {"head_name": "Thạch Sóc", "commune_code": "29461"}, phone.clock()),
        f.mutation("household", uuid.uuid4(), {"head_name": "Ngoài", "commune_code": "31321"}, phone.clock()),
        f.mutation("consent", uuid.uuid4(), {"household_id": str(uuid.uuid4())}, phone.clock()),
        f.mutation(
            "payment_account", uuid.uuid4(), {"household_id": str(household_id), "provider": "momo"}, phone.clock()
        ),
    ]
    first = phone.results(batch)
    assert [(r["status"], r.get("code"), r.get("retryable")) for r in first] == [
        ("applied", None, None),
        ("rejected", "out_of_scope", False),
        ("rejected", "incomplete", True),
        ("applied", None, None),
    ]
    merged = phone.results(
        [
            f.mutation(
                "payment_account", uuid.uuid4(), {"household_id": str(household_id), "provider": "momo"}, phone.clock()
            )
        ]
    )
    again = phone.results(batch)  # the reply was lost: the phone sends the same batch again
    assert [r["status"] for r in merged + again] == ["merged", "duplicate", "duplicate", "rejected", "duplicate"]
    assert again[1]["original_status"] == "rejected"
    assert outcomes(first) == ["acknowledged", "rejected", "retry", "acknowledged"]
    assert outcomes(merged + again) == ["acknowledged", "acknowledged", "rejected", "retry", "acknowledged"]
