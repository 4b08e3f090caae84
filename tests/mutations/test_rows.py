"""New rows written as plain rows (`server/mutations/rows.py`) read back as the values given."""

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.households.models import Household
from server.mutations.models import Mutation
from server.mutations.rows import insert_rows


def household_row(tree, **values) -> dict:
    row = {
        "id": uuid.uuid4(),
        "version": 1,
        "ref": None,
        "head_name": "Thạch Thị Sóc ថាច់ សុខ",
        "phone": "0901000001",
        "commune_code": tree["commune"].code,
        "hamlet_code": tree["hamlet"].code,
        "preferred_language": "km",
        "smartphone": "yes",
        "smartphone_since": date(2026, 3, 1),
        "ethnicity": None,
        "latitude": 9.7065123456789,
        "longitude": -0.1,
        "plus_code": None,
        "vnpost_code": None,
        "search_text": "thach thi soc",
        "erased_at": None,
        "merged_into_id": None,
        "field_clocks": {"head_name": "0000000000001-0001-dev-a", "nested": [1, {"ឈ្មោះ": None}]},
        "created_at": datetime(2026, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=7))),
        "updated_at": datetime(2026, 3, 1, 1, 0, 0, 123456, tzinfo=UTC),
        "deleted_at": None,
    }
    row.update(values)
    row["ref"] = row["ref"] or row["version"]
    assert set(row) == {column.key for column in Household.__table__.c}  # every column, so every type
    return row


def test_new_rows_read_back_as_given(app, tree):
    rows = [household_row(tree, version=7), household_row(tree, version=8, phone=None, latitude=None, field_clocks={})]
    insert_rows(db.session, Household.__table__, rows)
    db.session.commit()
    db.session.expire_all()
    for row in rows:
        stored = db.session.get(Household, row["id"])
        for key, value in row.items():
            read = getattr(stored, key)
            if isinstance(value, datetime):
                assert read == value and read.utcoffset() == timedelta(0), key
            else:
                assert read == value, key


def test_a_log_row_keeps_its_json_and_times(app, tree):
    when = datetime(2026, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    row = {
        "mutation_id": uuid.uuid4(),
        "device_token_id": None,
        "device_id": "dev-a",
        "user_id": None,
        "entity": "household",
        "record_id": uuid.uuid4(),
        "op": "upsert",
        "fields": {"head_name": "Kim", "phone": None, "quote": 'a "b" \\ c\n'},
        "base_version": 2**40,
        "client_clock": "0000000000001-0001-dev-a",
        "received_at": when,
        "result": "applied",
        "result_code": None,
        "reply": {},
        "conflicts": None,
    }
    columns = Mutation.__table__.c.keys()
    insert_rows(db.session, Mutation.__table__, [{k: row.get(k) for k in columns if k in row}])
    db.session.commit()
    stored = db.session.scalars(sa.select(Mutation).where(Mutation.mutation_id == row["mutation_id"])).one()
    assert stored.fields == row["fields"]
    assert stored.base_version == 2**40
    assert stored.received_at == when
    assert stored.conflicts is None


@pytest.mark.postgres_only
def test_a_value_too_long_for_its_column_is_refused(app, tree):
    with pytest.raises(sa.exc.DataError, match="too long"):
        insert_rows(db.session, Household.__table__, [household_row(tree, phone="0" * 33)])
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 0
