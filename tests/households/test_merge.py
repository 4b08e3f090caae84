"""Likely duplicates and merging: attendance and accounts move, natural keys stay unique, history kept."""

from datetime import date

import sqlalchemy as sa

from server.extensions import db
from server.households.models import Consent, Household, MarketplaceAccount, PaymentAccount
from server.mutations.models import Mutation
from server.reports.indicators import place_report
from server.training.models import Attendance
from tests import factories as f


def _live(model, household):
    return db.session.scalars(
        sa.select(model).where(model.household_id == household.id, model.deleted_at.is_(None))
    ).all()


def _pair(client):
    tree = f.small_tree()
    f.login(client, f.user("supervisor", [tree["province"]]))
    keep = f.household(tree["commune"], tree["hamlet"], head_name="Thạch Sa Rinh", phone="0912345678")
    other = f.household(
        tree["commune"],
        tree["hamlet"],
        head_name="Thach Sa  Rinh",
        phone="+84 912 345 678",
        smartphone="yes",
        vnpost_code="8600012345",
    )
    return tree, keep, other


def test_duplicates_page_lists_same_phone_and_same_folded_name(client, ctx):
    tree, _keep, _other = _pair(client)
    f.household(tree["commune"], tree["hamlet"], head_name="Kim Thị Sà Phol")
    f.household(tree["commune"], tree["hamlet"], head_name="KIM THI SA PHOL")
    f.household(tree["commune"], None, head_name="Kim Thị Sà Phol")  # no hamlet: not compared
    html = client.get("/records/duplicates?place=29461&lang=en").get_data(as_text=True)
    assert html.count('class="card duplicate"') == 2
    assert "Same phone number" in html and "Same name in the same hamlet" in html
    assert "KIM THI SA PHOL" in html
    province = client.get("/records/duplicates?place=86&lang=en").get_data(as_text=True)
    assert province.count('class="card duplicate"') == 1  # names are compared within a commune page


def test_merge_moves_attendance_and_accounts_and_is_logged(client, ctx):
    tree, keep, other = _pair(client)
    both = f.training(tree["commune"], date.today(), attendees=[keep, other])
    only_other = f.training(tree["commune"], date.today(), ["livestream"], attendees=[other])
    f.seller_account(keep, "postmart", products_listed=1, orders_reported=2)
    f.seller_account(other, "postmart", products_listed=5, orders_reported=1)
    f.seller_account(other, "voso")
    f.payment_account(other, "momo")
    f.consent(other, "contact")
    response = client.post("/records/duplicates/merge", data={"keep": str(keep.id), "merge": [str(other.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    other = db.session.get(Household, other.id)
    keep = db.session.get(Household, keep.id)
    assert other.deleted_at is not None and other.merged_into_id == keep.id
    assert {a.session_id for a in _live(Attendance, keep)} == {both.id, only_other.id}
    assert _live(Attendance, other) == []
    accounts = {a.platform: a for a in _live(MarketplaceAccount, keep)}
    assert set(accounts) == {"postmart", "voso"}
    assert (accounts["postmart"].products_listed, accounts["postmart"].orders_reported) == (5, 2)
    assert [p.provider for p in _live(PaymentAccount, keep)] == ["momo"]
    assert [c.purpose for c in _live(Consent, keep)] == ["contact"]
    assert (keep.smartphone, keep.vnpost_code, keep.phone) == ("yes", "8600012345", "0912345678")
    log = db.session.scalars(sa.select(Mutation).where(Mutation.record_id == other.id)).one()
    assert (log.op, log.fields, log.device_id) == ("delete", {"merged_into_id": str(keep.id)}, "web")
    assert "deleted" in other.field_clocks
    report = place_report(tree["commune"], date.today().year).place
    assert report.registered == 1 and report.figures["trained_digital"].value == 1
    assert report.figures["trained_livestream"].value == 1 and report.orders == 2
    history = client.get(f"/records/households/{keep.id}?lang=en").get_data(as_text=True)
    assert "merged_into_id" in history and "Seller account" in history


def test_merge_revives_a_removed_row_instead_of_breaking_the_natural_key(client, ctx):
    tree, keep, other = _pair(client)
    session = f.training(tree["commune"], attendees=[keep, other])
    kept_row = _live(Attendance, keep)[0]
    kept_row.deleted_at = kept_row.created_at
    db.session.commit()
    client.post("/records/duplicates/merge", data={"keep": str(keep.id), "merge": [str(other.id)]})
    rows = db.session.scalars(sa.select(Attendance).where(Attendance.session_id == session.id)).all()
    assert len(rows) == 2 and [r.household_id for r in rows if r.deleted_at is None] == [keep.id]


def test_merge_outside_scope_is_refused(client, ctx):
    tree = f.small_tree()
    keep = f.household(tree["commune"], head_name="A")
    other = f.household(tree["commune"], head_name="A")
    f.login(client, f.user("supervisor", [tree["other_province"]]))
    response = client.post("/records/duplicates/merge", data={"keep": str(keep.id), "merge": [str(other.id)]})
    assert response.status_code == 403
    assert db.session.get(Household, other.id).merged_into_id is None
