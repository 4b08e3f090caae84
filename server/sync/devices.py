"""Which phones a supervisor may see and revoke."""

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm

from server.auth.models import DeviceToken, User
from server.auth.scope import Scope
from server.extensions import db


def may_manage(scope: Scope, user: User) -> bool:
    """Admins manage every phone; supervisors those of users whose whole scope lies in theirs."""
    return scope.manages(user)


def visible_devices(scope: Scope) -> list[dict]:
    """Device tokens of users in scope, most recently used first, with their state."""
    query = (
        sa.select(DeviceToken)
        .options(orm.joinedload(DeviceToken.user))
        .order_by(DeviceToken.revoked_at.is_not(None), DeviceToken.last_used_at.desc())
    )
    idle_days = current_app.config["DEVICE_TOKEN_IDLE_DAYS"]
    rows = []
    for token in db.session.scalars(query).unique():
        if not may_manage(scope, token.user):
            continue
        state = "revoked" if token.revoked_at else ("active" if token.is_valid(idle_days) else "expired")
        rows.append({"token": token, "user": token.user, "state": state})
    return rows
