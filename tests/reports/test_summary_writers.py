"""household_summaries after Core statements, phone pushes, imports of demo data, and `flask rebuild-summaries`."""

import uuid
from datetime import date

import sqlalchemy as sa

from server.demo import load_demo
from server.extensions import db
from server.households.models import Household, MarketplaceAccount, PaymentAccount
from server.models_base import utcnow
from server.reports import summary, summary_hooks
from server.training.models import Attendance, TrainingSession
from tests import factories as f
from tests.reports.test_counters import counters_exact
from tests.reports.test_summary import SUMMARY, all_fresh, home, stored


def _synced(**values) -> dict:
    now = utcnow()
    return {"id": uuid.uuid4(), "created_at": now, "updated_at": now, "version": 0, "field_clocks": {}, **values}


def test_core_update_moving_attendance_refreshes_both_households(ctx):
    tree = f.small_tree()
    wrong, right = home(tree), home(tree)
    f.training(tree["commune"], date(2025, 2, 1), ["digital_skills"], [wrong])
    table = Attendance.__table__
    db.session.execute(sa.update(table).where(table.c.household_id == wrong.id).values(household_id=right.id))
    db.session.commit()
    assert stored(wrong)["trained_digital"] is None and stored(right)["trained_digital"] == date(2025, 2, 1)


def _count_rebuilds(monkeypatch) -> list:
    calls, rebuild = [], summary.rebuild
    monkeypatch.setattr(summary, "rebuild", lambda conn: calls.append(1) or rebuild(conn))
    return calls


def test_core_inserts_with_rows_or_inline_values(ctx, monkeypatch):
    rebuilds = _count_rebuilds(monkeypatch)
    tree = f.small_tree()
    household = home(tree)
    account = _synced(household_id=household.id, platform="voso", status="opened", opened_on=date(2025, 3, 1))
    account.update(products_listed=0, orders_reported=2)
    db.session.execute(sa.insert(MarketplaceAccount.__table__), [account])
    db.session.execute(sa.insert(PaymentAccount).values(**_synced(household_id=household.id, provider="momo")))
    db.session.commit()
    row = stored(household)
    assert (row["platform_voso"], row["active_account"], row["orders"]) == (date(2025, 3, 1), date(2025, 3, 1), 2)
    assert row["payment_account"] == date.today()
    assert rebuilds == []  # the rows' households were found in the statements


def test_core_bulk_update_by_key_and_session_update(ctx):
    tree = f.small_tree()
    household = home(tree)
    session = f.training(tree["commune"], date(2025, 2, 1), ["digital_skills"], [household])
    db.session.execute(sa.update(Household), [{"id": household.id, "commune_code": tree["commune2"].code}])
    db.session.execute(
        sa.update(TrainingSession).where(TrainingSession.id == session.id).values(held_on=date(2025, 5, 4))
    )
    db.session.commit()
    assert (stored(household)["commune_code"], stored(household)["trained_digital"]) == ("29494", date(2025, 5, 4))


def test_core_delete_and_statements_without_a_where_clause(ctx, monkeypatch):
    rebuilds = _count_rebuilds(monkeypatch)
    tree = f.small_tree()
    households = [home(tree), home(tree)]
    for household in households:
        f.payment_account(household, "momo", opened_on=date(2025, 3, 1))
        f.seller_account(household, "postmart", opened_on=date(2025, 3, 1))
    table = PaymentAccount.__table__
    db.session.execute(sa.delete(table).where(table.c.household_id == households[0].id))
    db.session.execute(sa.update(MarketplaceAccount.__table__).values(orders_reported=6))  # every row
    db.session.commit()
    assert stored(households[0])["payment_account"] is None
    assert [stored(h)["orders"] for h in households] == [6, 6] and all_fresh()
    assert rebuilds == [1]  # the UPDATE without a WHERE clause


def test_writes_on_a_bare_connection_are_marked_by_hand(ctx):
    tree = f.small_tree()
    trained, moved = home(tree), home(tree)
    session = f.training(tree["commune"], date(2025, 2, 1), ["digital_skills"], [trained])
    conn, sessions, households = db.session.connection(), TrainingSession.__table__, Household.__table__
    conn.execute(sa.update(sessions).where(sessions.c.id == session.id).values(held_on=date(2025, 2, 3)))
    conn.execute(sa.update(households).where(households.c.id == moved.id).values(vnpost_code="8600012345"))
    summary_hooks.mark_sessions(db.session, [session.id])
    summary_hooks.mark_households(db.session, [moved.id])
    db.session.commit()
    assert (stored(trained)["trained_digital"], stored(moved)["digital_address"]) == (
        date(2025, 2, 3),
        date(2025, 1, 10),
    )


def test_phone_push_of_household_attendance_and_account(client, ctx):
    tree = f.small_tree()
    trainer = f.user("trainer", [tree["commune"]])
    session = f.training(tree["commune"], date(2025, 2, 1), ["packaging_delivery"])
    _token, raw = f.device(trainer)
    household_id = uuid.uuid4()
    earlier = f.household(tree["commune"])
    clock = f.hlc(1_760_000_000_000, "phone")
    fields = {"head_name": "Thạch Sóc", "commune_code": tree["commune"].code, "plus_code": "7P28QJXV+2C"}
    answers = [(purpose, True) for purpose in ("programme", "location")]
    mutations = [
        f.mutation("household", household_id, fields, clock),
        *(f.consent_mutation(household_id, purpose, given, clock) for purpose, given in answers),
        f.mutation(
            "attendance", uuid.uuid4(), {"session_id": str(session.id), "household_id": str(household_id)}, clock
        ),
        f.mutation(
            "marketplace_account", uuid.uuid4(), {"household_id": str(household_id), "platform": "tiktok"}, clock
        ),
        # A household registered before, in the same refresh as the new one: its row is read first.
        f.mutation("payment_account", uuid.uuid4(), {"household_id": str(earlier.id), "provider": "momo"}, clock),
    ]
    with client.application.app_context():
        response = client.post("/api/v1/sync/push", json={"mutations": mutations}, headers=f.bearer(raw))
    assert {r["status"] for r in response.get_json()["results"]} == {"applied"}
    db.session.remove()
    row = stored(household_id)
    assert (row["trained_packaging"], row["platform_tiktok"], row["digital_address"]) == (
        date(2025, 2, 1),
        date.today(),
        date.today(),
    )
    assert stored(earlier.id)["payment_account"] == date.today()
    assert all_fresh()
    assert counters_exact()  # what the dashboard adds up


def test_demo_data_leaves_every_summary_filled(ctx):
    assert load_demo(households=60)
    households = db.session.scalar(sa.select(sa.func.count()).select_from(Household))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SUMMARY)) == households == 60
    assert db.session.scalar(sa.select(sa.func.count()).where(SUMMARY.c.trained_digital.is_not(None))) > 0
    assert all_fresh()


def test_rebuild_command_repairs_rows_written_behind_the_apps_back(ctx, runner):
    tree = f.small_tree()
    household = home(tree).id
    f.training(tree["commune"], date(2025, 2, 1), ["livestream"], [db.session.get(Household, household)])
    with db.engine.begin() as conn:  # a bare connection: no hook sees this
        conn.execute(sa.delete(SUMMARY))
    result = runner.invoke(args=["rebuild-summaries"])
    assert result.exit_code == 0 and "1 households" in result.output
    db.session.remove()
    assert stored(household)["trained_livestream"] == date(2025, 2, 1) and all_fresh()
