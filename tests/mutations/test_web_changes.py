"""A supervisor's correction is a mutation: logged like a phone's, merged with phones' edits by the same code."""

import uuid
from datetime import date

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.households.models import Household
from server.mutations.models import Mutation
from server.training.models import TrainingSession
from tests import factories as f


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


@pytest.fixture
def supervisor(client, tree):
    """A supervisor of Vĩnh Long, signed in."""
    user = f.user("supervisor", [tree["province"]])
    f.login(client, user)
    return user.id


def register(phone, tree) -> tuple[uuid.UUID, int]:
    """A household registered from the phone: its id and version."""
    mutation = f.mutation("household", uuid.uuid4(), {"head_name": "Thạch Sóc", "commune_code": "29461"}, phone.clock())
    [result] = phone.results([mutation])
    return uuid.UUID(mutation["record_id"]), result["version"]


def correct(client, path: str, form: dict):
    """Post a correction form the way a browser does: open the page, then submit."""
    assert client.get(path).status_code == 200
    return client.post(f"{path}?lang=en", data=form)


def stored(model, record_id):
    db.session.remove()
    return db.session.get(model, record_id)


def web_log(record_id) -> Mutation:
    db.session.remove()
    return db.session.scalars(
        sa.select(Mutation).where(Mutation.record_id == record_id, Mutation.device_id == "web")
    ).one()


def ms(clock: str) -> int:
    return int(clock.split("-", 1)[0])


def test_a_correction_is_logged_as_the_supervisors_mutation_and_merges_with_phone_edits(
    client, tree, trainer, supervisor, phone_for
):
    phone = phone_for(trainer)
    household_id, version = register(phone, tree)
    assert correct(client, f"/records/households/{household_id}", {"phone": "0912 345 678"}).status_code == 302
    log = web_log(household_id)
    assert (log.user_id, log.entity, log.op, log.result) == (supervisor, "household", "upsert", "applied")
    assert log.fields == {"phone": "0912345678"} and log.client_clock.endswith("-web")
    assert stored(Household, household_id).field_clocks["phone"] == log.client_clock
    # An edit the phone made a minute before the correction, synced after it, loses and is listed as a conflict.
    older = f.mutation("household", household_id, {"phone": "0987000111"}, f.hlc(ms(log.client_clock) - 60_000, "p1"))
    older["base_version"] = version
    [result] = phone.results([older])
    assert result["status"] == "applied" and stored(Household, household_id).phone == "0912345678"
    lost = db.session.scalar(sa.select(Mutation).where(Mutation.mutation_id == uuid.UUID(older["mutation_id"])))
    assert lost.conflicts == {"phone": {"value": "0912345678", "clock": log.client_clock}}
    # An edit made after the correction wins.
    newer = f.mutation("household", household_id, {"phone": "0987000222"}, f.hlc(ms(log.client_clock) + 1_000, "p1"))
    phone.results([newer])
    assert stored(Household, household_id).phone == "0987000222"


def test_a_correction_cannot_put_a_household_in_a_hamlet_of_another_commune(client, tree, supervisor):
    """The form corrects the hamlet within the commune: a hamlet of another commune does not move the record."""
    x, x1, y1 = tree["commune"].code, tree["hamlet"].code, tree["hamlet2"].code
    household_id = f.household(tree["commune"], tree["hamlet"], head_name="Kim Sà Phol").id
    session_id = f.training(tree["commune"]).id
    response = correct(client, f"/records/households/{household_id}", {"hamlet_code": y1})
    assert response.status_code == 200 and "Choose a hamlet of this commune." in response.get_data(as_text=True)
    household = stored(Household, household_id)
    assert (household.commune_code, household.hamlet_code) == (x, x1)
    session_form = {"held_on": date.today().isoformat(), "topics": ["digital_skills"], "hamlet_code": y1}
    response = correct(client, f"/records/sessions/{session_id}", session_form)
    assert "Choose a hamlet of this commune." in response.get_data(as_text=True)
    assert stored(TrainingSession, session_id).commune_code == x
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mutation)) == 0


def test_a_correction_of_the_hamlet_within_the_commune_is_saved(client, tree, supervisor):
    hamlet, household_id = tree["hamlet"].code, f.household(tree["commune"], head_name="Kim Sà Phol").id
    assert correct(client, f"/records/households/{household_id}", {"hamlet_code": hamlet}).status_code == 302
    household = stored(Household, household_id)
    assert household.hamlet_code == hamlet and "phum soc chuoi" in household.search_text
