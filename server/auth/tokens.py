"""Bearer device tokens for the phone app."""

from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy import orm

from server.auth.models import DeviceToken, User
from server.extensions import db
from server.models_base import utcnow


def load_user_from_bearer(req):
    """Flask-Login request loader: the user of a valid, unexpired, unrevoked device token."""
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    raw = header[len("Bearer ") :].strip()
    token = db.session.scalars(_token_query(), {"token_hash": DeviceToken.hash(raw)}).unique().first()
    if token is None or not token.is_valid(current_app.config["DEVICE_TOKEN_IDLE_DAYS"]):
        return None
    if not token.user.is_active:
        return None
    if minute_passed(token.last_used_at):  # avoid a write on every request
        token.last_used_at = utcnow()  # kept by the request's commit (server/transaction.py), a GET's too
    g.device_token = token
    return token.user


@cache
def _token_query():
    """The token, its user and the user's places in one query: the request reads all three (scope).

    Built once: building the statement and its cache key on every request cost as much as running it.
    """
    return (
        sa.select(DeviceToken)
        .where(DeviceToken.token_hash == sa.bindparam("token_hash", type_=DeviceToken.token_hash.type))
        .options(orm.joinedload(DeviceToken.user).joinedload(User.places))
    )


def minute_passed(moment) -> bool:
    """Whether a stored time is unset or more than a minute ago (device times are written at most once a minute)."""
    if moment is None:
        return True
    now = utcnow()
    last = moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)  # SQLite returns naive datetimes
    return now - last > timedelta(minutes=1)


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
