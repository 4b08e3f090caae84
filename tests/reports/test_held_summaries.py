"""A phone's sync in several batches: its households' summaries recomputed once, by its last batch,
and never read held back (every reader recomputes what a phone left part-way first)."""

import threading
import uuid
from datetime import date

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.households.lists import count, household_query
from server.places.models import Place
from server.reports import summary
from server.reports.indicators import commune_progress, place_report
from server.reports.models import HeldSummary
from server.reports.trend import monthly_trend
from tests import factories as f
from tests.reports.test_counters import counters_exact
from tests.reports.test_summary import all_fresh, stored

THIS_YEAR = date.today().year


@pytest.fixture
def world(ctx):
    tree = f.small_tree()
    trainer = f.user("trainer", [tree["commune"]])
    _token, raw = f.device(trainer)
    sessions = [f.training(tree["commune"], date(THIS_YEAR, 1, 1 + n), ["digital_skills"]) for n in range(2)]
    codes = {name: place.code for name, place in tree.items()}
    return {
        "tree": tree,
        "codes": codes,
        "raw": raw,
        "sessions": [s.id for s in sessions],
        "clock": iter(range(1, 10_000)),
    }


def _clock(world) -> str:
    return f.hlc(1_760_000_000_000, "phone", next(world["clock"]))


def _push(client, world, mutations: list[dict], queued: int) -> None:
    body = {"app_version": "1.0.0", "queued": queued, "mutations": mutations}
    with client.application.app_context():
        response = client.post("/api/v1/sync/push", json=body, headers=f.bearer(world["raw"]))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert {r["status"] for r in response.get_json()["results"]} == {"applied"}
    db.session.remove()


def _registered(world, n: int) -> tuple[list[uuid.UUID], list[dict]]:
    """n new households without a smartphone, each with its programme consent, as the phone sends them."""
    commune = world["codes"]["commune"]
    ids, mutations = [uuid.uuid4() for _ in range(n)], []
    for household_id in ids:
        clock = _clock(world)
        fields = {"head_name": "Thạch Sóc", "commune_code": commune, "smartphone": "no"}
        mutations += [
            f.mutation("household", household_id, fields, clock),
            f.consent_mutation(household_id, "programme", True, clock),
        ]
    return ids, mutations


def _checked_in(world, session_id, household_ids) -> list[dict]:
    fields = [{"session_id": str(session_id), "household_id": str(h), "method": "qr"} for h in household_ids]
    return [f.mutation("attendance", uuid.uuid4(), one, _clock(world)) for one in fields]


def _held() -> set:
    """The households held back, for any phone."""
    rows = db.session.scalars(sa.select(HeldSummary.household_ids))
    return {uuid.UUID(hex=i) for ids in rows for i in ids.split()}


def test_a_sync_in_batches_recomputes_its_households_once_with_its_last_batch(client, world, monkeypatch):
    refreshed = []
    refresh = summary.refresh
    monkeypatch.setattr(
        summary, "refresh", lambda conn, ids=(), *a: refreshed.append(set(ids)) or refresh(conn, ids, *a)
    )
    ids, registered = _registered(world, 3)
    first, second = world["sessions"]
    _push(client, world, registered, queued=6)
    _push(client, world, _checked_in(world, first, ids), queued=3)
    assert refreshed == [] and _held() == set(ids)
    assert stored(ids[0]) is None  # not recomputed yet: held back for the last batch
    _push(client, world, _checked_in(world, second, ids), queued=0)
    assert refreshed == [set(ids)]  # three batches, one refresh
    assert _held() == set()
    assert stored(ids[0])["trained_digital"] == date(THIS_YEAR, 1, 1)
    assert all_fresh() and counters_exact()


def _left_part_way(client, world, n: int = 2) -> list[uuid.UUID]:
    """A phone sends a first batch of new households, says more is coming, and goes out of reach."""
    ids, registered = _registered(world, n)
    _push(client, world, registered + _checked_in(world, world["sessions"][0], ids), queued=500)
    assert _held() == set(ids)
    return ids


def test_every_reader_of_the_figures_counts_what_a_phone_left_part_way(client, world):
    tree = _places(world)
    readers = {
        "province table": lambda: place_report(tree["province"], THIS_YEAR).place.registered,
        "commune table": lambda: place_report(tree["commune"], THIS_YEAR).place.registered,
        "province trend": lambda: monthly_trend(tree["province"], THIS_YEAR)[-1][1]["trained_digital"],
        "commune trend": lambda: monthly_trend(tree["commune"], THIS_YEAR)[-1][1]["trained_digital"],
        "phone's progress": lambda: commune_progress([world["codes"]["commune"]], THIS_YEAR)[0]["registered"],
        "follow-up list": lambda: count(household_query(_scope(world), follow_up="no_smartphone")),
    }
    for n, (name, read) in enumerate(readers.items(), start=1):
        _left_part_way(client, world)
        assert read() == 2 * n, name  # the households held back are counted
        assert _held() == set(), name
        db.session.commit()
    assert all_fresh() and counters_exact()


def _places(world) -> dict:
    """The tree's places, read again (a push's request ends the session that held them)."""

    class Places(dict):
        def __missing__(self, key):
            return db.session.get(Place, world["codes"][key])

    return Places()


def _scope(world):
    from server.auth.scope import scope_for

    return scope_for(f.user("supervisor", [_places(world)["province"]]))


def test_the_dashboard_page_keeps_what_it_recomputed(client, world):
    ids = _left_part_way(client, world, n=3)
    f.login(client, f.user("supervisor", [_places(world)["province"]]))
    response = client.get("/api/v1/reports/indicators", query_string={"place": world["codes"]["commune"]})
    assert response.status_code == 200
    assert response.get_json()["place"]["registered"] == 3
    db.session.remove()
    assert _held() == set()  # the page's request committed the recomputed rows
    assert stored(ids[0])["registered_on"] == date.today()
    assert all_fresh() and counters_exact()


def test_a_phone_that_comes_back_after_a_reader_took_its_households(client, world):
    ids = _left_part_way(client, world)
    assert place_report(_places(world)["commune"], THIS_YEAR).place.registered == 2
    db.session.commit()
    _push(client, world, _checked_in(world, world["sessions"][1], ids), queued=0)
    assert _held() == set()
    assert all_fresh() and counters_exact()


def test_rebuilding_the_summaries_leaves_nothing_held(client, world):
    _left_part_way(client, world)
    summary.rebuild(db.session.connection())
    db.session.commit()
    assert _held() == set()
    assert all_fresh() and counters_exact()


@pytest.mark.postgres_only
def test_a_phones_last_batch_does_not_wait_for_a_reader_taking_its_households(app, client, world):
    """A reader recomputing a phone's held households holds them till its request ends; the
    phone's last batch leaves those to it instead of waiting (it holds the version counter)."""
    ids = _left_part_way(client, world)
    finished, errors = threading.Event(), []
    attendance = _checked_in(world, world["sessions"][1], ids)

    def last_batch():
        try:
            with app.app_context():
                _push(client, world, attendance, queued=0)
            finished.set()
        except Exception as error:  # re-raised in the test's thread
            errors.append(error)

    with db.engine.connect() as reader:
        assert summary.take_held(reader) == set(ids)  # the reader's request, not ended yet
        thread = threading.Thread(target=last_batch)
        thread.start()
        pushed = finished.wait(timeout=20)
        reader.rollback()  # the reader fails: its households are held again
        thread.join(timeout=20)
    assert not errors
    assert pushed
    assert _held() == set(ids)
    assert place_report(_places(world)["commune"], THIS_YEAR).place.registered == 2
    db.session.commit()
    assert _held() == set() and all_fresh() and counters_exact()
