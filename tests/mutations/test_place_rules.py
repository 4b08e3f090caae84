"""Commune and hamlet are one value: a move and a hamlet edit end alike in any order, hamlet in its commune."""

import uuid

import pytest

from server.extensions import db
from server.households.models import Household
from server.training.models import TrainingSession
from tests import factories as f

T0 = 1_760_000_000_000
MODELS = {"household": Household, "training_session": TrainingSession}


@pytest.fixture
def trainer(tree):
    """A trainer of both Vĩnh Long communes: X is Trà Cú, Y is Tập Sơn."""
    return f.user("trainer", [tree["commune"], tree["commune2"]])


@pytest.fixture
def hamlet_x2(tree):
    """A second hamlet of commune X."""
    return f.place("29461-002", "Phum Ô Chum", "hamlet", tree["commune"])


def register(phone, entity: str, tree) -> uuid.UUID:
    """A household or session in commune X, hamlet X-1, written at T0."""
    record_id = uuid.uuid4()
    place = {"commune_code": tree["commune"].code, "hamlet_code": tree["hamlet"].code}
    if entity == "household":
        fields = {"head_name": "Thạch Sóc", **place}
    else:
        fields = {"held_on": "2026-03-02", "topics": ["digital_skills"], **place}
    [result] = phone.results([f.mutation(entity, record_id, fields, f.hlc(T0, phone.device_id))])
    assert result["status"] == "applied", result
    return record_id


def place_of(entity: str, record_id) -> tuple[str, str | None]:
    db.session.remove()
    record = db.session.get(MODELS[entity], record_id)
    return record.commune_code, record.hamlet_code


@pytest.mark.parametrize("entity", ["household", "training_session"])
@pytest.mark.parametrize("move_first", [True, False], ids=["move-first", "hamlet-edit-first"])
def test_a_move_and_an_unseen_hamlet_edit_end_alike_in_either_order(
    tree, trainer, hamlet_x2, phone_for, entity, move_first
):
    phone_1, phone_2 = phone_for(trainer, "1"), phone_for(trainer, "2")
    record_id = register(phone_1, entity, tree)
    move = f.mutation(entity, record_id, {"commune_code": tree["commune2"].code}, f.hlc(T0 + 1_000, phone_1.device_id))
    # Phone 2 has not seen the move: it sends only the hamlet, later.
    hamlet_edit = f.mutation(entity, record_id, {"hamlet_code": hamlet_x2.code}, f.hlc(T0 + 2_000, phone_2.device_id))
    arrivals = [(phone_1, move), (phone_2, hamlet_edit)]
    for phone, mutation in arrivals if move_first else reversed(arrivals):
        [result] = phone.results([mutation])
        assert result["status"] == "applied", result
    # The newer write wins as a whole: its hamlet with the hamlet's own commune.
    assert place_of(entity, record_id) == (tree["commune"].code, hamlet_x2.code)


@pytest.mark.parametrize("entity", ["household", "training_session"])
def test_a_move_takes_a_hamlet_of_the_new_commune_or_none(tree, trainer, phone_for, entity):
    phone = phone_for(trainer)
    moved, bare = register(phone, entity, tree), register(phone, entity, tree)
    to_y = {"commune_code": tree["commune2"].code, "hamlet_code": tree["hamlet2"].code}
    phone.results([f.mutation(entity, moved, to_y, phone.clock())])
    phone.results([f.mutation(entity, bare, {"commune_code": tree["commune2"].code}, phone.clock())])
    assert place_of(entity, moved) == (tree["commune2"].code, tree["hamlet2"].code)
    assert place_of(entity, bare) == (tree["commune2"].code, None)  # X-1 does not follow the move


@pytest.mark.parametrize("entity", ["household", "training_session"])
def test_a_hamlet_of_another_commune_is_refused(tree, trainer, phone_for, entity):
    phone = phone_for(trainer)
    record_id = register(phone, entity, tree)
    wrong = {"commune_code": tree["commune2"].code, "hamlet_code": tree["hamlet"].code}
    unknown = {"hamlet_code": "29461-999"}
    results = phone.results([f.mutation(entity, record_id, fields, phone.clock()) for fields in (wrong, unknown)])
    assert [(r["status"], r["code"], r["retryable"]) for r in results] == [("rejected", "unknown_place", False)] * 2
    assert all(r["message"] for r in results)
    assert place_of(entity, record_id) == (tree["commune"].code, tree["hamlet"].code)


def test_naming_the_same_commune_again_keeps_the_hamlet(tree, trainer, phone_for):
    phone = phone_for(trainer)
    record_id = register(phone, "household", tree)
    phone.results([f.mutation("household", record_id, {"commune_code": tree["commune"].code}, phone.clock())])
    assert place_of("household", record_id) == (tree["commune"].code, tree["hamlet"].code)
