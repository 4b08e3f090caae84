from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.auth.models import DeviceToken
from server.extensions import db
from server.models_base import utcnow
from tests import factories as f


@pytest.fixture
def tree(ctx):
    return f.small_tree()


def sign_in(app, client, **body):
    with app.app_context():
        return client.post("/api/v1/auth/token", json={"device_label": "Redmi 9", **body})


def pull(app, client, raw):
    with app.app_context():
        return client.get("/api/v1/sync/pull", headers=f.bearer(raw))


def test_phone_signs_in_and_gets_a_hashed_token_with_profile_and_scope(app, client, tree):
    trainer = f.user("trainer", [tree["commune"]], username="tapsu")
    response = sign_in(app, client, username="TapSu", password=f.PASSWORD, app_version="1.2.0")
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"] == {
        "id": trainer.id,
        "username": "tapsu",
        "display_name": trainer.display_name,
        "role": "trainer",
        "locale": None,
    }
    assert body["scope"] == {"everything": False, "communes": [tree["commune"].code]}
    assert body["expires_after_days"] == 30
    stored = db.session.scalar(sa.select(DeviceToken))
    assert stored.token_hash == DeviceToken.hash(body["token"]) and body["token"] not in stored.token_hash
    assert (stored.device_id, stored.label, stored.app_version) == (body["device_id"], "Redmi 9", "1.2.0")
    assert pull(app, client, body["token"]).status_code == 200


def test_wrong_password_is_a_401_problem(app, client, tree):
    f.user("trainer", [tree["commune"]], username="tapsu")
    response = sign_in(app, client, username="tapsu", password="wrong password")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "wrong_password"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeviceToken)) == 0


def test_sign_in_needs_json_and_all_fields(app, client, tree):
    with app.app_context():
        form = client.post("/api/v1/auth/token", data={"username": "x", "password": "y", "device_label": "z"})
    assert form.status_code == 415
    missing = sign_in(app, client, username="tapsu")
    assert missing.status_code == 422
    assert "password" in missing.get_json()["errors"]
    with app.app_context():
        malformed = client.post("/api/v1/auth/token", data=b'{"username": ', content_type="application/json")
        large = client.post("/api/v1/auth/token", data=b'"' + b"x" * 17_000 + b'"', content_type="application/json")
    assert malformed.status_code == 400 and malformed.get_json()["code"] == "malformed_json"
    assert large.status_code == 413 and large.get_json()["code"] == "too_large"


def test_sign_in_works_with_csrf_protection_on(app, client, tree):
    f.user("trainer", [tree["commune"]], username="tapsu")
    response = sign_in(app, client, username="tapsu", password=f.PASSWORD)  # exempt: JSON only, no cookie read
    assert response.status_code == 201


def test_sign_in_is_rate_limited_like_the_login_page(app, client, tree):
    # other names each time: the brake on one name is tested in test_sign_in_brake.py
    statuses = [sign_in(app, client, username=f"nobody{n}", password="x").status_code for n in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429


def test_expired_token_is_rejected(app, client, tree):
    token, raw = f.device(f.user("trainer", [tree["commune"]]))
    token.last_used_at = utcnow() - timedelta(days=31)
    db.session.commit()
    response = pull(app, client, raw)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_phone_revokes_its_own_token(app, client, tree):
    token, raw = f.device(f.user("trainer", [tree["commune"]]))
    with app.app_context():
        assert client.delete("/api/v1/auth/token", headers=f.bearer(raw)).status_code == 204
    assert pull(app, client, raw).status_code == 401
    db.session.expire_all()
    assert db.session.get(DeviceToken, token.id).revoked_at is not None


def test_devices_page_shows_phones_in_scope_and_revokes_them(app, client, tree):
    near = f.user("trainer", [tree["commune"]])
    far = f.user("trainer", [tree["other_commune"]])
    near_token, near_raw = f.device(near, "Điện thoại của Lan")
    near_token.queued_changes, near_token.app_version = 4, "1.3.0"
    db.session.commit()
    f.device(far, "Phone far away")
    supervisor = f.user("supervisor", [tree["province"]])
    f.login(client, supervisor)
    page = client.get("/devices").get_data(as_text=True)
    assert "Điện thoại của Lan" in page and "1.3.0" in page
    assert "Phone far away" not in page
    with client.cross_site():
        refused = client.post(f"/devices/{near_token.id}/revoke")
    assert refused.status_code == 400  # no CSRF token
    far_token = db.session.scalar(sa.select(DeviceToken).where(DeviceToken.user_id == far.id))
    assert client.post(f"/devices/{far_token.id}/revoke").status_code == 403
    assert client.post(f"/devices/{near_token.id}/revoke").status_code == 302
    assert pull(app, app.test_client(), near_raw).status_code == 401  # the phone has no session cookie


def test_trainers_cannot_see_the_devices_page(client, tree):
    f.login(client, f.user("trainer", [tree["commune"]]))
    assert client.get("/devices").status_code == 403


def test_a_trainer_with_no_commune_is_told_so_and_gets_no_token(app, client, tree):
    f.user("trainer", [], username="moi")
    response = sign_in(app, client, username="moi", password=f.PASSWORD)
    assert (response.status_code, response.mimetype) == (403, "application/problem+json")
    assert response.get_json()["code"] == "no_communes"
    assert "No commune is assigned" in response.get_json()["detail"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeviceToken)) == 0
