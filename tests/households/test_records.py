"""Household and session records: search, correction logged like a phone's change, scope, exports."""

import csv
import io

import sqlalchemy as sa
from openpyxl import load_workbook

from server.extensions import db
from server.households.models import Household
from server.labels.content import address_content
from server.labels.layouts import LAYOUTS
from server.labels.plan import plan_label
from server.mutations.models import Mutation
from server.public.codes import household_code
from tests import factories as f


def _setup(client, role_places=None):
    tree = f.small_tree()
    user = f.user("supervisor", role_places or [tree["province"]])
    f.login(client, user)
    return tree, user


def test_search_ignores_diacritics_and_finds_phone(client, ctx):
    tree, _user = _setup(client)
    f.household(tree["commune"], tree["hamlet"], head_name="Thạch Thị Sa Rinh", phone="0912345678")
    f.household(tree["commune"], tree["hamlet"], head_name="Lâm Văn Bảy")
    html = client.get("/records/households?q=thach sa rinh").get_data(as_text=True)
    assert "Thạch Thị Sa Rinh" in html and "Lâm Văn Bảy" not in html
    assert "Thạch Thị Sa Rinh" in client.get("/records/households?q=0912345678").get_data(as_text=True)
    assert "Lâm Văn Bảy" in client.get("/records/households?q=LAM VAN").get_data(as_text=True)


def test_correction_is_logged_with_fresh_clocks_and_search_text(client, ctx):
    tree, user = _setup(client)
    household = f.household(tree["commune"], head_name="Thach Sa Rinh")
    household.field_clocks = {"head_name": "9999999999999-0003-phone1"}  # a phone clock from the future
    db.session.commit()
    form = {
        "head_name": "Thạch Sa Rinh",
        "phone": "091 234 5678",
        "hamlet_code": tree["hamlet"].code,
        "smartphone": "yes",
        "preferred_language": "km",
        "vnpost_code": "",
    }
    assert client.post(f"/records/households/{household.id}", data=form).status_code == 302
    db.session.expire_all()
    household = db.session.get(Household, household.id)
    assert (household.head_name, household.phone, household.smartphone) == ("Thạch Sa Rinh", "0912345678", "yes")
    assert household.smartphone_since is not None
    assert "phum soc chuoi" in household.search_text and "thach sa rinh" in household.search_text
    clocks = household.field_clocks
    assert clocks["head_name"] == "9999999999999-0004-web"  # later than every clock the record had
    assert clocks["phone"] == clocks["head_name"]
    log = db.session.scalars(sa.select(Mutation).where(Mutation.record_id == household.id)).one()
    assert (log.device_id, log.op, log.result, log.user_id, log.entity) == (
        "web",
        "upsert",
        "applied",
        user.id,
        "household",
    )
    assert (
        log.fields["phone"] == "0912345678" and "preferred_language" in log.fields and "vnpost_code" not in log.fields
    )
    page = client.get(f"/records/households/{household.id}?lang=en").get_data(as_text=True)
    assert "Change history" in page and "0912345678" in page and "web page" in page


def test_correction_refuses_a_bad_phone_and_changes_nothing(client, ctx):
    tree, _user = _setup(client)
    household = f.household(tree["commune"], head_name="Kim Sà Phol")
    form = {"head_name": "Kim Sà Phol", "phone": "12345", "smartphone": "no", "preferred_language": "vi"}
    response = client.post(f"/records/households/{household.id}?lang=en", data=form)
    assert response.status_code == 200 and "10 digits" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mutation)) == 0


def test_session_correction_is_logged(client, ctx):
    tree, _user = _setup(client)
    member = f.household(tree["commune"])
    training = f.training(tree["commune"], attendees=[member])
    form = {"held_on": "2026-03-04", "title": "Bán hàng trên Postmart", "topics": ["selling_online", "digital_skills"]}
    assert client.post(f"/records/sessions/{training.id}", data=form).status_code == 302
    log = db.session.scalars(sa.select(Mutation).where(Mutation.record_id == training.id)).one()
    assert log.entity == "training_session" and log.fields["topics"] == ["digital_skills", "selling_online"]
    html = client.get("/records/sessions").get_data(as_text=True)
    assert "Bán hàng trên Postmart" in html


def test_supervisor_of_can_tho_cannot_see_vinh_long_households(client, ctx):
    tree = f.small_tree()
    f.login(client, f.user("supervisor", [tree["other_province"]]))
    vinh_long = f.household(tree["commune"], head_name="Người Vĩnh Long")
    f.household(tree["other_commune"], head_name="Người Cần Thơ")
    html = client.get("/records/households").get_data(as_text=True)
    assert "Người Cần Thơ" in html and "Người Vĩnh Long" not in html
    assert client.get(f"/records/households/{vinh_long.id}").status_code == 403
    form = {"head_name": "X", "smartphone": "no", "preferred_language": "vi"}
    assert client.post(f"/records/households/{vinh_long.id}", data=form).status_code == 403
    assert client.get("/records/households?place=86").status_code == 403
    assert "Người Vĩnh Long" not in client.get("/records/households.csv").data.decode("utf-8-sig")
    session = f.training(tree["commune"], attendees=[vinh_long])
    assert client.get(f"/records/sessions/{session.id}").status_code == 403


def test_household_exports_show_the_phone_only_with_consent(client, ctx):
    tree, _user = _setup(client)
    agreed = f.household(tree["commune"], tree["hamlet"], head_name="Sơn Thị Mến", phone="0911111111")
    f.consent(agreed, "contact")
    f.seller_account(agreed, "voso")
    f.household(tree["commune"], head_name="Trần Văn Kín", phone="0922222222")
    raw = client.get("/records/households.csv?lang=en").data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = {r[0]: r for r in csv.reader(io.StringIO(raw.decode("utf-8-sig")))}
    assert rows["Sơn Thị Mến"][3] == "0911111111" and rows["Sơn Thị Mến"][6] == "Voso (Vỏ Sò)"
    assert rows["Trần Văn Kín"][3] == ""
    sheet = load_workbook(io.BytesIO(client.get("/records/households.xlsx?lang=en").data)).active
    values = {r[0]: r for r in sheet.iter_rows(values_only=True)}
    assert values["Sơn Thị Mến"][1] == "Phum Sóc Chuối" and values["Trần Văn Kín"][3] is None
    assert "0922222222" not in client.get("/records/households").get_data(as_text=True)


def test_exports_defuse_spreadsheet_formulas(client, ctx):
    tree, _user = _setup(client)
    f.household(tree["commune"], head_name='=HYPERLINK("http://x")')
    text = client.get("/records/households.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    sheet = load_workbook(io.BytesIO(client.get("/records/households.xlsx").data)).active
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_household_list_pages_through_results(client, ctx):
    tree, _user = _setup(client)
    for number in range(55):
        f.household(tree["commune"], head_name=f"Hộ {number:02d}")
    first = client.get("/records/households").get_data(as_text=True)
    second = client.get("/records/households?page=2").get_data(as_text=True)
    assert first.count("/records/households/") == 50 and second.count("/records/households/") == 5
    assert "Hộ 00" in first and "Hộ 54" in second and "Hộ 54" not in first


def test_household_page_shows_the_code_printed_on_its_address_label(client, ctx):
    tree, _user = _setup(client)
    home = f.household(tree["commune"], tree["hamlet"], head_name="Kim Sóc Pha")
    other = f.household(tree["commune"], tree["hamlet"], head_name="Kim Sóc Lin")
    with client.application.test_request_context():
        printed = [line.text for line in plan_label(address_content(home, "vi"), LAYOUTS["thermal-50x30"]).lines]
    code = household_code(home.id)
    assert any(code in text for text in printed)
    page = client.get(f"/records/households/{home.id}?lang=en").get_data(as_text=True)
    assert f'data-testid="household-code">{code}<' in page
    assert household_code(other.id) not in page
