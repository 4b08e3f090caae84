"""Likely duplicates and merging: attendance and accounts move, natural keys stay unique, history kept."""

import re
from datetime import date

import sqlalchemy as sa

from server.extensions import db
from server.households.models import Consent, Household, HouseholdMerge, MarketplaceAccount, PaymentAccount
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
    response = client.post(
        "/records/duplicates/merge", data={"keep": str(keep.id), "merge": [str(other.id)], "confirmed": "1"}
    )
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
    client.post("/records/duplicates/merge", data={"keep": str(keep.id), "merge": [str(other.id)], "confirmed": "1"})
    rows = db.session.scalars(sa.select(Attendance).where(Attendance.session_id == session.id)).all()
    assert len(rows) == 2 and [r.household_id for r in rows if r.deleted_at is None] == [keep.id]


def test_merge_outside_scope_is_refused(client, ctx):
    tree = f.small_tree()
    keep = f.household(tree["commune"], head_name="A")
    other = f.household(tree["commune"], head_name="A")
    f.login(client, f.user("supervisor", [tree["other_province"]]))
    response = client.post(
        "/records/duplicates/merge", data={"keep": str(keep.id), "merge": [str(other.id)], "confirmed": "1"}
    )
    assert response.status_code == 403
    assert db.session.get(Household, other.id).merged_into_id is None


def _merge_form(keep, other, **extra):
    return {"keep": str(keep.id), "merge": [str(other.id)], "place": "29461", **extra}


def test_duplicates_page_shows_what_tells_households_apart(client, ctx):
    tree, keep, other = _pair(client)
    f.seller_account(other, "voso")
    f.payment_account(other, "momo")
    f.training(tree["commune"], attendees=[keep])
    same_name = f.household(tree["commune"], tree["hamlet"], head_name="Kim Thị Lành", phone="0900000001")
    f.household(tree["commune"], tree["hamlet"], head_name="Kim Thi Lanh", phone="0900000002")
    importer = f.user("supervisor", [tree["province"]])
    f.logged_change(same_name, "household", importer, "import")
    html = client.get("/records/duplicates?place=29461&lang=en").get_data(as_text=True)
    phone_group, name_group = html.split('class="card duplicate"')[1:]
    rows = re.findall(
        r'<td class="phone"[^>]*>(.*?)</td>.*?'
        r'<td class="accounts"[^>]*>(\d+)</td>\s*<td class="attendance"[^>]*>(\d+)</td>',
        phone_group,
        re.S,
    )
    assert rows == [("0912345678", "0", "1"), ("+84 912 345 678", "2", "0")]
    assert "Their phone numbers differ" not in phone_group
    assert "Their phone numbers differ: these may be two households with the same name." in name_group
    assert f"{importer.display_name} · import" in name_group


def test_merging_asks_first_and_says_what_will_move(client, ctx):
    tree, keep, other = _pair(client)
    f.training(tree["commune"], attendees=[other])
    f.seller_account(other, "voso")
    f.payment_account(other, "momo")
    page = client.post("/records/duplicates/merge?lang=en", data=_merge_form(keep, other))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Merge into Thạch Sa Rinh?" in html
    moving = re.findall(r"<li>(.*?): <strong>(\d+)</strong></li>", html)
    assert moving == [("Training attendance", "1"), ("Seller accounts", "1"), ("E-payment accounts", "1")]
    assert "takes from it what it lacks: Smartphone, VNPost address code" in html
    db.session.expire_all()
    assert db.session.get(Household, other.id).merged_into_id is None  # nothing merged yet
    assert _live(MarketplaceAccount, other) != []
    done = client.post("/records/duplicates/merge", data=_merge_form(keep, other, confirmed="1"))
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Household, other.id).merged_into_id == keep.id


def test_a_merge_is_undone_from_the_kept_households_history(client, ctx):
    tree, keep, other = _pair(client)
    session = f.training(tree["commune"], attendees=[other])
    f.seller_account(keep, "postmart", products_listed=1)
    f.seller_account(other, "postmart", products_listed=5, opened_on=date(2026, 3, 2))
    f.payment_account(other, "momo")
    client.post("/records/duplicates/merge", data=_merge_form(keep, other, confirmed="1"))
    page = client.get(f"/records/households/{keep.id}?lang=en").get_data(as_text=True)
    assert "Thach Sa  Rinh was merged into this household on" in page
    action = re.search(r'<form method="post" action="([^"]+/undo)"', page).group(1)
    response = client.post(action + "?lang=en")
    assert response.status_code == 302
    db.session.expire_all()
    other, keep = db.session.get(Household, other.id), db.session.get(Household, keep.id)
    assert other.deleted_at is None and other.merged_into_id is None
    assert (keep.smartphone, keep.vnpost_code) == ("unknown", None)  # the blanks it had taken are blank again
    assert [a.session_id for a in _live(Attendance, other)] == [session.id] and _live(Attendance, keep) == []
    assert [(a.platform, a.products_listed) for a in _live(MarketplaceAccount, keep)] == [("postmart", 1)]
    assert [(a.platform, a.products_listed, a.opened_on) for a in _live(MarketplaceAccount, other)] == [
        ("postmart", 5, date(2026, 3, 2))
    ]
    assert [p.provider for p in _live(PaymentAccount, other)] == ["momo"] and _live(PaymentAccount, keep) == []
    assert place_report(tree["commune"], date.today().year).place.registered == 2
    page = client.get(f"/records/households/{keep.id}?lang=en").get_data(as_text=True)
    assert "The merge was undone: Thach Sa  Rinh is a household of its own again." in page
    assert "Undone on" in page and "/undo" not in page
    assert client.post(action + "?lang=en").status_code == 302  # a second undo changes nothing
    assert "This merge was already undone." in client.get(f"/records/households/{keep.id}?lang=en").get_data(
        as_text=True
    )
    log = db.session.scalars(sa.select(Mutation).where(Mutation.record_id == other.id).order_by(Mutation.id)).all()
    assert [m.op for m in log] == ["delete", "upsert"] and log[1].fields == {"merged_into_id": None}


def test_a_merge_is_not_undone_over_later_changes(client, ctx):
    _tree, keep, other = _pair(client)
    client.post("/records/duplicates/merge", data=_merge_form(keep, other, confirmed="1"))
    page = client.get(f"/records/households/{keep.id}?lang=en").get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+/undo)"', page).group(1)
    client.post(f"/records/households/{keep.id}", data={"head_name": "Thạch Sa Rinh", "vnpost_code": "8600099999"})
    client.post(action)
    db.session.expire_all()
    assert db.session.get(Household, other.id).merged_into_id == keep.id
    html = client.get(f"/records/households/{keep.id}?lang=en").get_data(as_text=True)
    assert "This merge cannot be undone: some of its records were changed afterwards." in html


def test_undo_outside_scope_is_refused(client, ctx):
    tree, keep, other = _pair(client)
    client.post("/records/duplicates/merge", data=_merge_form(keep, other, confirmed="1"))
    page = client.get(f"/records/households/{keep.id}").get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+/undo)"', page).group(1)
    f.login(client, f.user("supervisor", [tree["other_province"]]))
    assert client.post(action).status_code == 403
    db.session.expire_all()
    assert db.session.get(Household, other.id).merged_into_id == keep.id


def test_erasing_a_merged_household_drops_the_merge_notes_and_its_undo(client, ctx):
    tree, keep, other = _pair(client)
    f.training(tree["commune"], attendees=[keep, other])
    client.post("/records/duplicates/merge", data=_merge_form(keep, other, confirmed="1"))
    assert "/undo" in client.get(f"/records/households/{keep.id}").get_data(as_text=True)
    client.get(f"/privacy/households/{keep.id}/erase")
    assert client.post(f"/privacy/households/{keep.id}/erase", data={"confirm": "yes"}).status_code == 302
    assert db.session.scalars(sa.select(HouseholdMerge)).all() == []
    assert "/undo" not in client.get(f"/records/households/{keep.id}").get_data(as_text=True)
