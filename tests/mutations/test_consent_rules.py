"""Consent on every path: no household without the programme's, no ethnicity or location without theirs."""

import json
import uuid

import pytest
import sqlalchemy as sa

from server import clock
from server.auth.models import User
from server.extensions import db
from server.households.models import Household
from server.mutations.models import Mutation
from server.mutations.rejections import Rejected
from server.mutations.web import web_change
from tests import factories as f

T1 = 1_760_000_001_000  # a second after the phones' own clocks


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


def registration(phone, tree, **fields) -> dict:
    body = {"head_name": "Thạch Sóc", "commune_code": tree["commune"].code, **fields}
    return f.mutation("household", uuid.uuid4(), body, phone.clock())


def register(phone, tree, **fields) -> uuid.UUID:
    """A household registered with its programme consent (added by the phone helper)."""
    mutation = registration(phone, tree, **fields)
    [result] = phone.results([mutation])
    assert result["status"] == "applied", result
    return uuid.UUID(mutation["record_id"])


def stored(household_id) -> Household | None:
    db.session.remove()
    return db.session.get(Household, uuid.UUID(str(household_id)))


def logged(household_id) -> str:
    """Everything the mutation log keeps about a household, as one text."""
    db.session.remove()
    rows = db.session.scalars(sa.select(Mutation).where(Mutation.record_id == household_id))
    return json.dumps([[row.fields, row.reply, row.conflicts] for row in rows], ensure_ascii=False)


def test_a_household_whose_consent_has_not_arrived_is_refused_and_retried(tree, trainer, phone_for):
    phone = phone_for(trainer)
    mutation = registration(phone, tree)
    [early] = phone.results([mutation], consent=False)
    assert (early["status"], early["code"], early["retryable"]) == ("rejected", "consent_missing", True)
    assert "consent" in early["message"] and stored(mutation["record_id"]) is None
    # The phone keeps it and sends it again with the answer: now it is stored.
    answer = f.consent_mutation(mutation["record_id"], "programme", True, phone.clock())
    [later, _consent] = phone.results([mutation, answer], consent=False)
    assert later["status"] == "applied" and stored(mutation["record_id"]) is not None


def test_a_household_that_said_no_to_the_programme_is_not_registered(tree, trainer, phone_for):
    phone = phone_for(trainer)
    mutation = registration(phone, tree)
    refusal = f.consent_mutation(mutation["record_id"], "programme", False, phone.clock())
    [result, _consent] = phone.results([mutation, refusal], consent=False)
    assert (result["status"], result["code"], result["retryable"]) == ("rejected", "consent_refused", False)
    assert "not registered" in result["message"]
    assert stored(mutation["record_id"]) is None


def test_a_web_page_cannot_create_a_household_without_programme_consent(tree):
    supervisor = f.user("supervisor", [tree["province"]])
    values = {"head_name": "Kim Sà Phol", "commune_code": tree["commune"].code}
    with pytest.raises(Rejected) as refused:
        web_change("household", uuid.uuid4(), values, db.session.get(User, supervisor.id))
    assert refused.value.code == "consent_missing"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 0


@pytest.mark.parametrize(
    ("purpose", "fields"),
    [("ethnicity", {"ethnicity": "Khmer"}), ("location", {"latitude": 9.88, "longitude": 106.41, "plus_code": "7P"})],
)
def test_sensitive_fields_need_their_own_consent(tree, trainer, phone_for, purpose, fields):
    phone = phone_for(trainer)
    household_id = register(phone, tree)
    [refused] = phone.results([f.mutation("household", household_id, fields, phone.clock())])
    assert (refused["status"], refused["code"]) == ("rejected", "consent_needed")
    assert refused["errors"] == {name: [purpose] for name in fields}
    household = stored(household_id)
    assert all(getattr(household, name) is None for name in fields)
    # The refused values are not kept in the log either.
    assert "Khmer" not in logged(household_id) and "106.41" not in logged(household_id)
    # With the consent in the same batch (even after the edit), the values are stored.
    edit = f.mutation("household", household_id, fields, phone.clock())
    answer = f.consent_mutation(household_id, purpose, True, phone.clock())
    [accepted, _consent] = phone.results([edit, answer])
    assert accepted["status"] == "applied"
    assert all(getattr(stored(household_id), name) == value for name, value in fields.items())


def test_a_registration_with_ethnicity_and_its_consent_in_one_batch_is_stored(tree, trainer, phone_for):
    phone = phone_for(trainer)
    mutation = registration(phone, tree, ethnicity="Khmer")
    answer = f.consent_mutation(mutation["record_id"], "ethnicity", True, phone.clock())
    [result, _ethnicity] = phone.results([mutation, answer])
    assert result["status"] == "applied" and stored(mutation["record_id"]).ethnicity == "Khmer"


def test_withdrawing_ethnicity_consent_clears_it_in_the_database_the_log_and_other_phones(tree, trainer, phone_for):
    phone, other = phone_for(trainer, "A"), phone_for(trainer, "B")
    mutation = registration(phone, tree, ethnicity="Khmer", latitude=9.88, longitude=106.41)
    household_id = uuid.UUID(mutation["record_id"])
    answers = [f.consent_mutation(household_id, purpose, True, phone.clock()) for purpose in ("ethnicity", "location")]
    phone.results([mutation, *answers])
    # Another phone edits the ethnicity concurrently: the log then keeps a conflict with the old value.
    edit = f.mutation("household", household_id, {"ethnicity": "Kinh"}, f.hlc(T1, other.device_id), base_version=1)
    other.results([edit])
    assert [c["fields"]["ethnicity"] for c in other.pull_all() if c["entity"] == "household"] == ["Kinh"]
    [withdrawn] = phone.results([f.consent_mutation(household_id, "ethnicity", False, phone.clock())])
    assert withdrawn["status"] == "merged"
    household = stored(household_id)
    assert household.ethnicity is None and household.latitude == 9.88  # location keeps its own consent
    assert "Khmer" not in logged(household_id) and "Kinh" not in logged(household_id)
    assert "106.41" in logged(household_id)
    [change] = [c for c in other.pull_all() if c["entity"] == "household"]
    assert change["fields"]["ethnicity"] is None and change["fields"]["latitude"] == 9.88


@pytest.mark.parametrize("withdrawal_first", [True, False], ids=["withdrawal-first", "edit-first"])
def test_a_withdrawal_clears_an_edit_made_after_it_on_a_phone_that_had_not_seen_it(
    tree, trainer, phone_for, withdrawal_first
):
    phone, other = phone_for(trainer, "A"), phone_for(trainer, "B")
    household_id = register(phone, tree)
    given = f.consent_mutation(household_id, "ethnicity", True, f.hlc(T1, phone.device_id))
    phone.results([given, f.mutation("household", household_id, {"ethnicity": "Khmer"}, phone.clock())])
    withdrawal = f.consent_mutation(household_id, "ethnicity", False, f.hlc(T1 + 1_000, phone.device_id))
    edit = f.mutation("household", household_id, {"ethnicity": "Kinh"}, f.hlc(T1 + 2_000, other.device_id))
    arrivals = [(phone, withdrawal), (other, edit)]
    for device, mutation in arrivals if withdrawal_first else reversed(arrivals):
        device.results([mutation])
    assert stored(household_id).ethnicity is None
    assert "Kinh" not in logged(household_id)


def test_a_withdrawal_in_the_batch_that_retries_a_refused_edit_clears_it_from_the_log_too(tree, trainer, phone_for):
    """A refused edit (the date was ahead) is logged; sent again beside a withdrawal, its log entry loses the value."""
    phone = phone_for(trainer)
    household_id = register(phone, tree)
    phone.results([f.consent_mutation(household_id, "ethnicity", True, phone.clock())])
    day_ahead = f.hlc(clock.now_ms() + 24 * 3600 * 1000, phone.device_id)
    edit = f.mutation("household", household_id, {"ethnicity": "Khmer"}, day_ahead)
    assert phone.results([edit])[0]["code"] == "clock_ahead"
    assert "Khmer" in logged(household_id)
    restamped = {**edit, "clock": f.hlc(clock.now_ms(), phone.device_id)}
    withdrawal = f.consent_mutation(household_id, "ethnicity", False, f.hlc(clock.now_ms() + 1_000, phone.device_id))
    [retried, withdrawn] = phone.results([restamped, withdrawal])
    # The batch's newest answer is the withdrawal: the edit is refused now, and its one log entry says so.
    assert (retried["code"], withdrawn["status"]) == ("consent_needed", "merged")
    assert stored(household_id).ethnicity is None
    assert "Khmer" not in logged(household_id)
    entries = db.session.scalars(sa.select(Mutation).where(Mutation.mutation_id == uuid.UUID(edit["mutation_id"])))
    assert [(row.result_code, row.client_clock) for row in entries] == [("consent_needed", restamped["clock"])]
