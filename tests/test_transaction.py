"""Where transactions end: every commit's steps, the request's one commit point, the documented others."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from server import transaction
from server.auth.models import DeviceToken
from server.extensions import db
from server.households.models import Household
from server.models_base import assign_versions, utcnow
from server.mutations.models import Mutation
from server.products.models import Lot
from server.reports.models import HouseholdSummary
from server.reports.summary_hooks import refresh_summaries
from tests import factories as f

SERVER = Path(__file__).resolve().parent.parent / "server"


def _commit_a_new_household(commune) -> dict:
    """Commit one new household; what the commit wrote to the households table, and what it left."""
    household = Household(head_name="Thạch Sa Ri", commune_code=commune.code, smartphone="yes")
    db.session.add(household)
    writes = []

    def _note(conn, cursor, statement, parameters, context, executemany):
        if re.match(r"\s*(INSERT INTO|UPDATE) households\b", statement):
            writes.append(statement.split()[0])

    event.listen(db.engine, "before_cursor_execute", _note)
    try:
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", _note)
    summary = db.session.get(HouseholdSummary, household.id)
    return {"writes": writes, "versioned": household.version > 0, "counted": summary is not None and summary.counted}


def test_one_commit_writes_a_new_household_once_with_its_version_and_its_summary(ctx):
    commune = f.small_tree()["commune"]
    assert _commit_a_new_household(commune) == {"writes": ["INSERT"], "versioned": True, "counted": True}


@pytest.mark.parametrize(
    "steps",
    [(refresh_summaries, assign_versions), (assign_versions,), (refresh_summaries,)],
    ids=["summaries-before-versions", "no-summaries", "no-versions"],
)
def test_the_commit_needs_both_steps_versions_first(ctx, monkeypatch, steps):
    commune = f.small_tree()["commune"]
    monkeypatch.setattr(transaction, "STEPS", steps)
    # Summaries first: the row is inserted without its version, then written again to get it.
    assert _commit_a_new_household(commune) != {"writes": ["INSERT"], "versioned": True, "counted": True}


def _token_used_long_ago(commune) -> tuple[DeviceToken, str]:
    token, raw = f.device(f.user("trainer", [commune]))
    token.last_used_at = utcnow() - timedelta(days=2)
    db.session.commit()
    return token, raw


def _last_used(token_id) -> object:
    db.session.expire_all()
    return db.session.get(DeviceToken, token_id).last_used_at


def test_a_get_keeps_the_token_use_it_noted_on_the_way_in(app, ctx):
    token, raw = _token_used_long_ago(f.small_tree()["commune"])
    before = _last_used(token.id)
    with app.app_context():
        assert app.test_client().get("/api/v1/sync/pull?cursor=0", headers=f.bearer(raw)).status_code == 200
    assert _last_used(token.id) > before


def test_a_refused_request_keeps_nothing_it_wrote(app, ctx):
    token, raw = _token_used_long_ago(f.small_tree()["commune"])
    before = _last_used(token.id)
    with app.app_context():
        assert app.test_client().get("/api/v1/sync/pull?cursor=-1", headers=f.bearer(raw)).status_code == 422
    assert _last_used(token.id) == before  # the token's use is part of the request, and goes with it


def test_a_commit_that_fails_answers_an_error_and_keeps_nothing(app, ctx, monkeypatch):
    tree = f.small_tree()
    household = f.household(tree["commune"], head_name="Kim Sà Phol")
    supervisor = f.user("supervisor", [tree["province"]])
    client = app.test_client()
    with app.app_context():
        f.login(client, supervisor)

    def _refuse(session):
        raise sa.exc.IntegrityError("INSERT", {}, Exception("a concurrent write"))

    monkeypatch.setattr(transaction, "STEPS", (assign_versions, _refuse))
    form = {"head_name": "Kim Sà Phol Sửa", "smartphone": "no", "preferred_language": "vi"}
    with app.app_context():
        response = client.post(f"/records/households/{household.id}", data=form, headers={"Accept-Language": "en"})
    assert response.status_code == 500 and "Something went wrong" in response.get_data(as_text=True)
    monkeypatch.undo()
    db.session.expire_all()
    assert db.session.get(Household, household.id).head_name == "Kim Sà Phol"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mutation)) == 0


def _commits_during(app, request) -> list[str]:
    """COMMITs sent while `request(client)` runs."""
    commits = []

    def _note(conn):
        commits.append("COMMIT")

    event.listen(db.engine, "commit", _note)
    try:
        with app.app_context():
            request(app.test_client())
    finally:
        event.remove(db.engine, "commit", _note)
    return commits


def test_a_request_that_only_reads_sends_no_commit(app, ctx):
    token, raw = f.device(f.user("trainer", [f.small_tree()["commune"]]))
    token.last_used_at = token.last_sync_at = utcnow()  # used a moment ago: the pull writes neither
    db.session.commit()

    def pull_when_up_to_date(client):
        response = client.get("/api/v1/sync/pull?cursor=0", headers=f.bearer(raw))
        cursor = response.get_json()["next_cursor"]
        assert client.get(f"/api/v1/sync/pull?cursor={cursor}", headers=f.bearer(raw)).get_json()["records"] == {}

    assert _commits_during(app, pull_when_up_to_date) == []


def test_a_get_keeps_what_it_wrote_with_a_plain_statement(app, ctx):
    # The origin page counts a scan with an INSERT and an UPDATE, not through the session's objects.
    maker = f.producer(f.small_tree()["commune"])
    lot = f.lot(f.product(maker, gtin="08931234567897"), "L-05")

    def scan(client):
        assert client.get("/01/08931234567897/10/L-05", headers={"User-Agent": "Mozilla/5.0"}).status_code == 200

    assert len(_commits_during(app, scan)) == 1
    db.session.rollback()  # whatever the request left uncommitted in this session would go here
    with db.engine.connect() as other:
        assert other.scalar(sa.select(Lot.scan_count).where(Lot.id == lot.id)) == 1


def _documented_commit_points() -> set[str]:
    """The files listed as commit points in server/transaction.py's docstring, and that module itself."""
    bullets = [line for line in transaction.__doc__.splitlines() if line.startswith("- server/")]
    return {"server/transaction.py"} | {path for line in bullets for path in re.findall(r"server/[\w/]+\.py", line)}


def test_only_the_documented_places_commit_each_saying_why():
    found, silent = set(), []
    for path in sorted(SERVER.rglob("*.py")):
        name = path.relative_to(SERVER.parent).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if "commit()" in line and not line.lstrip().startswith("#"):
                found.add(name)
                if "#" not in line and not lines[number - 1].lstrip().startswith("#"):
                    silent.append(f"{name}:{number + 1}")
    assert found == _documented_commit_points(), "operations flush; the request commits (server/transaction.py)"
    assert silent == [], "each commit point says why it commits there"


def test_the_commit_steps_run_from_one_listener_not_from_import_order(ctx):
    listeners = [fn for fn in db.session().dispatch.before_commit if fn.__module__.startswith("server.")]
    assert listeners == [transaction._before_commit]
