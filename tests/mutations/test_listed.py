"""A list of ids as one parameter (`server/mutations/listed.py`) finds exactly the rows listed."""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from server.extensions import db
from server.households.models import Consent, Household
from server.mutations import listed
from server.reports.household_dates import among, among_ids
from tests import factories as f

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_a_list_of_ids_finds_those_rows_and_no_others(app, tree):
    made = [f.household(tree["commune"], head_name=f"H{n}") for n in range(5)]
    wanted = [made[0].id, made[3].id, uuid.uuid4(), None]  # an unknown id, a None
    dialect = db.session.get_bind().dialect
    statement = sa.select(Household.head_name).where(listed.among(Household.id, "ids", dialect.name))
    found = db.session.scalars(statement, {"ids": listed.value(Household.id, wanted, dialect)}).all()
    assert sorted(found) == ["H0", "H3"]
    assert db.session.scalars(statement, {"ids": listed.value(Household.id, [], dialect)}).all() == []


def test_a_list_of_keys_finds_those_rows(app, tree):
    household = f.household(tree["commune"])
    other = f.household(tree["commune"])
    for row, purpose in ((household, "contact"), (household, "publish"), (other, "contact")):
        db.session.add(Consent(household_id=row.id, purpose=purpose, given=True, recorded_at=NOW))
    db.session.commit()
    dialect = db.session.get_bind().dialect
    columns = [Consent.household_id, Consent.purpose]
    statement = sa.select(Consent.household_id, Consent.purpose).where(
        listed.among_tuples(columns, "keys", dialect.name)
    )
    keys = [(household.id, "publish"), (other.id, "contact"), (other.id, "publish")]
    found = db.session.execute(statement, listed.tuples_value(columns, "keys", keys, dialect)).all()
    assert sorted(found) == sorted([(household.id, "publish"), (other.id, "contact")])


def test_the_summarys_list_of_households(app, tree):
    made = [f.household(tree["commune"], head_name=f"H{n}") for n in range(3)]
    dialect = db.session.get_bind().dialect.name
    statement = sa.select(Household.head_name).where(among(Household.id, [], dialect))
    ids = [made[2].id, made[0].id]
    assert sorted(db.session.scalars(statement, {"ids": among_ids(ids, dialect)})) == ["H0", "H2"]
