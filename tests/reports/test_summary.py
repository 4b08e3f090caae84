"""household_summaries stays right after every kind of write, in the same commit (values worked out by hand)."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from server.extensions import db
from server.households.merge import merge_households
from server.households.models import Household, MarketplaceAccount
from server.privacy.operations import erase_household
from server.reports.household_dates import summary_select
from server.reports.indicators import place_report
from server.reports.models import HouseholdSummary
from server.training.models import Attendance, TrainingSession
from server.training.operations import correct_session
from tests import factories as f

SUMMARY = HouseholdSummary.__table__
REGISTERED = datetime(2025, 1, 10, 8, 0, tzinfo=UTC)


def stored(household) -> dict | None:
    """The summary row of a household (or household id) as stored; None when there is none."""
    household_id = getattr(household, "id", household)
    query = sa.select(SUMMARY).where(SUMMARY.c.household_id == household_id)
    row = db.session.execute(query).mappings().one_or_none()
    return dict(row) if row else None


def all_fresh() -> bool:
    """Every stored row equals the row computed now from the source tables, and every household has one."""
    kept = {row["household_id"]: dict(row) for row in db.session.execute(sa.select(SUMMARY)).mappings()}
    fresh = {row["household_id"]: dict(row) for row in db.session.execute(summary_select()).mappings()}
    return kept == fresh


def home(tree, **fields):
    return f.household(tree["commune"], tree["hamlet"], created_at=REGISTERED, **fields)


def test_a_new_household_gets_its_row_at_once(ctx):
    tree = f.small_tree()
    household = home(tree, smartphone="yes", plus_code="7P28QJXV+2C")
    row = stored(household)
    assert (row["commune_code"], row["hamlet_code"], row["counted"]) == ("29461", "29461-001", True)
    assert row["registered_on"] == date(2025, 1, 10)
    assert row["smartphone"] == date(2025, 1, 10) and row["digital_address"] == date(2025, 1, 10)
    assert row["trained_digital"] is None and row["seller_account"] is None and row["orders"] == 0


def test_attendance_added_removed_and_deleted(ctx):
    tree = f.small_tree()
    household = home(tree)
    session = f.training(tree["commune"], date(2025, 2, 1), ["digital_skills"], [household])
    assert stored(household)["trained_digital"] == date(2025, 2, 1)
    later = f.training(tree["commune"], date(2025, 3, 1), ["digital_skills", "livestream"], [household])
    assert (stored(household)["trained_digital"], stored(household)["trained_livestream"]) == (
        date(2025, 2, 1),
        date(2025, 3, 1),
    )
    session.attendance[0].deleted_at = REGISTERED  # tombstoned: the later session is now the first
    db.session.commit()
    assert stored(household)["trained_digital"] == date(2025, 3, 1)
    db.session.delete(later.attendance[0])  # removed outright
    db.session.commit()
    assert stored(household)["trained_digital"] is None and stored(household)["trained_livestream"] is None
    assert all_fresh()


def test_session_date_and_topics_changed_reach_every_attendee(ctx):
    tree = f.small_tree()
    first, second = home(tree), home(tree)
    session = f.training(tree["commune"], date(2025, 2, 1), ["digital_skills"], [first, second])
    session.held_on, session.topics = date(2025, 3, 5), ["livestream"]
    db.session.commit()
    for household in (first, second):
        row = stored(household)
        assert (row["trained_digital"], row["trained_livestream"]) == (None, date(2025, 3, 5))
    session.deleted_at = REGISTERED
    db.session.commit()
    assert stored(first)["trained_livestream"] is None and all_fresh()


def test_session_corrected_on_the_records_page(ctx):
    tree = f.small_tree()
    household = home(tree)
    session = f.training(tree["commune"], date(2025, 2, 1), ["digital_skills"], [household])
    supervisor = f.user("supervisor", [tree["province"]])
    form = {"held_on": "2025-04-02", "topics": ["packaging_delivery"], "title": "Đóng gói", "hamlet_code": ""}
    assert correct_session(session, form, supervisor)
    db.session.commit()  # the request's commit
    assert (stored(household)["trained_digital"], stored(household)["trained_packaging"]) == (None, date(2025, 4, 2))


def test_accounts_added_and_changed(ctx):
    tree = f.small_tree()
    household = home(tree)
    account = f.seller_account(household, "voso", opened_on=date(2025, 3, 1))
    row = stored(household)
    assert (row["seller_account"], row["platform_voso"], row["active_account"]) == (
        date(2025, 3, 1),
        date(2025, 3, 1),
        None,
    )
    account.orders_reported, account.checked_on = 4, date(2025, 4, 2)
    db.session.commit()
    assert (stored(household)["active_account"], stored(household)["orders"]) == (date(2025, 4, 2), 4)
    f.seller_account(household, "shopee", opened_on=date(2025, 2, 1), orders_reported=3)
    row = stored(household)
    assert (row["seller_account"], row["active_account"], row["orders"]) == (date(2025, 2, 1), date(2025, 2, 1), 7)
    f.payment_account(household, "momo", opened_on=date(2025, 5, 6))
    assert stored(household)["payment_account"] == date(2025, 5, 6)
    account.deleted_at = REGISTERED
    db.session.commit()
    assert (stored(household)["platform_voso"], stored(household)["orders"]) == (None, 3)
    assert all_fresh()


def test_account_added_through_the_relationship(ctx):
    tree = f.small_tree()
    household = home(tree)
    db.session.add(MarketplaceAccount(household=household, platform="tiktok", opened_on=date(2025, 6, 1)))
    db.session.commit()
    assert stored(household)["platform_tiktok"] == date(2025, 6, 1)


def test_household_moved_to_another_commune(ctx):
    tree = f.small_tree()
    household = home(tree, smartphone="yes")
    f.training(tree["commune"], date(2025, 2, 1), ["digital_skills"], [household])
    household.commune_code, household.hamlet_code = tree["commune2"].code, None
    db.session.commit()
    assert (stored(household)["commune_code"], stored(household)["hamlet_code"]) == ("29494", None)
    left = place_report(tree["commune"], 2025, today=date(2025, 6, 30)).place
    joined = place_report(tree["commune2"], 2025, today=date(2025, 6, 30)).place
    assert (left.registered, left.figures["trained_digital"].value) == (0, 0)
    assert (joined.registered, joined.figures["trained_digital"].value, joined.figures["smartphone"].value) == (1, 1, 1)


def test_attendance_moved_to_another_household_refreshes_both(ctx):
    tree = f.small_tree()
    wrong, right = home(tree), home(tree)
    session = f.training(tree["commune"], date(2025, 2, 1), ["digital_skills"], [wrong])
    attendance_id, wrong_id, right_id = session.attendance[0].id, wrong.id, right.id
    db.session.remove()  # the old household id is not loaded when it is overwritten
    attendance = db.session.get(Attendance, attendance_id)
    db.session.expire(attendance)
    attendance.household_id = right_id
    db.session.commit()
    assert stored(wrong_id)["trained_digital"] is None
    assert stored(right_id)["trained_digital"] == date(2025, 2, 1)


def test_merged_household_stops_counting_and_the_kept_one_takes_its_figures(ctx):
    tree = f.small_tree()
    supervisor = f.user("supervisor", [tree["province"]])
    keep = home(tree)
    other = home(tree, smartphone="yes", vnpost_code="8600012345")
    f.training(tree["commune"], date(2025, 2, 1), ["livestream"], [other])
    f.seller_account(other, "postmart", opened_on=date(2025, 3, 1), orders_reported=2)
    merge_households(keep, other, supervisor)
    db.session.commit()  # operations flush; their caller commits
    assert stored(other)["counted"] is False
    row = stored(keep)
    assert (row["trained_livestream"], row["platform_postmart"], row["orders"]) == (
        date(2025, 2, 1),
        date(2025, 3, 1),
        2,
    )
    assert row["smartphone"] == date.today()  # "yes" taken over today
    assert row["digital_address"] == date(2025, 1, 10)
    assert place_report(tree["commune"], date.today().year).place.registered == 1
    assert all_fresh()


def test_erased_household_still_counts_without_its_address(ctx):
    tree = f.small_tree()
    household = home(tree, plus_code="7P28QJXV+2C")
    f.payment_account(household, "momo", opened_on=date(2025, 3, 1))
    erase_household(household, f.user("admin"))
    db.session.commit()
    row = stored(household)
    assert (row["counted"], row["digital_address"], row["payment_account"]) == (True, None, date(2025, 3, 1))


def test_tombstoned_then_restored_household(ctx):
    tree = f.small_tree()
    household = home(tree)
    household.deleted_at = REGISTERED
    db.session.commit()
    assert stored(household)["counted"] is False
    household.deleted_at = None
    db.session.commit()
    assert stored(household)["counted"] is True


def test_household_removed_outright_loses_its_row(ctx):
    tree = f.small_tree()
    household, neighbour = home(tree), home(tree)
    db.session.delete(household)
    db.session.commit()
    assert stored(household) is None and stored(neighbour) is not None


def test_rolled_back_writes_leave_the_rows_as_they_were(ctx):
    tree = f.small_tree()
    household = home(tree)
    f.training(tree["commune"], date(2025, 2, 1), ["digital_skills"], [household])
    db.session.add(MarketplaceAccount(household_id=household.id, platform="voso", opened_on=date(2025, 3, 1)))
    db.session.flush()
    db.session.rollback()
    assert stored(household)["seller_account"] is None and all_fresh()


def test_names_and_phones_change_no_figure_and_cost_no_refresh(ctx):
    tree = f.small_tree()
    household = home(tree)
    db.session.execute(sa.update(SUMMARY).values(orders=99))  # a marker the refresh would overwrite
    db.session.commit()
    household.head_name, household.phone = "Thạch Sóc", "0912345678"
    db.session.get(TrainingSession, f.training(tree["commune"], date(2025, 2, 1)).id).title = "Buổi 2"
    db.session.commit()
    assert stored(household)["orders"] == 99
    household.smartphone = "yes"
    db.session.commit()
    assert stored(household)["orders"] == 0


def test_every_household_has_its_row_after_mixed_writes(ctx):
    tree = f.small_tree()
    households = [home(tree) for _ in range(3)]
    session = f.training(tree["commune"], date(2025, 2, 1), ["digital_skills"], households[:2])
    households[2].merged_into_id, households[2].deleted_at = households[0].id, REGISTERED
    session.topics = ["digital_skills", "packaging_delivery"]
    db.session.add(Household(head_name="Mới", commune_code=tree["commune2"].code, search_text="moi"))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SUMMARY)) == 4 and all_fresh()
