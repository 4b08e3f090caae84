"""The dashboard, its JSON twin, the targets form and the exports, as a supervisor sees them."""

import csv
import io

import pytest
from flask_babel import refresh
from openpyxl import load_workbook

from server.extensions import db
from server.reports.models import Baseline, Target
from tests import factories as f


def _supervisor(client, *places):
    user = f.user("supervisor", list(places))
    f.login(client, user)
    return user


def test_province_dashboard_shows_communes_bars_trend_and_follow_ups(client, field):
    _supervisor(client, field["province"])
    response = client.get("/dashboard?place=86&year=2025")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Xã Trà Cú" in html and "Xã Tập Sơn" in html
    assert html.index("Xã Tập Sơn") < html.index('place=29461&amp;year=2025">Xã Trà Cú')  # furthest behind first
    assert 'class="bar-fill"' in html and "<polyline" in html
    assert "Kim Thị Sà Phol" in html  # trained, no seller account; also no smartphone
    assert " style=" not in html  # the CSP forbids style attributes


def test_dashboard_labels_registered_households_as_the_denominator(client, field):
    _supervisor(client, field["province"])
    html = client.get("/dashboard?place=29494&year=2025&lang=en").get_data(as_text=True)
    assert "Registered households (no baseline entered)" in html
    html = client.get("/dashboard?place=29461&year=2025&lang=en").get_data(as_text=True)
    assert "Official farm households (baseline)" in html


@pytest.mark.parametrize(
    ("lang", "denominator", "share"),
    [("vi", "1.350", "0,2%"), ("km", "1,350", "0.2%"), ("en", "1,350", "0.2%")],
)
def test_dashboard_writes_counts_and_rounded_shares_in_the_language(client, field, lang, denominator, share):
    # 3 of 1,350 farm households trained in digital skills: 0.222…%, shown to one decimal.
    db.session.query(Baseline).filter_by(place_code="86", year=2025).one().farm_households = 1350
    db.session.commit()
    _supervisor(client, field["province"])
    refresh()  # the test's app context would keep the language of the sign-in's requests
    html = client.get(f"/dashboard?place=86&year=2025&lang={lang}").get_data(as_text=True)
    assert f"<strong>{denominator}</strong>" in html
    first_row = html[html.index('class="indicators"') :].split('<span class="pct">', 1)[1]  # trained in digital skills
    assert first_row.startswith(f"{share}</span>")


def test_api_returns_the_dashboard_figures(client, field):
    _supervisor(client, field["province"])
    body = client.get("/api/v1/reports/indicators?place=86&year=2025").get_json()
    figures = {i["indicator"]: i for i in body["place"]["indicators"]}
    # As of 31 December 2025: h1, h2, h7 trained in digital skills; h1 (5 July) and h7 in packaging.
    assert figures["trained_digital"]["value"] == 3 and figures["trained_packaging"]["value"] == 2
    assert figures["trained_digital"]["target"] == 50.0 and figures["trained_digital"]["gap"] == 47
    assert body["place"]["denominator_source"] == "baseline" and body["place"]["orders_reported"] == 5
    assert [child["code"] for child in body["children"]] == ["29494", "29461"]
    assert len(body["trend"]) == 12 and body["trend"][-1]["values"]["trained_digital"] == 3


def test_api_requires_a_place(client, field):
    _supervisor(client, field["province"])
    response = client.get("/api/v1/reports/indicators?year=2025")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "bad_parameter" and list(response.get_json()["errors"]) == ["place"]


@pytest.mark.parametrize("year", ["twenty", "1999", "2101", "-2025"])
def test_api_names_a_bad_year(client, field, year):
    _supervisor(client, field["province"])
    response = client.get("/api/v1/reports/indicators", query_string={"place": "86", "year": year})
    assert response.status_code == 422
    assert response.get_json()["code"] == "bad_parameter" and list(response.get_json()["errors"]) == ["year"]


def test_supervisor_of_can_tho_cannot_see_vinh_long(client, field):
    _supervisor(client, field["other_province"])
    assert client.get("/dashboard?place=86&year=2025").status_code == 403
    assert client.get("/dashboard?place=29461-001").status_code == 403
    assert client.get("/api/v1/reports/indicators?place=29461&year=2025").status_code == 403
    assert client.get("/dashboard/table.csv?place=86").status_code == 403
    own = client.get("/dashboard?place=92&year=2025").get_data(as_text=True)
    assert "Phường Vị Thanh" in own and "Trà Cú" not in own


def test_targets_form_sets_baseline_and_own_targets(client, field):
    _supervisor(client, field["province"])
    form = {"farm_households": "4", "target_trained_digital": "75", "target_seller_account": ""}
    response = client.post("/dashboard/targets?place=29494&year=2025", data=form)
    assert response.status_code == 302
    body = client.get("/api/v1/reports/indicators?place=29494&year=2025").get_json()["place"]
    figures = {i["indicator"]: i for i in body["indicators"]}
    assert (body["denominator"], body["denominator_source"]) == (4, "baseline")
    assert (figures["trained_digital"]["target"], figures["trained_digital"]["target_set_at"]) == (75.0, "29494")
    assert figures["seller_account"]["target_set_at"] == "86"  # blank: the province's target applies
    client.post("/dashboard/targets?place=29494&year=2025", data={"farm_households": "", "target_trained_digital": ""})
    assert db.session.query(Baseline).filter_by(place_code="29494", deleted_at=None).count() == 0
    assert db.session.query(Target).filter_by(place_code="29494", deleted_at=None).count() == 0


def test_targets_form_refuses_a_percentage_over_100(client, field):
    _supervisor(client, field["province"])
    response = client.post("/dashboard/targets?place=29494&year=2025", data={"target_smartphone": "120"})
    assert response.status_code == 200 and "between 0 and 100" in response.get_data(as_text=True)


def test_targets_form_needs_the_csrf_token(app, client, field):
    _supervisor(client, field["province"])
    client.get("/dashboard/targets?place=29494&year=2025")
    with client.cross_site():
        response = client.post("/dashboard/targets?place=29494&year=2025", data={"farm_households": "4"})
    assert response.status_code == 400


def test_indicator_table_exports_read_back(client, field):
    _supervisor(client, field["province"])
    xlsx = client.get("/dashboard/table.xlsx?place=86&year=2025&lang=en")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    digital = next(r for r in rows if r[1] == "86" and r[6] == "Trained in digital skills")
    assert digital[4:6] == (100, "Official farm households (baseline)")
    assert digital[7:11] == (3, 3.0, 50.0, 47)
    raw = client.get("/dashboard/table.csv?place=86&year=2025&lang=en").data
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(table) == len(rows)
    tap_son = next(r for r in table if r[1] == "29494" and r[6] == "Trained in digital skills")
    assert tap_son[0] == "Xã Tập Sơn" and tap_son[5] == "Registered households (no baseline entered)"
    assert tap_son[7:9] == ["1", "100.0"]


def test_print_page_has_the_table(client, field):
    _supervisor(client, field["province"])
    html = client.get("/dashboard/print?place=29461&year=2025&lang=en").get_data(as_text=True)
    assert "Progress report: Xã Trà Cú, 2025" in html and "Trained in digital skills" in html


def test_follow_up_lists_show_ten_and_link_to_the_rest(client, field):
    _supervisor(client, field["province"])
    for number in range(12):
        f.household(field["commune"], head_name=f"Không Điện Thoại {number:02d}", smartphone="no")
    html = client.get("/dashboard?place=29461&year=2025").get_data(as_text=True)
    assert html.count("Không Điện Thoại") == 10
    assert "follow_up=no_smartphone" in html
    full = client.get("/records/households?place=29461&follow_up=no_smartphone").get_data(as_text=True)
    assert full.count("Không Điện Thoại") == 12 and "Kim Thị Sà Phol" in full and "Thạch Sa Rinh" not in full
