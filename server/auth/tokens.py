"""Bearer device tokens for the phone app."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy import orm

from server.auth.models import DeviceToken
from server.extensions import db
from server.models_base import utcnow


def load_user_from_bearer(req):
    """Flask-Login request loader: the user of a valid, unexpired, unrevoked device token."""
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    raw = header[len("Bearer ") :].strip()
    # The user (and their places, selectin) in the same round trip: a phone's every call needs them.
    query = sa.select(DeviceToken).options(orm.joinedload(DeviceToken.user))
    token = db.session.scalar(query.where(DeviceToken.token_hash == DeviceToken.hash(raw)))
    if token is None or not token.is_valid(current_app.config["DEVICE_TOKEN_IDLE_DAYS"]):
        return None
    if not token.user.is_active:
        return None
    now = utcnow()
    last = token.last_used_at if token.last_used_at.tzinfo else token.last_used_at.replace(tzinfo=now.tzinfo)
    if now - last > timedelta(minutes=1):  # avoid a write on every request
        token.last_used_at = now  # kept by the request's commit (server/transaction.py), a GET's too
    g.device_token = token
    return token.user


def current_device_token() -> DeviceToken | None:
    """The device token of this request, if it came with one."""
    return g.get("device_token")


def revoke_user_devices(user) -> int:
    """Revoke every device token of a user at once (password reset, new role or places, switched
    off); each phone then asks to sign in again and keeps its unsent changes. Returns how many."""
    now = utcnow()
    count = 0
    for token in user.devices:
        if token.revoked_at is None:
            token.revoked_at = now
            count += 1
    db.session.flush()
    return count
