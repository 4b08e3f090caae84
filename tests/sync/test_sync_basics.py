import uuid

import sqlalchemy as sa

from server.extensions import db
from server.households.models import Household
from server.mutations.models import Mutation
from tests import factories as f


def household_fields(commune, **extra):
    return {"head_name": "Thạch Sóc", "commune_code": commune.code, "phone": "+84 912 345 678", **extra}


def test_push_creates_a_household_and_pull_returns_it(tree, phone_for):
    trainer = f.user("trainer", [tree["commune"]])
    phone = phone_for(trainer)
    record_id = uuid.uuid4()
    m = f.mutation(
        "household", record_id, household_fields(tree["commune"], hamlet_code=tree["hamlet"].code), phone.clock()
    )
    consent = f.consent_mutation(record_id, "programme", True, phone.clock())
    [result, answer] = phone.results([m, consent])
    assert (result["status"], answer["status"]) == ("applied", "applied")
    assert result["record_id"] == str(record_id)
    assert result["version"] > 0
    household = db.session.get(Household, record_id)
    assert household.phone == "0912345678"
    assert "soc chuoi" in household.search_text
    changes = phone.pull_all()
    assert [(c["entity"], c["id"]) for c in changes] == [
        ("household", str(record_id)),
        ("consent", answer["record_id"]),
    ]
    assert changes[0]["fields"]["head_name"] == "Thạch Sóc"
    log = db.session.scalar(sa.select(Mutation).where(Mutation.entity == "household"))
    assert log.result == "applied" and log.device_id == phone.device_id
