"""A place without an official total of its own is measured against its children's (worked out by hand)."""

import sqlalchemy as sa

from server.extensions import db
from server.reports.indicators import place_report
from server.reports.models import Baseline
from tests import factories as f
from tests.reports.conftest import AS_OF


def _without_province_baseline(field):
    db.session.execute(sa.delete(Baseline).where(Baseline.place_code == field["province"].code))
    db.session.commit()


def test_province_sums_its_communes_baselines_and_registered_households_where_none(field):
    _without_province_baseline(field)
    province = place_report(field["province"], 2025, today=AS_OF).place
    # Trà Cú's baseline 10, plus Tập Sơn's one registered household (it has no baseline).
    assert (province.denominator, province.denominator_source) == (11, "children_and_registered")
    digital = province.figures["trained_digital"]  # h1, h2 in Trà Cú and h7 in Tập Sơn
    assert (digital.value, round(digital.percent, 4)) == (3, round(3 / 11, 4))
    assert (digital.target_households, digital.gap) == (6, 3)  # 50 % of 11, rounded up


def test_province_sums_its_communes_baselines_when_all_have_one(field):
    _without_province_baseline(field)
    db.session.add(Baseline(place_code=field["commune2"].code, year=2025, farm_households=20))
    db.session.commit()
    province = place_report(field["province"], 2025, today=AS_OF).place
    assert (province.denominator, province.denominator_source) == (30, "children")


def test_own_baseline_wins_and_no_child_baseline_means_registered_households(field):
    assert place_report(field["province"], 2025, today=AS_OF).place.denominator_source == "baseline"
    hamlet_level = place_report(field["commune2"], 2025, today=AS_OF).place  # its hamlet has no baseline
    assert (hamlet_level.denominator, hamlet_level.denominator_source) == (1, "registered")


def test_dashboard_and_export_say_which_denominator_is_used(client, field):
    _without_province_baseline(field)
    f.login(client, f.user("supervisor", [field["province"]]))
    html = client.get("/dashboard?place=86&year=2025&lang=en").get_data(as_text=True)
    label = "Communes&#39; official farm households, and registered households where no baseline is entered"
    assert label in html and "<strong>11</strong>" in html
    db.session.add(Baseline(place_code=field["commune2"].code, year=2025, farm_households=20))
    db.session.commit()
    body = client.get("/api/v1/reports/indicators?place=86&year=2025").get_json()
    assert (body["place"]["denominator"], body["place"]["denominator_source"]) == (30, "children")
    csv_text = client.get("/dashboard/table.csv?place=86&year=2025&lang=en").get_data(as_text=True)
    assert "Sum of the communes' official farm households (baselines)" in csv_text
