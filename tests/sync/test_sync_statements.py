"""A push's statements: its new rows, their versions and its log go in with one statement each, however many."""

import re
import threading
import uuid
from collections import Counter

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.households.models import Consent, Household
from server.mutations.models import Mutation
from tests import factories as f

# A push registering new households (with their consents), however many.
STATEMENTS = {"sqlite": 13, "postgresql": 12}


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


def statements_of(app, push) -> Counter:
    """What a push sends to the database, as (verb, table) counts."""
    with app.app_context():
        engine = db.engine
    seen: Counter = Counter()

    pushing = threading.get_ident()

    def note(_conn, _cursor, statement, _params, _context, _many):
        if threading.get_ident() != pushing:
            return  # the job worker's thread polling its queue in the test app
        seen["statements"] += 1
        # A CTE may insert into a second table; new rows go by COPY on PostgreSQL.
        inserts = re.findall(r"\b(?:INSERT INTO|COPY) (\w+)", statement)
        found = re.match(r"\s*(SELECT|UPDATE|DELETE FROM)\s.*?\b(\w+)\b", statement, re.S)
        for table in inserts:
            seen[("INSERT", table)] += 1
        if inserts:
            return
        if found and found[1] != "SELECT":
            seen[(found[1].split()[0], found[2])] += 1
        elif found:
            table = re.search(r"\bFROM (\w+)", statement)
            seen[("SELECT", table[1] if table else "")] += 1

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        push()
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return seen


@pytest.mark.parametrize("households", [2, 50])
def test_new_households_and_consents_take_one_insert_each_whatever_their_number(
    app, tree, trainer, phone_for, households
):
    phone = phone_for(trainer)
    registrations = [
        f.mutation(
            "household",
            uuid.uuid4(),
            {"head_name": f"Thạch Sóc {n}", "commune_code": tree["commune"].code},
            phone.clock(),
        )
        for n in range(households)
    ]
    results = []
    seen = statements_of(app, lambda: results.extend(phone.results(registrations)))
    assert [r["status"] for r in results] == ["applied"] * households
    for table in ("households", "consents", "mutations"):
        assert seen[("INSERT", table)] == 1, seen
    assert seen[("UPDATE", "version_counter")] == 1, seen  # every version of the batch in one step
    assert seen[("SELECT", "consents")] == 1, seen  # by id, by key and the answers the rules read
    assert seen[("SELECT", "mutations")] == 1, seen  # earlier entries and merged ids
    assert seen[("SELECT", "version_counter")] == 0, seen  # the reply's cursor hint is known
    # The summaries of the new households in one statement, without reading rows they cannot have
    # yet; the counters they add to in one (PostgreSQL: both tables) or two (SQLite).
    assert seen[("INSERT", "household_summaries")] == 1, seen
    assert seen[("SELECT", "household_summaries")] == 0, seen
    assert seen[("INSERT", "place_day_counts")] == seen[("INSERT", "place_month_counts")] == 1, seen
    # Everything: the bearer token, the device's sync details, the log's earlier entries, the
    # records by id, the places, the versions, three INSERTs, the summaries and the counters.
    assert seen["statements"] == STATEMENTS[db.engine.dialect.name], seen
    # What the phone is told is what was stored: versions one by one, each record once.
    db.session.remove()
    versions = sorted(db.session.scalars(sa.select(Household.version)).all())
    versions += sorted(db.session.scalars(sa.select(Consent.version)).all())
    assert sorted(r["version"] for r in results) == sorted(versions[:households])
    assert len(set(versions)) == 2 * households
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mutation)) == 2 * households
