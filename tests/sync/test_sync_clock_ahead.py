"""A phone whose date is ahead of the server's cannot freeze fields: its changes wait until the date is right."""

import uuid

import pytest
import sqlalchemy as sa

from server import clock
from server.extensions import db
from server.households.models import Household
from server.mutations.models import Mutation
from tests import factories as f

DAY_MS = 24 * 3600 * 1000


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


@pytest.fixture
def household(tree, trainer, phone_for):
    """A household on the server, made by another phone with an honest clock."""
    phone = phone_for(trainer, "Other phone")
    record_id = uuid.uuid4()
    create = f.mutation("household", record_id, {"head_name": "Thạch Sóc", "commune_code": tree["commune"].code}, now())
    [result] = phone.results([create])
    assert result["status"] == "applied"
    return record_id


def now(device_id="honest", ahead_ms=0) -> str:
    return f.hlc(clock.now_ms() + ahead_ms, device_id)


def stored(record_id) -> Household:
    db.session.remove()
    return db.session.get(Household, record_id)


@pytest.mark.parametrize("ahead", ["a day", "the end of time"])
def test_a_clock_from_the_future_is_refused_and_blocks_nothing(tree, trainer, phone_for, household, ahead):
    phone = phone_for(trainer)
    future = now(phone.device_id, DAY_MS) if ahead == "a day" else f.hlc(9_999_999_999_999, phone.device_id)
    other_id = uuid.uuid4()
    results = phone.results(
        [
            f.mutation("household", household, {"head_name": "From the future"}, future),
            f.mutation("household", other_id, {"head_name": "Sơn Thị", "commune_code": tree["commune"].code}, now()),
        ]
    )
    refused, applied = results
    assert (refused["status"], refused["code"], refused["retryable"]) == ("rejected", "clock_ahead", True)
    assert "date and time of this phone are wrong" in refused["message"]
    assert applied["status"] == "applied"
    record = stored(household)
    assert record.head_name == "Thạch Sóc"
    assert future not in record.field_clocks.values()
    assert stored(other_id).head_name == "Sơn Thị"

    # An honest edit afterwards is not shadowed by the refused clock.
    [honest] = phone_for(trainer, "Third phone").results(
        [f.mutation("household", household, {"head_name": "Thạch Sóc Na"}, now("third"))]
    )
    assert honest["status"] == "applied"
    assert stored(household).head_name == "Thạch Sóc Na"


def test_a_clock_within_the_allowed_skew_is_applied(tree, trainer, phone_for, household):
    phone = phone_for(trainer)
    slightly_ahead = now(phone.device_id, clock.max_ahead_ms() - 30_000)
    [result] = phone.results([f.mutation("household", household, {"phone": "0912345678"}, slightly_ahead)])
    assert result["status"] == "applied"


def test_the_bound_is_configurable(app, tree, trainer, phone_for, household, monkeypatch):
    monkeypatch.setitem(app.config, "CLOCK_MAX_AHEAD_SECONDS", 10)
    phone = phone_for(trainer)
    [result] = phone.results(
        [f.mutation("household", household, {"phone": "0912345678"}, now(phone.device_id, 60_000))]
    )
    assert result["code"] == "clock_ahead"


def test_the_refused_change_is_applied_when_sent_again_with_the_right_date(tree, trainer, phone_for, household):
    """The phone keeps the change, and once its date is right stamps it again under the same mutation id."""
    phone = phone_for(trainer)
    refused = f.mutation("household", household, {"phone": "0912345678"}, now(phone.device_id, DAY_MS))
    assert phone.results([refused])[0]["code"] == "clock_ahead"
    restamped = {**refused, "clock": now(phone.device_id)}
    [result] = phone.results([restamped])
    assert result["status"] == "applied"
    assert stored(household).phone == "0912345678"
    log = db.session.scalars(sa.select(Mutation).where(Mutation.mutation_id == uuid.UUID(refused["mutation_id"]))).all()
    assert [(m.result, m.client_clock) for m in log] == [("applied", restamped["clock"])]


def test_the_same_clock_is_applied_once_the_server_has_caught_up(tree, trainer, phone_for, household, monkeypatch):
    phone = phone_for(trainer)
    refused = f.mutation("household", household, {"phone": "0912345678"}, now(phone.device_id, DAY_MS))
    assert phone.results([refused])[0]["code"] == "clock_ahead"
    later = clock.now_ms() + DAY_MS
    monkeypatch.setattr(clock, "now_ms", lambda: later)
    [result] = phone.results([refused])
    assert result["status"] == "applied"
    assert stored(household).phone == "0912345678"
