"""The per-commune counters the province dashboard adds up equal a count from the source tables, after any write."""

import re
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from server.auth.scope import scope_for
from server.extensions import db
from server.households.lists import FOLLOW_UPS, count, household_query
from server.households.merge import merge_households
from server.households.models import PLATFORMS, Household, MarketplaceAccount
from server.places.models import Place
from server.privacy.operations import erase_household
from server.reports import counters, summary
from server.reports.household_dates import summary_select
from server.reports.indicators import follow_up_count, place_report
from server.reports.models import INDICATORS, PlaceDayCount, PlaceMonthCount
from server.reports.trend import month_ends, monthly_trend
from server.training.models import Attendance, TrainingSession
from tests import factories as f
from tests.reports.test_summary_database import second_waits_for_first

TODAY = date(2025, 6, 17)  # mid-month: the counters' last, partial month is read by day


def _stored(table, day_column: str) -> Counter:
    rows = db.session.execute(sa.select(table)).mappings()
    found = Counter()
    for row in rows:
        if row["households"]:
            found[(row["commune_code"], row["registered_year"], row["metric"], row[day_column])] = row["households"]
    return found


def _from_source_tables() -> tuple[Counter, Counter]:
    """The day and month counters counted afresh from households, attendance, sessions and accounts."""
    days = counters.contributions(db.session.execute(summary_select()).mappings())
    months = Counter()
    for (commune, year, metric, day), n in days.items():
        months[(commune, year, metric, day.replace(day=1))] += n
    return +days, +months


def counters_exact() -> bool:
    days, months = _from_source_tables()
    return _stored(PlaceDayCount.__table__, "on_day") == days and _stored(PlaceMonthCount.__table__, "month") == months


def _counted_by_hand(communes: set, as_of: date, by: date) -> dict:
    """{registered, orders, <indicator>, platform_<p>} by a day, of households registered by as_of, from the source."""
    rows = [
        r
        for r in db.session.execute(summary_select()).mappings()
        if r["counted"] and r["commune_code"] in communes and r["registered_on"] <= as_of
    ]
    figures = {"registered": len(rows), "orders": sum(r["orders"] for r in rows)}
    for name in (*INDICATORS, *[f"platform_{p}" for p in PLATFORMS]):
        figures[name] = sum(1 for r in rows if r[name] is not None and r[name] <= by)
    return figures


def _follow_ups_by_hand(place: Place) -> dict[str, int]:
    """Counted households of a place on each follow-up list, from households, attendance, sessions and accounts."""
    live = [h for h in db.session.scalars(sa.select(Household)) if h.deleted_at is None and h.merged_into_id is None]
    if place.kind == "province":
        communes = set(db.session.scalars(sa.select(Place.code).where(Place.parent_code == place.code)))
        live = [h for h in live if h.commune_code in communes]
    else:
        live = [h for h in live if (h.commune_code if place.kind == "commune" else h.hamlet_code) == place.code]
    trained = set(
        db.session.scalars(
            sa.select(Attendance.household_id)
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .where(Attendance.deleted_at.is_(None), TrainingSession.deleted_at.is_(None))
        )
    )
    sellers = set(
        db.session.scalars(sa.select(MarketplaceAccount.household_id).where(MarketplaceAccount.deleted_at.is_(None)))
    )
    return {
        "trained_no_account": sum(1 for h in live if h.id in trained and h.id not in sellers),
        "no_smartphone": sum(1 for h in live if h.smartphone == "no"),
    }


def _follow_ups_match_the_source(tree) -> None:
    """The dashboard's follow-up counts and the household lists they link to equal a count from the source."""
    scope = scope_for(f.user("admin"))
    for place in (tree["province"], tree["commune"], tree["commune2"], tree["hamlet"]):
        hand = _follow_ups_by_hand(place)
        assert {name: follow_up_count(place, scope.commune_filter, name) for name in FOLLOW_UPS} == hand, place.code
        listed = {name: count(household_query(scope, place, follow_up=name)) for name in FOLLOW_UPS}
        assert listed == hand, place.code


def _dashboard_matches_the_source(tree, year: int, today: date) -> None:
    province = tree["province"]
    report = place_report(province, year, today=today)
    as_of = report.place.as_of
    communes = {tree["commune"].code, tree["commune2"].code}
    hand = _counted_by_hand(communes, as_of, as_of)
    assert (report.place.registered, report.place.orders) == (hand["registered"], hand["orders"])
    assert {i: report.place.figures[i].value for i in INDICATORS} == {i: hand[i] for i in INDICATORS}
    assert report.place.platforms == {p: hand[f"platform_{p}"] for p in PLATFORMS}
    for child in report.children:
        own = _counted_by_hand({child.code}, as_of, as_of)
        assert (child.registered, {i: child.figures[i].value for i in INDICATORS}) == (
            own["registered"],
            {i: own[i] for i in INDICATORS},
        )
    for place, codes in ((province, communes), (tree["commune"], {tree["commune"].code})):
        trend = monthly_trend(place, year, today=today)
        assert [end for end, _ in trend] == month_ends(year, as_of)
        for end, figures in trend:
            by_hand = _counted_by_hand(codes, as_of, end)
            assert figures == {i: by_hand[i] for i in INDICATORS}, end


def test_counters_equal_a_count_from_the_source_tables_after_a_mix_of_writes(ctx):
    tree = f.small_tree()
    commune, commune2, hamlet = tree["commune"], tree["commune2"], tree["hamlet"]
    supervisor = f.user("supervisor", [tree["province"]])

    def check():
        assert counters_exact()
        _dashboard_matches_the_source(tree, 2025, TODAY)
        _follow_ups_match_the_source(tree)

    # Registrations, this year and the year before, one after "today" with an account opened earlier.
    first = f.household(commune, hamlet, created_at=datetime(2025, 1, 10, 8, tzinfo=UTC), smartphone="yes")
    second = f.household(commune, None, created_at=datetime(2024, 11, 3, tzinfo=UTC), plus_code="7P28QJXV+2C")
    third = f.household(commune2, None, created_at=datetime(2025, 6, 2, tzinfo=UTC), smartphone="no")
    late = f.household(commune2, None, created_at=datetime(2025, 8, 1, tzinfo=UTC))
    f.seller_account(late, "voso", opened_on=date(2025, 3, 3))
    check()
    # Attendance, at sessions in full months and in the month of "today".
    f.training(commune, date(2025, 2, 1), ["digital_skills", "livestream"], [first, second])
    june = f.training(commune2, date(2025, 6, 10), ["packaging_delivery"], [third, first])
    check()
    # Accounts: seller, active, payment, orders.
    account = f.seller_account(first, "shopee", opened_on=date(2025, 3, 1), orders_reported=5)
    f.seller_account(third, "tiktok", opened_on=date(2025, 6, 12), products_listed=2)
    f.payment_account(second, "momo", opened_on=date(2025, 4, 30))
    account.checked_on = date(2025, 5, 31)
    db.session.commit()
    check()
    # Deletions: an account, an attendance, a whole session tombstoned, a household removed outright.
    account.deleted_at = datetime(2025, 6, 15, tzinfo=UTC)
    june.attendance[0].deleted_at = datetime(2025, 6, 15, tzinfo=UTC)
    db.session.commit()
    check()
    gone = f.household(commune, hamlet, created_at=datetime(2025, 3, 1, tzinfo=UTC), smartphone="yes")
    payment = f.payment_account(gone, "momo", opened_on=date(2025, 3, 2))
    check()
    db.session.delete(payment)
    db.session.delete(gone)
    db.session.commit()
    check()
    # A move between communes (of another province too), and back.
    third.commune_code, third.hamlet_code = commune.code, hamlet.code
    second.commune_code = tree["other_commune"].code
    db.session.commit()
    check()
    second.commune_code = commune2.code
    db.session.commit()
    check()
    # A smartphone bought, another household found to have none.
    third.smartphone = "yes"
    second.smartphone = "no"
    db.session.commit()
    check()
    # Consent withdrawn and the household erased: it still counts, without its address.
    f.consent(second, "location", given=False)
    erase_household(second, f.user("admin"))
    db.session.commit()
    check()
    # A merge: the other household stops counting, the kept one takes its figures.
    other = f.household(commune, hamlet, created_at=datetime(2025, 5, 5, tzinfo=UTC), vnpost_code="8600012345")
    f.seller_account(other, "postmart", opened_on=date(2025, 5, 6), orders_reported=2)
    merge_households(first, other, supervisor)
    db.session.commit()
    check()
    # A tombstoned household, then restored.
    first.deleted_at = datetime(2025, 6, 16, tzinfo=UTC)
    db.session.commit()
    check()
    first.deleted_at = None
    db.session.commit()
    check()
    # A past year's view (as of 31 December) and one in the middle of the next year.
    _dashboard_matches_the_source(tree, 2024, TODAY)
    _dashboard_matches_the_source(tree, 2025, date(2026, 2, 10))
    # Recounting everything gives the same counters.
    before = _stored(PlaceDayCount.__table__, "on_day"), _stored(PlaceMonthCount.__table__, "month")
    summary.rebuild(db.session.connection())
    db.session.commit()
    assert (_stored(PlaceDayCount.__table__, "on_day"), _stored(PlaceMonthCount.__table__, "month")) == before


def test_the_province_table_reads_counters_not_summaries(ctx):
    """A counter changed behind the app's back shows on the province page: the page reads the counters."""
    tree = f.small_tree()
    f.household(tree["commune"], None, created_at=datetime(2025, 1, 10, tzinfo=UTC), smartphone="yes")
    assert place_report(tree["province"], 2025, today=TODAY).place.figures["smartphone"].value == 1
    table = PlaceMonthCount.__table__
    db.session.execute(sa.update(table).where(table.c.metric == "smartphone").values(households=7))
    assert place_report(tree["province"], 2025, today=TODAY).place.figures["smartphone"].value == 7
    assert monthly_trend(tree["province"], 2025, today=TODAY)[0][1]["smartphone"] == 7
    assert place_report(tree["commune"], 2025, today=TODAY).place.figures["smartphone"].value == 1
    db.session.rollback()


def test_the_follow_up_counts_of_a_province_and_a_commune_read_the_counters(client, ctx):
    """A follow-up counter changed behind the app's back shows on the dashboard: its households are not counted."""
    tree = f.small_tree()
    for _ in range(2):
        f.household(tree["commune"], tree["hamlet"], smartphone="no")
    f.login(client, f.user("supervisor", [tree["province"]]))

    def shown(place: str) -> int:
        html = client.get(f"/dashboard?place={tree[place].code}&lang=en").get_data(as_text=True)
        return int(re.search(r'No smartphone\s*<span class="count">(\d+)</span>', html).group(1))

    assert [shown(p) for p in ("province", "commune", "hamlet")] == [2, 2, 2]
    table = PlaceMonthCount.__table__
    more = table.c.households + 5
    db.session.execute(sa.update(table).where(table.c.metric == "follow_up_no_smartphone").values(households=more))
    db.session.commit()
    assert [shown(p) for p in ("province", "commune", "hamlet")] == [7, 7, 2]  # a hamlet counts its summaries
    summary.rebuild(db.session.connection())
    db.session.commit()
    assert shown("province") == 2


def test_a_late_registration_is_left_out_of_the_months_before_it(ctx):
    """Registered after the day the figures are as of: not counted, though its account is older."""
    tree = f.small_tree()
    household = f.household(tree["commune"], None, created_at=datetime(2025, 7, 1, tzinfo=UTC))
    f.seller_account(household, "voso", opened_on=date(2025, 2, 1))
    report = place_report(tree["province"], 2025, today=TODAY - timedelta(days=1))
    assert (report.place.registered, report.place.figures["seller_account"].value) == (0, 0)
    later = place_report(tree["province"], 2025, today=date(2025, 7, 2))
    assert (later.place.registered, later.place.figures["seller_account"].value) == (1, 1)


@pytest.mark.postgres_only
def test_two_commits_registering_in_one_commune_at_once_both_count(app, ctx):
    """The second commit adds to the same counter rows while the first holds them: neither addition is lost."""
    tree = f.small_tree()
    commune, registered = tree["commune"].code, datetime(2025, 1, 10, 8, tzinfo=UTC)
    values = {"head_name": "Lâm Thị Sa", "search_text": "lam thi sa", "smartphone": "yes", "commune_code": commune}
    errors = []

    def second():
        try:
            with app.app_context():
                db.session.add(Household(**values, created_at=registered))
                db.session.commit()  # its refresh waits for the first commit's counters
                db.session.remove()
        except Exception as error:  # re-raised in the test's thread
            errors.append(error)

    with db.engine.connect() as first, db.engine.connect() as watcher:
        household_id = uuid.uuid4()
        first.execute(sa.insert(Household.__table__).values(id=household_id, created_at=registered, **values))
        summary.refresh(first, [household_id])  # the first commit's refresh, not committed yet
        second_waits_for_first(first, watcher, second, "commit")
    assert not errors
    db.session.remove()
    assert counters_exact()
    report = place_report(db.session.get(Place, "86"), 2025, today=TODAY)
    assert (report.place.registered, report.place.figures["smartphone"].value) == (2, 2)
