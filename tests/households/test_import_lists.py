"""Importing lists as commune offices write them, and uploads that must not be read at all."""

import io
import re
import uuid
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from server.extensions import db
from server.households import import_files, imports
from server.households.models import Household
from server.places.models import Place
from server.text import fold
from tests import factories as f
from tests.households.test_import import _check, _start_run, _upload


def _commune_office_tree():
    tree = f.small_tree()
    # Xã Hàm Giang of today took in the former communes Ngãi Xuyên and Tân Sơn.
    ham_giang = f.place(
        "29470",
        "Xã Hàm Giang",
        "commune",
        tree["province"],
        ("Xã Ngãi Xuyên, Huyện Trà Cú, Tỉnh Trà Vinh", "Xã Tân Sơn, Huyện Trà Cú, Tỉnh Trà Vinh"),
    )
    f.place("29470-001", "Ấp Sóc Chuối (ភូមិស្រុកចេក)", "hamlet", ham_giang)
    f.place("29470-002", "Ấp Chợ (ភូមិផ្សារ)", "hamlet", ham_giang)
    return tree


def _commune_office_list() -> bytes:
    return f.commune_office_xlsx(
        [
            ("1", "Thạch Thị Sa", "0912 000 001", "Xã Ngãi Xuyên", "Ấp Sóc Chuối", "Có"),
            ("2", "Kim Văn Hên", 912000002, "Ngãi Xuyên", "Sóc Chuối", "không"),
            None,
            ("3", "Sơn Thị Phal", "0912000003", "Xã Tân Sơn", "ភូមិស្រុកចេក", "có"),
            ("4", "Lâm Văn Út", "0912000004", "Thị trấn Trà Cú, Huyện Trà Cú", "Phum Sóc Chuối", ""),
            ("5", "Danh Văn Mới", "0912000005", "Xã Tân Sơn", "Ấp Mới", ""),
            ("6", "Danh Thị Mới", "0912000006", "Xã Ngãi Xuyên", "ấp mới (ភូមិថ្មី)", ""),
            ("7", "Thạch Văn Chợ", "0912000007", "Xã Ngãi Xuyên", "Chợ", "có"),
            ("8", "Nguyễn Văn Lạ", "0912000008", "Xã Không Có", "Ấp 1", ""),
        ]
    )


def _hamlets(commune: str) -> list[str]:
    return sorted(db.session.scalars(sa.select(Place.name).where(Place.parent_code == commune)))


def test_a_commune_office_list_with_old_names_and_khmer_hamlets_is_matched(client, ctx):
    tree = _commune_office_tree()
    f.login(client, f.user("supervisor", [tree["province"]]))
    token = _upload(client, _commune_office_list(), "Danh sách hộ.xlsx")
    page = client.get(f"/records/import/{token}?lang=en").get_data(as_text=True)
    assert "8 rows below the column titles." in page  # the title, the blank row and both title rows left out
    for field, column in (("head_name", 1), ("phone", 2), ("commune", 3), ("hamlet", 4), ("smartphone", 5)):
        assert re.search(rf'<select id="map_{field}".*?<option value="{column}" selected', page, re.S), field
    html = _check(client, token, create_hamlets="1").get_data(as_text=True)
    bad = re.search(r'<table class="rows-bad">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r"<tr><td>(\d+)</td>", bad) == ["13"]  # the row number Excel shows, counting the blank row
    assert "<strong>7</strong> new households ready to add" in html
    new = re.search(r'<table class="new-hamlets">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", new) == [("Xã Hàm Giang", "Ấp Mới")]

    form = {"map_head_name": "1", "map_phone": "2", "map_commune": "3", "map_hamlet": "4", "map_smartphone": "5"}
    status = _start_run(client, token, {**form, "create_hamlets": "1", "consent_confirmed": "1"})
    assert status["added"] == 7
    assert _hamlets("29470") == ["Ấp Chợ (ភូមិផ្សារ)", "Ấp Mới", "Ấp Sóc Chuối (ភូមិស្រុកចេក)"]
    where = {h.head_name: (h.commune_code, h.hamlet_code, h.phone) for h in db.session.scalars(sa.select(Household))}
    assert where["Thạch Thị Sa"] == ("29470", "29470-001", "0912000001")
    assert where["Kim Văn Hên"] == ("29470", "29470-001", "0912000002")  # a number: its leading zero put back
    assert where["Sơn Thị Phal"][1] == "29470-001"  # the Khmer name alone
    assert where["Lâm Văn Út"][:2] == ("29461", tree["hamlet"].code)  # the former township
    assert where["Danh Văn Mới"][1] == where["Danh Thị Mới"][1] != None  # noqa: E711 - one new hamlet for both
    assert where["Thạch Văn Chợ"][1] == "29470-002"

    again = _upload(client, _commune_office_list(), "Danh sách hộ (2).xlsx")
    html = _check(client, again, create_hamlets="1").get_data(as_text=True)
    assert "<strong>7</strong> already imported" in html and 'class="new-hamlets"' not in html
    assert _start_run(client, again, {**form, "create_hamlets": "1", "consent_confirmed": "1"})["added"] == 0
    assert len(_hamlets("29470")) == 3


def test_an_imported_household_id_cannot_be_computed_from_its_name_and_phone(client, ctx, app):
    tree = f.small_tree()
    f.login(client, f.user("supervisor", [tree["province"]]))
    token = _upload(client, "Họ tên;Số điện thoại;Xã\nThạch Sa Rinh;0912345678;Xã Trà Cú\n".encode(), "a.csv")
    assert (
        _start_run(
            client, token, {"map_head_name": "0", "map_phone": "1", "map_commune": "2", "consent_confirmed": "1"}
        )["added"]
        == 1
    )
    household = db.session.scalar(sa.select(Household))
    natural = f"29461|{fold('Thạch Sa Rinh')}|0912345678"
    for namespace in (uuid.UUID("6f1c8a52-3c1e-4f4e-9d7a-2a9f1b0e7c11"), uuid.NAMESPACE_URL, uuid.NAMESPACE_DNS):
        assert household.id != uuid.uuid5(namespace, natural)
    assert imports.household_id("29461", "Thạch Sa Rinh", "0912345678") == household.id
    app.config["SECRET_KEY"], kept = "another deployment", app.config["SECRET_KEY"]
    try:
        assert imports.household_id("29461", "Thạch Sa Rinh", "0912345678") != household.id
    finally:
        app.config["SECRET_KEY"] = kept


def _xlsx(fill) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    fill(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _far_column() -> bytes:
    book = Workbook()
    book.active["A1"] = "Họ tên"
    book.active["A2"] = "Thạch Sa Rinh"
    book.active["XFD2"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _too_many_rows() -> bytes:
    def fill(sheet):
        sheet.append(["Họ tên"])
        for number in range(import_files.MAX_ROWS + imports.HEADER_ROWS):
            sheet.append([f"Hộ {number}"])

    return _xlsx(fill)


def _zip_bomb() -> bytes:
    """A real workbook whose sheet carries megabytes of blanks that deflate to a few kilobytes."""
    return f.padded_sheet(_xlsx(lambda sheet: sheet.append(["Họ tên"])), 20 * 1024 * 1024)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (_far_column, "Row 2 has data beyond column 60. Delete the far columns."),
        (_too_many_rows, "This list has more than 10,000 rows. Split it into smaller files."),
        (_zip_bomb, "This file unpacks to far more data than a list of households holds. It was not read."),
    ],
    ids=["far-column", "too-many-rows", "zip-bomb"],
)
def test_crafted_spreadsheets_are_refused_with_a_reason(client, ctx, build, message, monkeypatch):
    tree = f.small_tree()
    f.login(client, f.user("supervisor", [tree["province"]]))
    data = build()
    if build is _zip_bomb:
        assert len(data) < 200 * 1024

        def inflated(*args, **kwargs):
            raise AssertionError("the archive was opened")

        monkeypatch.setattr(import_files, "load_workbook", inflated)
    client.get("/records/import")
    response = client.post(
        "/records/import?lang=en", data={"file": (io.BytesIO(data), "list.xlsx")}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_a_refusal_is_in_the_users_language(client, app):
    with app.app_context():  # only to build the data: each request then picks its own language
        supervisor = SimpleNamespace(username=f.user("supervisor", [f.small_tree()["province"]]).username)
    f.login(client, supervisor)
    client.get("/records/import?lang=km")
    data = {"file": (io.BytesIO(_far_column()), "list.xlsx")}
    response = client.post("/records/import?lang=km", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "ជួរទី 2 មានទិន្នន័យហួសជួរឈរទី 60។" in response.get_data(as_text=True)
    assert '<input id="file" name="file" type="file"' in response.get_data(as_text=True)  # choose another file


def test_the_upload_is_read_once_and_its_rows_kept_for_the_next_steps(client, ctx, monkeypatch):
    tree = f.small_tree()
    f.login(client, f.user("supervisor", [tree["province"]]))
    token = _upload(
        client, _xlsx(lambda s: (s.append(["Họ tên", "Xã"]), s.append(["Kim Sà Phol", "Xã Trà Cú"]))), "a.xlsx"
    )

    def read_again(*args, **kwargs):
        raise AssertionError("the upload was read again")

    monkeypatch.setattr(import_files, "load_workbook", read_again)
    for _ in range(3):
        assert "Kim Sà Phol" in client.get(f"/records/import/{token}").get_data(as_text=True)
    assert "<strong>1</strong> new households ready to add" in _check(client, token).get_data(as_text=True)
    assert _start_run(client, token, {"map_head_name": "0", "map_commune": "1", "consent_confirmed": "1"})["added"] == 1


def test_a_csv_with_a_cell_too_long_for_a_list_is_refused(client, ctx):
    tree = f.small_tree()
    f.login(client, f.user("supervisor", [tree["province"]]))
    client.get("/records/import")
    data = ("Họ tên\n" + '"' + "a" * 300_000 + '"\n').encode()
    response = client.post(
        "/records/import?lang=en", data={"file": (io.BytesIO(data), "list.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "This file could not be read as a CSV list." in response.get_data(as_text=True)


def test_a_former_name_two_communes_had_asks_for_the_district(client, ctx):
    tree = _commune_office_tree()
    f.place("29333", "Xã Long Hữu", "commune", tree["province"], ("Xã Tân Sơn, Huyện Duyên Hải, Tỉnh Trà Vinh",))
    f.login(client, f.user("supervisor", [tree["province"]]))
    rows = (
        "Họ tên;Xã/Phường\nThạch Sa Rinh;Xã Tân Sơn\nKim Sà Phol;Xã Tân Sơn, Huyện Trà Cú\n"
        "Lâm Văn Bảy;Tân Sơn, Duyên Hải\n"
    )
    token = _upload(client, rows.encode(), "a.csv")
    html = _check(client, token).get_data(as_text=True)
    bad = re.search(r'<table class="rows-bad">(.*?)</table>', html, re.S).group(1)
    assert "<td>2</td><td>Thạch Sa Rinh</td><td>Several communes have had this name: add the district" in bad
    assert "Kim Sà Phol" not in bad and "<strong>1</strong> new households ready to add" in html
