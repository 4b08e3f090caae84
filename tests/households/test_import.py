"""Importing household lists: mapping, dry run with reasons and duplicates, idempotent import, progress."""

import io
import re

import sqlalchemy as sa
from openpyxl import Workbook

from server.auth.models import User
from server.extensions import db
from server.households import import_jobs
from server.households.models import Consent, Household
from server.mutations.models import Mutation
from server.places.models import Place
from tests import factories as f

CSV = """Họ tên chủ hộ;Số điện thoại;Xã;Ấp;Điện thoại thông minh
Thạch Sa Rinh;0912 345 678;Xã Trà Cú;Phum Sóc Chuối;có
;0900000001;Xã Trà Cú;;
Kim Sà Phol;12345;Trà Cú;;không
Lâm Văn Bảy;0933333333;Xã Không Có;;
Sơn Thị Mến;0944444444;29461;Ấp Lạ;
Thạch Sa Rinh;+84 912 345 678;Xã Trà Cú;;
Trần Văn Cũ;0955555555;Xã Trà Cú;;có
Nguyễn Thị Trùng;;Xã Trà Cú;Phum Sóc Chuối;
Danh Thị Mới;;Xã Tập Sơn;Ấp Ba Cụm;?
"""


def _start(client):
    tree = f.small_tree()
    f.login(client, f.user("supervisor", [tree["province"]]))
    f.household(tree["commune"], head_name="Trần Văn Cũ Đã Có", phone="0955555555")
    f.household(tree["commune"], tree["hamlet"], head_name="Nguyễn Thị Trùng")
    return tree


def _upload(client, data: bytes, name: str) -> str:
    assert client.get("/records/import").status_code == 200
    response = client.post(
        "/records/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[1]


def _check(client, token, **extra):
    page = client.get(f"/records/import/{token}?lang=en").get_data(as_text=True)
    form = {}
    for field, options in re.findall(r'<select id="map_(\w+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="(\d+)" selected', options)
        form[f"map_{field}"] = chosen.group(1) if chosen else ""
    return client.post(f"/records/import/{token}?lang=en", data={**form, **extra})


def _run(client, token, **extra):
    form = {
        "map_head_name": "0",
        "map_phone": "1",
        "map_commune": "2",
        "map_hamlet": "3",
        "map_smartphone": "4",
        "consent_confirmed": "1",
        **extra,
    }
    return _start_run(client, token, form)


def _start_run(client, token, form):
    """Open the mapping page, post its "Import now" form, wait for the run; returns the run's status."""
    assert client.get(f"/records/import/{token}").status_code == 200
    response = client.post(f"/records/import/{token}/run", data=form)
    assert response.status_code == 302
    import_jobs.wait(token)
    return client.get(f"/records/import/{token}/status.json").get_json()


def _live(commune=None):
    query = sa.select(Household).where(Household.deleted_at.is_(None))
    return db.session.scalars(query.where(Household.commune_code == commune) if commune else query).all()


def test_dry_run_reports_every_bad_row_and_likely_duplicate(client, ctx):
    _start(client)
    token = _upload(client, CSV.encode("utf-8-sig"), "danh-sach.csv")
    html = _check(client, token).get_data(as_text=True)
    bad = re.search(r'<table class="rows-bad">(.*?)</table>', html, re.S).group(1)
    assert "<td>3</td><td>—</td><td>The name of the head of household is missing." in bad
    assert "<td>4</td><td>Kim Sà Phol</td><td>The phone number should have 10 digits" in bad
    assert "<td>5</td><td>Lâm Văn Bảy</td><td>Unknown commune, or not one of yours." in bad
    assert "<td>6</td><td>Sơn Thị Mến</td><td>Unknown hamlet in this commune." in bad
    duplicates = re.search(r'<table class="rows-dup">(.*?)</table>', html, re.S).group(1)
    assert "<td>7</td><td>Thạch Sa Rinh</td><td>row 2 of this file" in duplicates  # same phone, +84 form
    assert "<td>8</td><td>Trần Văn Cũ</td><td>Trần Văn Cũ Đã Có" in duplicates  # same phone as a household
    assert "<td>9</td><td>Nguyễn Thị Trùng</td><td>Nguyễn Thị Trùng" in duplicates  # same name in the hamlet
    assert "<strong>2</strong> new households ready to add" in html
    assert len(_live()) == 2  # a dry run adds nothing


def test_import_adds_good_rows_once_and_logs_them(client, ctx):
    tree = _start(client)
    user_id = db.session.scalar(sa.select(User.id).where(User.role == "supervisor"))
    token = _upload(client, CSV.encode("utf-8"), "danh-sach.csv")
    status = _run(client, token)
    assert status == {"state": "done", "done": 2, "total": 2, "added": 2}
    added = {h.head_name: h for h in _live() if h.head_name in ("Thạch Sa Rinh", "Danh Thị Mới")}
    assert added["Thạch Sa Rinh"].phone == "0912345678" and added["Thạch Sa Rinh"].hamlet_code == tree["hamlet"].code
    assert added["Thạch Sa Rinh"].smartphone == "yes" and added["Danh Thị Mới"].commune_code == "29494"
    assert "thach sa rinh" in added["Thạch Sa Rinh"].search_text
    logs = db.session.scalars(sa.select(Mutation).where(Mutation.device_id == "import")).all()
    assert sorted(log.entity for log in logs) == ["consent", "consent", "household", "household"]
    assert {(log.op, log.result, log.user_id) for log in logs} == {("upsert", "applied", user_id)}
    # Each household's consent to the programme, confirmed by the supervisor, is recorded in their name.
    for household in added.values():
        [consent] = db.session.scalars(sa.select(Consent).where(Consent.household_id == household.id)).all()
        assert (consent.purpose, consent.given, consent.recorded_by_id) == ("programme", True, user_id)
        assert consent.recorded_at is not None
    again = _upload(client, CSV.encode("utf-8"), "danh-sach-lan-2.csv")
    assert _run(client, again)["added"] == 0
    assert len(_live()) == 4
    html = _check(client, again).get_data(as_text=True)
    assert "<strong>3</strong> already imported" in html  # rows 2 and 10, and row 7 (the same as row 2)
    assert "<strong>0</strong> new households ready to add" in html


def test_import_can_add_duplicates_and_new_hamlets_when_asked(client, ctx):
    _start(client)
    token = _upload(client, CSV.encode("utf-8"), "danh-sach.csv")
    status = _run(client, token, include_duplicates="1", create_hamlets="1")
    # 2 new, 2 likely duplicates of existing households, Sơn Thị Mến in the new hamlet Ấp Lạ; row 7 is
    # the same household as row 2 (same commune, name and phone), so it is never added twice.
    assert status["added"] == 5
    hamlet = db.session.scalar(sa.select(Place).where(Place.name == "Ấp Lạ"))
    assert hamlet is not None and hamlet.parent_code == "29461"


def test_xlsx_import_with_a_default_commune(client, ctx):
    _start(client)
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Phone", "Hamlet"])
    sheet.append(["Thạch Thị Bông", 912000111, "Phum Sóc Chuối"])  # a number, leading zero lost
    sheet.append(["Kim Văn Sóc", None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    token = _upload(client, buffer.getvalue(), "list.xlsx")
    html = _check(client, token, default_commune="29494").get_data(as_text=True)
    assert "Unknown hamlet in this commune." in html  # Phum Sóc Chuối is in Trà Cú, not Tập Sơn
    _check(client, token, default_commune="29461")
    form = {"map_head_name": "0", "map_phone": "1", "map_hamlet": "2", "default_commune": "29461"}
    assert _start_run(client, token, {**form, "consent_confirmed": "1"})["added"] == 2
    added = {h.head_name: h for h in _live("29461")}
    assert added["Thạch Thị Bông"].phone == "0912000111" and added["Kim Văn Sóc"].hamlet_code is None


def test_progress_page_and_status_belong_to_the_uploader(client, ctx):
    tree = _start(client)
    token = _upload(client, CSV.encode("utf-8"), "danh-sach.csv")
    page = client.get(f"/records/import/{token}/progress").get_data(as_text=True)
    assert "import-progress.js" in page and "<progress" in page
    other = f.user("supervisor", [tree["province"]])
    f.login(client, other)
    assert client.get(f"/records/import/{token}/status.json").status_code == 403
    assert client.get("/records/import/../../etc/status.json").status_code == 404


def test_import_needs_the_supervisor_to_confirm_the_households_consent(client, ctx):
    _start(client)
    token = _upload(client, CSV.encode("utf-8"), "danh-sach.csv")
    html = _check(client, token).get_data(as_text=True)
    checkbox = re.search(r'<input type="checkbox" id="consent_confirmed"[^>]*>', html).group(0)
    assert "required" in checkbox and "checked" not in checkbox  # the supervisor ticks it, never the page
    assert "agreed to take part in the programme" in html
    form = {"map_head_name": "0", "map_phone": "1", "map_commune": "2", "map_hamlet": "3"}
    response = client.post(f"/records/import/{token}/run?lang=en", data=form)
    assert response.status_code == 422
    assert "Nothing was imported: confirm that the households in this file agreed" in response.get_data(as_text=True)
    assert client.get(f"/records/import/{token}/status.json").get_json()["state"] == "waiting"
    assert len(_live()) == 2 and db.session.scalar(sa.select(sa.func.count()).select_from(Consent)) == 0
