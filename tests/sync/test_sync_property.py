"""Any permutation and duplication of the same mutations from several phones ends in the same state."""

import uuid

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.extensions import db
from server.households.models import Consent, Household
from server.mutations.models import Mutation, ScopeExit
from server.training.models import Attendance, TrainingSession
from tests import factories as f

DEVICES = ("dev-a", "dev-b", "dev-c")
HOUSEHOLDS = [uuid.UUID(int=i + 1) for i in range(2)]
SESSION = uuid.UUID(int=100)
NAMESPACE = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")

edits = st.lists(
    st.tuples(
        st.sampled_from(DEVICES),
        st.integers(0, 1),  # household
        st.sampled_from(["head_name", "phone", "smartphone", "preferred_language"]),
        st.integers(0, 3),  # value
        st.integers(10, 14),  # time: small, so equal times happen
    ),
    max_size=8,
)
attendance = st.lists(
    st.tuples(st.sampled_from(DEVICES), st.integers(0, 1), st.sampled_from(["upsert", "delete"]), st.integers(10, 14)),
    max_size=6,
)
consents = st.lists(
    st.tuples(st.sampled_from(DEVICES), st.integers(0, 1), st.booleans(), st.integers(10, 14)), max_size=4
)
VALUES = {
    "head_name": ["Lan", "Sóc", "Thạch", "Kim"],
    "phone": ["0901000001", "0902000002", None, "0904000004"],
    "smartphone": ["yes", "no", "unknown", "yes"],
    "preferred_language": ["vi", "km", "en", "km"],
}


def build_mutations(commune: str, edits, attendance, consents) -> list[dict]:
    """Creates (earliest clocks) then the drawn edits; each device's counter makes its clocks unique."""
    counter = iter(range(1, 10_000))

    def clock(device, ms):
        return f.hlc(ms, device, next(counter))

    made = [
        f.mutation("household", hid, {"head_name": f"H{i}", "commune_code": commune}, clock("dev-a", 1))
        for i, hid in enumerate(HOUSEHOLDS)
    ]
    made.append(
        f.mutation("training_session", SESSION, {"commune_code": commune, "held_on": "2026-03-01"}, clock("dev-a", 1))
    )
    for device, index, field, value, ms in edits:
        made.append(f.mutation("household", HOUSEHOLDS[index], {field: VALUES[field][value]}, clock(device, ms)))
    upserted = {(device, index) for device, index, op, _ms in attendance if op == "upsert"}
    for device, index, op, ms in attendance:
        if op == "delete" and (device, index) not in upserted:
            continue  # a phone only deletes attendance it recorded
        record_id = uuid.uuid5(NAMESPACE, f"attendance-{device}-{index}")
        key = {"session_id": str(SESSION), "household_id": str(HOUSEHOLDS[index]), "attendee_name": device}
        made.append(f.mutation("attendance", record_id, key if op == "upsert" else {}, clock(device, ms), op=op))
    for device, index, given_, ms in consents:
        record_id = uuid.uuid5(NAMESPACE, f"consent-{device}-{index}")
        body = {"household_id": str(HOUSEHOLDS[index]), "purpose": "contact", "given": given_}
        made.append(
            f.mutation("consent", record_id, {**body, "recorded_at": "2026-03-01T08:00:00+07:00"}, clock(device, ms))
        )
    return made


def deliver(phone, batches: list[list[dict]]) -> None:
    """Push the batches, then resend what was rejected as retryable, as a phone's outbox does."""
    outbox = {}
    for batch in batches:
        for mutation, result in zip(batch, phone.results(batch), strict=True):
            outbox[mutation["mutation_id"]] = (mutation, result)
    for _round in range(10):
        waiting = [m for m, r in outbox.values() if r.get("retryable") or r.get("original_status") == "rejected"]
        if not waiting:
            return
        for mutation, result in zip(waiting, phone.results(waiting), strict=True):
            outbox[mutation["mutation_id"]] = (mutation, result)
    raise AssertionError("the outbox never emptied")


def state() -> dict:
    """Everything the mutations decide, with natural-key rows named by their key (their id is the first one seen)."""
    db.session.expire_all()
    households = {
        h.id: (
            h.head_name,
            h.phone,
            h.smartphone,
            h.preferred_language,
            h.smartphone_since,
            h.search_text,
            h.field_clocks,
        )
        for h in db.session.scalars(sa.select(Household))
    }
    attendance = {
        (a.household_id,): (a.attendee_name, a.deleted_at is None, a.field_clocks)
        for a in db.session.scalars(sa.select(Attendance))
    }
    consent_rows = {
        (c.household_id, c.purpose): (c.given, c.field_clocks) for c in db.session.scalars(sa.select(Consent))
    }
    return {"households": households, "attendance": attendance, "consents": consent_rows}


def wipe() -> None:
    for model in (Mutation, ScopeExit, Attendance, Consent, TrainingSession, Household):
        db.session.execute(sa.delete(model))
    db.session.commit()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=edits, attendance=attendance, consents=consents, data=st.data())
def test_any_order_and_repetition_gives_the_same_state(tree, phone_for, edits, attendance, consents, data):
    phone = phone_for(f.user("trainer", [tree["commune"]]))
    mutations = build_mutations(tree["commune"].code, edits, attendance, consents)
    wipe()
    deliver(phone, [sorted(mutations, key=lambda m: m["clock"])])
    expected = state()
    wipe()
    order = data.draw(st.permutations(mutations))
    repeats = data.draw(st.lists(st.sampled_from(mutations), max_size=5))
    deliveries = list(order)
    for mutation in repeats:
        deliveries.insert(data.draw(st.integers(0, len(deliveries))), mutation)
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(deliveries) - 1)), max_size=3)))
    batches = [deliveries[a:b] for a, b in zip([0, *cuts], [*cuts, len(deliveries)], strict=True)]
    deliver(phone, [b for b in batches if b])
    assert state() == expected
