"""Indicator values checked against figures worked out by hand from the fixture in conftest.py."""

from datetime import date

from server.reports.indicators import commune_progress, place_report
from server.reports.trend import monthly_trend
from tests.reports.conftest import AS_OF


def _values(progress):
    return {name: figure.value for name, figure in progress.figures.items()}


def test_commune_counts_distinct_live_households(field):
    tra_cu = place_report(field["commune"], 2025, today=AS_OF).place
    # Deleted and merged households do not count; an erased one still does, without its name.
    assert tra_cu.registered == 4
    assert _values(tra_cu) == {
        "trained_digital": 2,  # h1, h2; h3's session was deleted and its other attendance removed
        "trained_packaging": 0,  # h1's packaging session is after the as-of date
        "trained_livestream": 1,
        "seller_account": 2,
        "active_account": 2,  # h1 lists products and has orders, h3 lists on Shopee
        "payment_account": 2,  # h1, and the erased household
        "smartphone": 2,
        "digital_address": 2,  # h1 Plus Code, h3 VNPost code
    }
    assert tra_cu.orders == 5  # the deleted household's 100 orders are not counted
    assert tra_cu.platforms["postmart"] == 1 and tra_cu.platforms["voso"] == 1 and tra_cu.platforms["shopee"] == 1


def test_baseline_is_the_denominator_and_own_target_wins(field):
    tra_cu = place_report(field["commune"], 2025, today=AS_OF).place
    assert (tra_cu.denominator, tra_cu.denominator_source) == (10, "baseline")
    digital = tra_cu.figures["trained_digital"]
    assert digital.percent == 0.2
    assert (digital.target, digital.target_set_at, digital.target_households, digital.gap) == (30.0, "29461", 3, 1)


def test_forecast_at_the_pace_of_the_last_90_days(field):
    tra_cu = place_report(field["commune"], 2025, today=AS_OF).place
    # One household trained since 1 April: one more needed takes another 90 days.
    digital = tra_cu.figures["trained_digital"]
    assert (digital.forecast, digital.forecast_on) == ("on_track", date(2025, 9, 28))
    # Seller accounts: 1 gained in 90 days, 2 more needed for 40 % of 10 → 180 days.
    seller = tra_cu.figures["seller_account"]
    assert (seller.target, seller.target_set_at, seller.gap) == (40.0, "86", 2)
    assert (seller.forecast, seller.forecast_on) == ("on_track", date(2025, 12, 27))
    province = place_report(field["province"], 2025, today=AS_OF).place
    assert province.figures["trained_digital"].forecast == "not_this_year"  # 47 more at 2 per 90 days


def test_registered_households_when_no_baseline_and_inherited_targets(field):
    report = place_report(field["commune2"], 2025, today=AS_OF)
    tap_son = report.place
    assert (tap_son.denominator, tap_son.denominator_source) == (1, "registered")
    assert tap_son.figures["trained_digital"].forecast == "reached"
    assert tap_son.figures["trained_digital"].target_set_at == "86"
    seller = tap_son.figures["seller_account"]
    assert (seller.value, seller.gap, seller.forecast) == (0, 1, "not_this_year")
    assert tap_son.figures["trained_packaging"].target is None


def test_commune_splits_into_hamlets_and_households_without_one(field):
    report = place_report(field["commune"], 2025, today=AS_OF)
    rows = {row.code: row for row in report.children}
    hamlet = rows["29461-001"]
    assert (hamlet.registered, hamlet.denominator_source) == (3, "registered")
    assert hamlet.figures["trained_digital"].target_set_at == "29461"
    assert hamlet.figures["trained_digital"].forecast == "reached"
    assert rows[""].registered == 1  # h3 has no hamlet


def test_province_lists_communes_furthest_behind_first(field):
    report = place_report(field["province"], 2025, today=AS_OF)
    assert report.place.registered == 5 and report.place.denominator == 100
    # Tập Sơn: digital skills reached (capped at 1), seller accounts 0 of 40 % → 0.5;
    # Trà Cú: 20 % of 30 % and 20 % of 40 % → (0.667 + 0.5) / 2 = 0.583.
    assert [row.code for row in report.children] == ["29494", "29461"]


def test_commune_progress_is_json_ready(field):
    rows = commune_progress(["29494", "29461", "31321"], 2025, today=AS_OF)
    assert [row["code"] for row in rows] == ["29461", "29494", "31321"]
    tra_cu = rows[0]
    digital = next(i for i in tra_cu["indicators"] if i["indicator"] == "trained_digital")
    assert digital["forecast_on"] == "2025-09-28" and digital["value"] == 2
    assert rows[2]["registered"] == 1 and rows[2]["denominator_source"] == "registered"


def test_monthly_trend_counts_households_by_month_end(field):
    months = monthly_trend(field["commune"], 2025, today=AS_OF)
    assert [end for end, _ in months][-1] == AS_OF and len(months) == 6
    assert [values["trained_digital"] for _, values in months] == [0, 1, 1, 1, 2, 2]
    assert [values["seller_account"] for _, values in months] == [0, 0, 1, 2, 2, 2]
