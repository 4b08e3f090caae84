"""The demo supervisor imports a commune office's list through the pages, then merges two duplicates and undoes it."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.extensions import db
from server.households.models import Household
from server.places.models import Place
from tests import factories
from tests.e2e.test_supervisor_corrections import SUPERVISOR, laptop, sign_in  # noqa: F401 - the fixture

pytestmark = pytest.mark.e2e


def test_supervisor_imports_a_list_with_old_commune_names(laptop, demo_site):  # noqa: F811
    page = laptop
    sign_in(page, *SUPERVISOR)
    rows = [
        ("1", "Thạch Thị Nhập Sa", "0912 700 001", "Xã Ngãi Xuyên", "Ấp Sóc Chuối", "Có"),
        ("2", "Kim Văn Nhập Hên", 912700002, "Thị trấn Trà Cú, Huyện Trà Cú", "Sóc Chuối", "không"),
        None,
        ("3", "Sơn Thị Nhập Phal", "0912700003", "Xã Tân Sơn", "ភូមិត្រពាំង", ""),
        ("4", "Danh Văn Nhập Mới", "0912700004", "Xã Tân Sơn", "Ấp Nhập Mới", ""),
        ("5", "Lâm Thị Nhập Mới", "0912700005", "Tân Sơn", "ấp nhập mới (ភូមិថ្មី)", ""),
    ]
    page.goto("/records/import")
    page.get_by_label("XLSX or CSV file").set_input_files(
        {
            "name": "Danh sách hộ xã.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": factories.commune_office_xlsx(rows),
        }
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("5 rows below the column titles.")).to_be_visible()
    expect(page.get_by_label("Commune", exact=True)).to_have_value("3")
    expect(page.get_by_label("Hamlet", exact=True)).to_have_value("4")
    page.get_by_label("Add hamlets that do not exist yet").check()
    page.get_by_role("button", name="Check every row").click()
    expect(page.locator(".summary li").first).to_have_text("5 new households ready to add")
    expect(page.locator("table.new-hamlets tbody tr")).to_have_count(1)
    expect(page.locator("table.new-hamlets tbody")).to_contain_text("Ấp Nhập Mới")
    page.get_by_label("The households in this file agreed to take part").check()
    page.get_by_role("button", name="Import now").click()
    expect(page.locator("#import-state")).to_have_text("Finished: 5 households added.", timeout=20000)

    def stored():
        households = db.session.scalars(sa.select(Household).where(Household.head_name.contains("Nhập"))).all()
        hamlets = db.session.scalars(sa.select(Place).where(Place.name.ilike("%nhập mới%"))).all()
        return {h.head_name: (h.commune_code, h.hamlet_code) for h in households}, [
            (p.parent_code, p.name) for p in hamlets
        ]

    households, hamlets = demo_site.query(stored)
    assert hamlets == [("29467", "Ấp Nhập Mới")]
    assert households["Thạch Thị Nhập Sa"][0] == households["Kim Văn Nhập Hên"][0] == "29461"
    assert households["Sơn Thị Nhập Phal"][0] == "29467" and households["Sơn Thị Nhập Phal"][1] is not None
    assert households["Danh Văn Nhập Mới"][1] == households["Lâm Thị Nhập Mới"][1] is not None


def test_supervisor_merges_after_confirming_then_undoes_it(laptop, demo_site):  # noqa: F811
    def pair():
        commune = db.session.get(Place, "29476")
        hamlet = db.session.scalar(sa.select(Place).where(Place.parent_code == "29476").order_by(Place.code))
        keep = factories.household(commune, hamlet, head_name="Trần Văn Gộp Thử", phone="0912800001")
        other = factories.household(
            commune, hamlet, head_name="Tran Van Gop Thu", phone="0912 800 001", smartphone="yes"
        )
        factories.seller_account(other, "voso")
        return keep.id, other.id

    keep_id, other_id = demo_site.query(pair)
    page = laptop
    sign_in(page, *SUPERVISOR)
    page.goto("/records/duplicates?place=29476")
    card = page.locator("form.duplicate", has_text="Tran Van Gop Thu")
    expect(card.locator("td.accounts")).to_have_text(["0", "1"])
    card.get_by_role("button", name="Merge into the one kept").click()
    expect(page.locator("h1")).to_have_text("Merge into Trần Văn Gộp Thử?")
    expect(page.locator("ul.moving")).to_contain_text("Seller accounts: 1")
    assert demo_site.query(lambda: db.session.get(Household, other_id).merged_into_id) is None
    page.get_by_role("button", name="Yes, merge").click()
    expect(page.locator(".flash-success")).to_have_text("1 household merged into Trần Văn Gộp Thử.")
    assert demo_site.query(lambda: db.session.get(Household, other_id).merged_into_id) == keep_id

    page.get_by_role("button", name="Undo this merge").click()
    expect(page.locator(".flash-success")).to_have_text(
        "The merge was undone: Tran Van Gop Thu is a household of its own again."
    )
    expect(page.locator("ul.merges")).to_contain_text("Undone on")
    other = demo_site.query(lambda: db.session.get(Household, other_id))
    assert other.merged_into_id is None and other.deleted_at is None
