"""Web sessions kept on the server: a cookie opens pages only while its session row is open.

The signed cookie holds a random key; the server keeps its hash with the user. Signing out
ends that row, so a copy of the cookie made before stops working; a password reset or
switching the account off ends every row of the user. A row also ends after SESSION_HOURS
without use, whatever the cookie says.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, session

from server.auth.models import DeviceToken, User, WebSession
from server.extensions import db
from server.models_base import utcnow

SESSION_KEY = "web_session"
TOUCH_EVERY = timedelta(minutes=1)  # last use is written at most this often


def start(user: User) -> None:
    """Open a session for a user who just signed in, and forget their ended ones."""
    now = utcnow()
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    db.session.execute(
        sa.delete(WebSession).where(
            WebSession.user_id == user.id,
            sa.or_(WebSession.ended_at.is_not(None), WebSession.last_seen_at < now - lifetime),
        )
    )
    row, raw = WebSession.open(user)
    db.session.add(row)
    db.session.flush()
    session[SESSION_KEY] = raw


def current(user_id: int) -> WebSession | None:
    """The open session row of this request's cookie, if it belongs to this user."""
    raw = session.get(SESSION_KEY)
    if not isinstance(raw, str) or not raw:
        return None
    row = db.session.scalar(sa.select(WebSession).where(WebSession.key_hash == DeviceToken.hash(raw)))
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return None
    now = utcnow()
    if now - row.last_seen_at > current_app.config["PERMANENT_SESSION_LIFETIME"]:
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now  # kept by the request's commit (server/transaction.py)
    return row


def end_current() -> None:
    """End this request's session (sign-out)."""
    raw = session.get(SESSION_KEY)
    if isinstance(raw, str) and raw:
        db.session.execute(
            sa.update(WebSession)
            .where(WebSession.key_hash == DeviceToken.hash(raw), WebSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def end_all(user: User) -> None:
    """End every web session of a user (password reset, account switched off)."""
    db.session.execute(
        sa.update(WebSession)
        .where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
