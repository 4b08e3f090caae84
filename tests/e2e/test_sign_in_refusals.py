"""The phone's sign-in says why the server refused, in the trainer's language, not always "wrong password"."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.auth.models import LoginFailure, User
from server.auth.throttle import account_key
from server.extensions import db
from server.models_base import utcnow
from tests.e2e.phone_app import TIMEOUT, open_ready, translated
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

WRONG = "The username or password is not right."
SLOW_DOWN = re.compile(r"^Too many wrong passwords\. Please wait [12] seconds, then try again\.$")
SWITCHED_OFF = "This account is switched off. Ask your administrator."
NO_COMMUNES = "No commune is assigned to this account yet. Ask your supervisor to assign your communes."
KM_ASK_FOR_NAME = "សូមបញ្ចូលឈ្មោះអ្នកប្រើ និងពាក្យសម្ងាត់របស់អ្នក។"
BUSY = "The server is busy right now. Please try again in a few minutes."


def _open_sign_in(page, language="English"):
    open_ready(page)
    page.get_by_role("button", name=language).click()


def _try(page, password: str, username: str = "trang"):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    return page.get_by_role("alert")


def _switch_off(username: str):
    db.session.scalar(sa.select(User).where(User.username == username)).active = False
    db.session.commit()


def test_wrong_passwords_make_the_phone_wait_and_it_says_how_long(phone, live_server):
    page = phone.new_page()
    _open_sign_in(page)
    expect(_try(page, "wrong-1")).to_have_text(WRONG, timeout=TIMEOUT)
    # The next try counts only after 2 seconds, even with the right password.
    expect(_try(page, PASSWORD)).to_have_text(SLOW_DOWN, timeout=TIMEOUT)
    expect(page.get_by_test_id("last-sync")).to_have_count(0)


def _lock_from_this_address(username: str):
    failures = db.session.scalar(sa.select(LoginFailure).where(LoginFailure.account_key == account_key(username)))
    failures.failures = 5
    failures.last_failed_at = utcnow()
    db.session.commit()


def _wrong_password_in_vietnamese(page):
    _open_sign_in(page, "Tiếng Việt")
    page.get_by_label("Tên đăng nhập").fill("trang")
    page.get_by_label("Mật khẩu").fill("wrong-1")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.", timeout=TIMEOUT)


def test_a_locked_address_says_how_many_minutes_even_with_the_right_password(phone, live_server):
    page = phone.new_page()
    _wrong_password_in_vietnamese(page)
    live_server.query(lambda: _lock_from_this_address("trang"))
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Nhập sai mật khẩu quá nhiều lần. Vui lòng chờ 15 phút rồi thử lại.", timeout=TIMEOUT
    )


def test_a_switched_off_account_says_so(phone, live_server):
    live_server.query(lambda: _switch_off("trang"))
    page = phone.new_page()
    _open_sign_in(page)
    expect(_try(page, PASSWORD)).to_have_text(SWITCHED_OFF, timeout=TIMEOUT)


def _no_communes(username: str):
    db.session.scalar(sa.select(User).where(User.username == username)).places = []
    db.session.commit()


def test_a_trainer_with_no_commune_is_told_so(phone, live_server):
    live_server.query(lambda: _no_communes("trang"))
    page = phone.new_page()
    _open_sign_in(page)
    expect(_try(page, PASSWORD)).to_have_text(NO_COMMUNES, timeout=TIMEOUT)
    expect(page.get_by_test_id("last-sync")).to_have_count(0)


def test_a_busy_server_says_so_in_the_trainers_language(phone, live_server):
    page = phone.new_page()
    _open_sign_in(page, "Tiếng Việt")
    live_server.database_down()
    page.get_by_label("Tên đăng nhập").fill("trang")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_have_text("Máy chủ đang bận. Vui lòng thử lại sau vài phút.", timeout=TIMEOUT)


def test_an_empty_username_is_asked_for_in_the_trainers_language(phone, live_server):
    page = phone.new_page()
    _open_sign_in(page, "ភាសាខ្មែរ")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page.get_by_role("alert")).to_have_text(KM_ASK_FOR_NAME, timeout=TIMEOUT)


def test_a_refusal_on_show_is_said_again_in_the_language_chosen_after_it(phone, live_server):
    page = phone.new_page()
    _wrong_password_in_vietnamese(page)
    page.get_by_role("button", name="ភាសាខ្មែរ").click()
    expect(page.locator("html")).to_have_attribute("lang", "km", timeout=TIMEOUT)
    expect(page.get_by_role("alert")).to_have_text(translated("km", WRONG), timeout=TIMEOUT)
    expect(page.locator("input[name=username]")).to_have_value("trang")


def _overlap(one: dict, other: dict) -> bool:
    return not (
        one["x"] + one["width"] <= other["x"]
        or other["x"] + other["width"] <= one["x"]
        or one["y"] + one["height"] <= other["y"]
        or other["y"] + other["height"] <= one["y"]
    )


def test_the_ready_offline_notice_leaves_the_refusal_and_the_button_in_sight(phone, live_server):
    page = phone.new_page()
    _open_sign_in(page)
    notice = page.locator(".notice")  # "ready to work offline", said once the app is ready
    expect(notice).to_have_count(1)
    refusal = _try(page, "", username="")
    expect(refusal).to_be_visible()
    button = page.get_by_role("button", name="Sign in")
    for covered in (refusal, button):
        assert not _overlap(notice.bounding_box(), covered.bounding_box())
