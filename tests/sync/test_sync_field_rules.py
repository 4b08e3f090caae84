"""A phone's push and a supervisor's web correction refuse and accept the same values, by the same rules."""

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.field_rules import RULES, describe_rules, today
from server.households.models import Household
from server.mutations.kinds import ENTITIES
from server.mutations.models import Mutation
from server.training.models import TrainingSession
from tests import factories as f

BAD_PHONES = ["09xx-abc", "12345", "0912 345 67", "0912abc345678", "1912345678", "٠٩١٢٣٤٥٦٧٨"]
GOOD_PHONES = ["0912 345 678", "+84912345678", "0912.345.678", "+84 912-345-678"]
BAD_VNPOST = ["12345", "12345678901", "123456789a", "１２３４５６７８９０"]
PHONE_MESSAGE = "The phone number should have 10 digits and start with 0."
VNPOST_MESSAGE = "The VNPost code has 10 digits."


@pytest.fixture
def trainer_phone(tree, phone_for):
    phone = phone_for(f.user("trainer", [tree["commune"]], username="trainer-rules"))
    phone.user.locale = "en"
    db.session.commit()
    return phone


@pytest.fixture
def supervisor(client, tree):
    user = f.user("supervisor", [tree["province"]])
    f.login(client, user)
    return user


def _push_household(device, tree, fields: dict):
    household = f.household(tree["commune"], head_name="Kim Sà Phol")
    [result] = device.results([f.mutation("household", household.id, fields, device.clock())])
    return result, household.id


def _correct_household(client, household_id, **fields):
    form = {"head_name": "Kim Sà Phol", "smartphone": "no", "preferred_language": "vi", **fields}
    return client.post(f"/records/households/{household_id}?lang=en", data=form)


def _stored(household_id, name):
    db.session.expire_all()
    return getattr(db.session.get(Household, household_id), name)


def _logged(record_id) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Mutation).where(Mutation.record_id == record_id))


@pytest.mark.parametrize(("name", "value", "message"), [("phone", v, PHONE_MESSAGE) for v in BAD_PHONES])
def test_push_and_web_refuse_the_same_bad_phone(trainer_phone, supervisor, client, tree, name, value, message):
    result, pushed = _push_household(trainer_phone, tree, {name: value})
    assert (result["status"], result["code"]) == ("rejected", "invalid")
    assert result["errors"] == {name: [message]}
    assert _stored(pushed, name) is None

    household = f.household(tree["commune"], head_name="Kim Sà Phol")
    response = _correct_household(client, household.id, **{name: value})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _stored(household.id, name) is None and _logged(household.id) == 0


@pytest.mark.parametrize("value", BAD_VNPOST)
def test_push_and_web_refuse_the_same_bad_vnpost_code(trainer_phone, supervisor, client, tree, value):
    test_push_and_web_refuse_the_same_bad_phone(
        trainer_phone, supervisor, client, tree, "vnpost_code", value, VNPOST_MESSAGE
    )


@pytest.mark.parametrize(
    ("name", "value", "stored"),
    [("phone", v, "0912345678") for v in GOOD_PHONES] + [("vnpost_code", " 1234567890 ", "1234567890")],
)
def test_push_and_web_accept_the_same_good_value(trainer_phone, supervisor, client, tree, name, value, stored):
    result, pushed = _push_household(trainer_phone, tree, {name: value})
    assert result["status"] == "applied"
    assert _stored(pushed, name) == stored

    household = f.household(tree["commune"], head_name="Kim Sà Phol")
    assert _correct_household(client, household.id, **{name: value}).status_code == 302
    assert _stored(household.id, name) == stored


def test_push_refuses_a_426_character_name_and_a_400_character_title(trainer_phone, tree):
    household, session = f.household(tree["commune"]), f.training(tree["commune"])
    results = trainer_phone.results(
        [
            f.mutation("household", household.id, {"head_name": "Sa Rinh " * 53 + "Kim"}, trainer_phone.clock()),
            f.mutation("training_session", session.id, {"title": "Bán hàng " * 44 + "trực"}, trainer_phone.clock()),
        ]
    )
    assert [(r["status"], r["errors"]) for r in results] == [
        ("rejected", {"head_name": ["At most 200 characters."]}),
        ("rejected", {"title": ["At most 200 characters."]}),
    ]


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        (date(1999, 5, 1), "The date cannot be before Jan 1, 2020, when the programme began."),
        (date(2019, 12, 31), "The date cannot be before Jan 1, 2020, when the programme began."),
        (today() + timedelta(days=1), "The date cannot be later than today."),
        (date(2027, 3, 1), "The date cannot be later than today."),
    ],
)
def test_session_dates_outside_the_programme_are_refused_on_both_paths(
    trainer_phone, supervisor, client, tree, held_on, message
):
    fields = {"commune_code": tree["commune"].code, "held_on": held_on.isoformat(), "topics": ["digital_skills"]}
    record_id = uuid.uuid4()
    [result] = trainer_phone.results([f.mutation("training_session", record_id, fields, trainer_phone.clock())])
    assert (result["status"], result["code"], result["retryable"]) == ("rejected", "invalid", False)
    assert result["errors"] == {"held_on": [message]}
    assert db.session.get(TrainingSession, record_id) is None

    session = f.training(tree["commune"])
    form = {"held_on": held_on.isoformat(), "topics": ["digital_skills"]}
    response = client.post(f"/records/sessions/{session.id}?lang=en", data=form)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _logged(session.id) == 0


@pytest.mark.parametrize("held_on", [date(2020, 1, 1), today()])
def test_session_dates_from_the_programme_start_to_today_are_accepted(trainer_phone, tree, held_on):
    fields = {"commune_code": tree["commune"].code, "held_on": held_on.isoformat(), "topics": ["digital_skills"]}
    [result] = trainer_phone.results([f.mutation("training_session", uuid.uuid4(), fields, trainer_phone.clock())])
    assert result["status"] == "applied"


def test_reference_data_sends_the_rules_the_schemas_check(trainer_phone):
    assert trainer_phone.pull(reference=1)["reference"]["rules"] == describe_rules()
    # The web correction forms are read by the same schemas (server.mutations.web.changes_from_form).
    for entity, rules in RULES.items():
        for name, rule in rules.items():
            assert rule in ENTITIES[entity].schema._declared_fields[name].validators, (entity, name)


@pytest.mark.parametrize(
    ("entity", "name"), [(e, n) for e, rules in RULES.items() for n, r in rules.items() if r.max_length]
)
def test_every_length_rule_holds_on_the_push_schema(app, entity, name):
    rule = RULES[entity][name]
    schema = ENTITIES[entity].schema()
    with app.test_request_context("/?lang=en"):
        assert schema.validate({name: "a" * rule.max_length}, partial=True) == {}
        assert schema.validate({name: "a" * (rule.max_length + 1)}, partial=True) == {
            name: [f"At most {rule.max_length} characters."]
        }
