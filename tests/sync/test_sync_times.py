"""Times pushed with an offset are kept as the same instant on every database."""

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.households.models import Consent
from server.mutations.models import Mutation
from tests import factories as f
from tests.sync.conftest import changes_of

HANOI = timezone(timedelta(hours=7))
RECORDED = "2026-02-27T03:45:32+07:00"
INSTANT = datetime(2026, 2, 26, 20, 45, 32, tzinfo=UTC)


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


def test_a_consent_time_with_an_offset_comes_back_as_the_same_instant(tree, trainer, phone_for):
    phone = phone_for(trainer)
    household_id, consent_id = uuid.uuid4(), uuid.uuid4()
    results = phone.results(
        [
            f.mutation(
                "household", household_id, {"head_name": "Kim Sa", "commune_code": tree["commune"].code}, phone.clock()
            ),
            f.mutation(
                "consent",
                consent_id,
                {"household_id": str(household_id), "purpose": "programme", "given": True, "recorded_at": RECORDED},
                phone.clock(),
            ),
        ]
    )
    assert [r["status"] for r in results] == ["applied", "applied"]

    db.session.remove()
    stored = db.session.get(Consent, consent_id).recorded_at
    assert stored == INSTANT and stored.utcoffset() == timedelta(0)
    raw = db.session.execute(sa.select(Consent.__table__.c.recorded_at).where(Consent.id == consent_id)).scalar_one()
    assert raw == INSTANT

    [pulled] = [c for c in changes_of(phone.pull(cursor=0)) if c["entity"] == "consent"]
    assert datetime.fromisoformat(pulled["fields"]["recorded_at"]) == datetime.fromisoformat(RECORDED)


def test_the_same_instant_written_in_another_zone_is_no_concurrent_edit(tree, trainer, phone_for):
    """20:45Z and 03:45+07:00 the next day are one value, not two edits to show a supervisor."""
    phone, other = phone_for(trainer), phone_for(trainer, "Other phone")
    household_id, consent_id = uuid.uuid4(), uuid.uuid4()
    household = {"head_name": "Kim Sa", "commune_code": tree["commune"].code}
    utc = {"household_id": str(household_id), "purpose": "programme", "given": True, "recorded_at": INSTANT.isoformat()}
    registration = f.mutation("household", household_id, household, phone.clock())
    phone.results([registration, f.mutation("consent", consent_id, utc, phone.clock())])
    hanoi = {**utc, "recorded_at": RECORDED}
    [again] = other.results([f.mutation("consent", consent_id, hanoi, other.clock(), base_version=0)])
    assert again["status"] == "applied"
    logged = db.session.scalar(sa.select(Mutation).where(Mutation.mutation_id == uuid.UUID(again["mutation_id"])))
    assert logged.conflicts is None


def test_every_time_column_keeps_the_instant_written_in_any_zone(ctx):
    """What web pages and imports write goes through the same column type as a push."""
    commune = f.small_tree()["commune"]
    household = f.household(commune)
    consent = Consent(household_id=household.id, purpose="programme", given=True, recorded_at=INSTANT.astimezone(HANOI))
    db.session.add(consent)
    db.session.commit()
    consent_id = consent.id
    db.session.remove()
    again = db.session.get(Consent, consent_id)
    assert again.recorded_at == INSTANT and again.recorded_at.tzinfo == UTC
    assert again.created_at.tzinfo == UTC
