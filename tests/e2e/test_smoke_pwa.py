import pytest
from tests.e2e.phone_app import sign_in, watch_errors

pytestmark = pytest.mark.e2e


def test_sign_in(phone, live_server):
    page = phone.new_page()
    errors = watch_errors(page)
    sign_in(page)
    page.screenshot(path="/tmp/pwa-shots/smoke.png")
    assert errors == []
