import threading
import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from server.extensions import db
from server.households.models import Consent, Household
from server.models_base import utcnow
from server.reports.models import Target
from server.training.models import Attendance
from tests import factories as f
from tests.sync.conftest import changes_of


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


def create_household(phone, commune, **fields):
    record_id = uuid.uuid4()
    body = {"head_name": f"Hộ {record_id.hex[:6]}", "commune_code": commune.code, **fields}
    [result] = phone.results([f.mutation("household", record_id, body, phone.clock())])
    assert result["status"] == "applied", result
    return record_id


def test_pull_returns_only_records_in_scope(tree, trainer, phone_for):
    mine = f.household(tree["commune"])
    other = f.household(tree["commune2"])
    session = f.training(tree["commune"], attendees=[mine, other])
    f.consent(mine, "programme")
    f.consent(other, "programme")
    f.seller_account(mine)
    f.payment_account(other)
    changes = phone_for(trainer).pull_all()
    seen = {(c["entity"], c["fields"].get("household_id") or c["id"]) for c in changes}
    assert ("household", str(mine.id)) in seen
    assert ("household", str(other.id)) not in seen
    assert ("consent", str(mine.id)) in seen and ("consent", str(other.id)) not in seen
    assert ("marketplace_account", str(mine.id)) in seen
    assert not any(c["entity"] == "payment_account" for c in changes)
    # Attendance follows the session's commune, whoever attended.
    assert sorted(c["fields"]["household_id"] for c in changes if c["entity"] == "attendance") == sorted(
        [str(mine.id), str(other.id)]
    )
    assert ("training_session", str(session.id)) in {(c["entity"], c.get("id")) for c in changes}


def test_pages_in_version_order_with_writes_in_between_skip_and_repeat_nothing(tree, trainer, phone_for):
    phone = phone_for(trainer)
    writer = phone_for(f.user("trainer", [tree["commune"]]), "writer")
    ids = [create_household(writer, tree["commune"]) for _ in range(12)]
    replica, seen_versions = {}, []
    while True:
        page = phone.pull(limit=5)
        for change in changes_of(page):
            seen_versions.append(change["version"])
            if change["entity"] == "household":
                replica[change["id"]] = change["fields"]["head_name"]
        phone.cursor = page["next_cursor"]
        if not page["has_more"]:
            break
        # Between pages: a new household, and an edit of one already pulled.
        if len(ids) < 30:
            ids.append(create_household(writer, tree["commune"]))
            edit = {"head_name": f"Edited {len(ids)}"}
            writer.results([f.mutation("household", ids[len(ids) % 5], edit, writer.clock())])
    assert seen_versions == sorted(seen_versions)
    assert len(seen_versions) == len(set(seen_versions))
    db.session.expire_all()
    server = {str(h.id): h.head_name for h in db.session.scalars(sa.select(Household))}
    assert replica == server


def test_household_moved_away_vanishes_from_the_old_trainers_pull(tree, phone_for):
    old_trainer = phone_for(f.user("trainer", [tree["commune"]]), "old")
    new_trainer = phone_for(f.user("trainer", [tree["commune2"]]), "new")
    both = phone_for(f.user("supervisor", [tree["province"]]), "supervisor")
    household = f.household(tree["commune"])
    consent = f.consent(household, "programme")
    for phone in (old_trainer, new_trainer, both):
        phone.pull_all()
    mover = phone_for(f.user("admin"), "admin")
    [moved] = mover.results(
        [f.mutation("household", household.id, {"commune_code": tree["commune2"].code}, mover.clock())]
    )
    assert moved["status"] == "applied"
    gone = old_trainer.pull_all()
    assert {(c["entity"], c["id"], c["deleted"], c.get("reason")) for c in gone} == {
        ("household", str(household.id), True, "out_of_scope"),
        ("consent", str(consent.id), True, "out_of_scope"),
    }
    arrived = new_trainer.pull_all()
    assert {(c["entity"], c["id"], c["deleted"]) for c in arrived} == {
        ("household", str(household.id), False),
        ("consent", str(consent.id), False),
    }
    assert {c.get("reason") for c in both.pull_all()} == {None}
    # The old trainer can no longer write to it either.
    [refused] = old_trainer.results(
        [f.mutation("household", household.id, {"phone": "0912000111"}, old_trainer.clock())]
    )
    assert refused["code"] == "out_of_scope"


def test_moved_back_household_is_not_reported_gone(tree, phone_for):
    trainer = phone_for(f.user("trainer", [tree["commune"]]))
    admin = phone_for(f.user("admin"), "admin")
    household = f.household(tree["commune"])
    trainer.pull_all()
    for code in (tree["commune2"].code, tree["commune"].code):
        admin.results([f.mutation("household", household.id, {"commune_code": code}, admin.clock())])
    changes = trainer.pull_all()
    assert [(c["id"], c["deleted"]) for c in changes] == [(str(household.id), False)]


def test_reference_data_comes_with_the_first_pull_or_on_request(tree, trainer, phone_for):
    phone = phone_for(trainer)
    first = phone.pull(cursor=0)
    reference = first["reference"]
    codes = {p["code"] for p in reference["places"]}
    assert codes == {tree["province"].code, tree["commune"].code, tree["hamlet"].code}
    assert {t["code"] for t in reference["topics"]} >= {"digital_skills", "livestream"}
    assert {"code": "momo", "name": "MoMo"} in reference["payment_providers"]
    assert reference["scope"] == {"everything": False, "communes": [tree["commune"].code]}
    assert reference["translations_version"]
    assert "reference" not in phone.pull(cursor=first["next_cursor"])
    assert "reference" in phone.pull(cursor=first["next_cursor"], reference=1)


def test_reference_data_carries_this_years_progress_of_the_users_communes(tree, trainer, phone_for):
    db.session.add(Target(place_code=tree["commune"].code, year=date.today().year, indicator="smartphone", percent=50))
    db.session.commit()
    f.household(tree["commune"], smartphone="yes")
    f.household(tree["commune"], smartphone="no")
    f.household(tree["commune2"], smartphone="yes")  # not the trainer's commune
    progress = phone_for(trainer).pull(cursor=0)["reference"]["progress"]
    assert [(row["code"], row["name"], row["registered"]) for row in progress] == [("29461", "Xã Trà Cú", 2)]
    smartphone = next(i for i in progress[0]["indicators"] if i["indicator"] == "smartphone")
    assert (smartphone["value"], smartphone["percent"], smartphone["target"]) == (1, 0.5, 50.0)


def test_pull_is_gzipped_when_the_phone_accepts_it(tree, trainer, phone_for):
    for _ in range(20):
        f.household(tree["commune"])
    phone = phone_for(trainer)
    response = phone.request("get", "/api/v1/sync/pull", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    plain = phone.request("get", "/api/v1/sync/pull")
    assert "Content-Encoding" not in plain.headers
    assert len(plain.get_json()["records"]["household"]["rows"]) == 20


def test_a_page_costs_the_same_queries_for_5_or_500_records(app, tree, trainer, phone_for):
    phone = phone_for(trainer)

    def queries_for_first_page(households: int) -> int:
        for n in range(households):
            member = Household(id=uuid.uuid4(), head_name=f"Hộ {n}", commune_code=tree["commune"].code)
            db.session.add(member)
            db.session.add(Consent(household_id=member.id, purpose="programme", given=True, recorded_at=utcnow()))
        db.session.commit()
        statements = []

        own_thread = threading.get_ident()  # the job worker's polls run on a thread of their own

        def listener(_conn, _cursor, statement, *_args):
            # The last page also notes the sync time.
            if "device_tokens" not in statement and threading.get_ident() == own_thread:
                statements.append(statement)

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", listener)
        try:
            page = phone.pull(cursor=0, limit=500)
        finally:
            with app.app_context():
                event.remove(db.engine, "before_cursor_execute", listener)
        assert page["records"]
        return len(statements)

    few = queries_for_first_page(5)
    db.session.execute(sa.delete(Consent))
    db.session.commit()
    many = queries_for_first_page(250)
    assert many == few, (few, many)


@pytest.mark.parametrize(
    ("name", "value", "bounds"),
    [
        ("cursor", "-1", "from 0 to 9223372036854775807"),
        ("cursor", "ten", "from 0 to 9223372036854775807"),
        ("cursor", str(2**63), "from 0 to 9223372036854775807"),
        ("cursor", "1.5", "from 0 to 9223372036854775807"),
        ("limit", "0", "from 1 to 5000"),
        ("limit", "5001", "from 1 to 5000"),
        ("limit", "many", "from 1 to 5000"),
    ],
)
def test_bad_cursor_or_limit_is_a_problem_naming_the_parameter(tree, trainer, phone_for, name, value, bounds):
    response = phone_for(trainer).request(
        "get", "/api/v1/sync/pull", query_string={name: value}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == "bad_parameter"
    assert body["errors"] == {name: [f"{name} must be a whole number {bounds}."]}


def test_bad_reference_flag_is_a_problem(tree, trainer, phone_for):
    response = phone_for(trainer).request("get", "/api/v1/sync/pull", query_string={"reference": "yes"})
    assert response.status_code == 422
    assert response.get_json()["code"] == "bad_parameter" and list(response.get_json()["errors"]) == ["reference"]


def test_empty_cursor_and_limit_and_unknown_parameters_read_as_absent(tree, trainer, phone_for):
    page = phone_for(trainer).pull(cursor="", limit="", lang="en", unknown="1")
    assert page["next_cursor"] >= 0 and "reference" in page


def test_a_page_names_each_kinds_columns_once_and_attendance_by_its_key(tree, trainer, phone_for):
    member = f.household(tree["commune"])
    session = f.training(tree["commune"], attendees=[member])
    page = phone_for(trainer).pull(cursor=0)
    household = page["records"]["household"]
    assert household["columns"][:3] == ["id", "version", "deleted"]
    assert [dict(zip(household["columns"], row, strict=True))["id"] for row in household["rows"]] == [str(member.id)]
    attendance = page["records"]["attendance"]
    assert attendance["columns"] == ["version", "deleted", "session_id", "household_id", "attendee_name", "method"]
    [row] = attendance["rows"]
    assert row[1:4] == [False, str(session.id), str(member.id)]
    assert page["exits"] == {}


def test_removed_attendance_comes_as_a_tombstone_with_its_key(tree, trainer, phone_for):
    member = f.household(tree["commune"])
    session = f.training(tree["commune"], attendees=[member])
    phone = phone_for(trainer)
    phone.pull_all()
    attendance = db.session.scalars(sa.select(Attendance)).one()
    attendance.deleted_at = utcnow()
    db.session.commit()
    [change] = phone.pull_all()
    assert (change["entity"], change["deleted"]) == ("attendance", True)
    assert (change["fields"]["session_id"], change["fields"]["household_id"]) == (str(session.id), str(member.id))


def test_attendance_of_a_session_moved_away_leaves_by_its_key(tree, phone_for):
    old_trainer = phone_for(f.user("trainer", [tree["commune"]]), "old")
    member = f.household(tree["commune"])
    session = f.training(tree["commune"], attendees=[member])
    old_trainer.pull_all()
    admin = phone_for(f.user("admin"), "admin")
    [moved] = admin.results(
        [f.mutation("training_session", session.id, {"commune_code": tree["commune2"].code}, admin.clock())]
    )
    assert moved["status"] == "applied"
    page = old_trainer.pull()
    assert page["records"] == {}
    assert page["exits"] == {
        "training_session": {"columns": ["id"], "rows": [[str(session.id)]]},
        "attendance": {"columns": ["session_id", "household_id"], "rows": [[str(session.id), str(member.id)]]},
    }


def test_a_pull_limited_to_communes_brings_only_their_records_in_scope(tree, phone_for):
    trainer = f.user("trainer", [tree["commune"], tree["commune2"]])
    phone = phone_for(trainer)
    mine = f.household(tree["commune"])
    new = f.household(tree["commune2"])
    f.household(tree["other_commune"])  # not the trainer's
    f.training(tree["commune2"], attendees=[mine, new])
    admin = phone_for(f.user("admin"), "admin")
    admin.results([f.mutation("household", mine.id, {"commune_code": tree["other_commune"].code}, admin.clock())])
    codes = f"{tree['commune2'].code},{tree['other_commune'].code}"
    page = phone.pull(cursor=0, communes=codes)
    changes = changes_of(page)
    assert {c.get("id") for c in changes if c["entity"] == "household"} == {str(new.id)}
    assert sorted(c["fields"]["household_id"] for c in changes if c["entity"] == "attendance") == sorted(
        [str(mine.id), str(new.id)]
    )
    assert page["exits"] == {} and "reference" not in page
    # The moved household's exit from Trà Cú comes with the ordinary pull.
    assert [c["id"] for c in changes_of(phone.pull(cursor=0)) if c.get("reason")] == [str(mine.id)]


@pytest.mark.parametrize("communes", ["x" * 2001])  # naming no code is as if not given: tests/test_api_contract.py
def test_bad_communes_are_a_problem(tree, trainer, phone_for, communes):
    response = phone_for(trainer).request("get", "/api/v1/sync/pull", query_string={"communes": communes})
    assert response.status_code == 422
    assert response.get_json()["code"] == "bad_parameter" and list(response.get_json()["errors"]) == ["communes"]


def test_an_empty_pull_writes_nothing_and_a_pull_notes_the_sync_at_most_once_a_minute(app, tree, trainer, phone_for):
    """A phone polling for news costs reads only: the Devices page still shows its last sync to the minute."""
    from datetime import timedelta

    from server.auth.models import DeviceToken

    phone = phone_for(trainer)
    phone.pull_all()
    token_id = phone.token.id
    db.session.expire_all()
    noted = db.session.get(DeviceToken, token_id).last_sync_at
    assert noted is not None
    writes = []

    def listener(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")):
            writes.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", listener)
    try:
        phone.pull_all()  # again within the minute: nothing new, nothing written
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", listener)
    assert writes == []
    db.session.expire_all()
    assert db.session.get(DeviceToken, token_id).last_sync_at == noted
    # More than a minute later the finished pull is noted again.
    earlier = utcnow() - timedelta(minutes=2)
    db.session.execute(sa.update(DeviceToken).where(DeviceToken.id == token_id).values(last_sync_at=earlier))
    db.session.commit()
    phone.pull_all()
    db.session.expire_all()
    assert db.session.get(DeviceToken, token_id).last_sync_at.replace(tzinfo=None) > earlier.replace(tzinfo=None)


@pytest.mark.sqlite_only
def test_on_sqlite_a_page_walks_the_versions_from_the_cursor_instead_of_sorting_the_commune(app, tree, trainer):
    """A page costs the same at the end of a first pull as at its start: no query sorts every row of the communes."""
    from server.auth.scope import scope_for
    from server.sync import pull as pulling

    household = f.household(tree["commune"])
    f.training(tree["commune"], attendees=[household])
    # No statistics, as in a new database: the app analyzes a table the first time a connection
    # finds it with rows (server/__init__.py), here whatever rows an earlier test had left, and
    # with a few rows per session the planner rightly prefers the session index.
    db.session.execute(sa.text("DELETE FROM sqlite_stat1"))
    db.session.execute(sa.text("ANALYZE sqlite_schema"))  # the planner reads the emptied statistics
    db.session.commit()
    plans = []
    run = db.session.execute

    def explained(query, params=None, *args, **kwargs):
        if isinstance(query, sa.Select):
            bound = query.params(**params) if params else query
            sql = str(bound.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
            plans.append(" / ".join(row[3] for row in run(sa.text("EXPLAIN QUERY PLAN " + sql))))
        return run(query, params, *args, **kwargs)

    db.session.execute = explained
    try:
        pulling.pull(scope_for(trainer), 0, 500)
    finally:
        del db.session.execute
    attendance = [plan for plan in plans if "attendance" in plan]
    assert attendance and all("ix_attendance_version" in plan for plan in attendance), attendance
    # Bulletins and scope exits are few: sorting them costs nothing.
    records = [plan for plan in plans if "bulletins" not in plan and "scope_exits" not in plan]
    assert not [plan for plan in records if "TEMP B-TREE FOR ORDER BY" in plan], records
