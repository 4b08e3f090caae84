"""The sign-in brake: wrong passwords slow down the address that types them, for that name only.

Failures are counted per user name *and* address, for names that exist and names that do not
alike, so the answers never tell which names exist. After the nth wrong password from an
address for a name, the next try from that address for that name counts only after 2^n
seconds; after LOGIN_MAX_FAILURES of them, only after LOGIN_LOCK_MINUTES. A try made sooner is
refused (429 with Retry-After) without looking at the password. Another address, for instance
the account's owner at their own office, is not slowed down by someone else's guesses.
"""

import hashlib
import math
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_limiter.util import get_remote_address

from server.auth.models import LoginFailure
from server.extensions import db
from server.models_base import utcnow

FORGET_AFTER = timedelta(days=1)  # failures older than this no longer count


def account_key(username: str) -> str:
    """The name as sign-in compares it, hashed: the row never holds what was typed."""
    return hashlib.sha256(username.encode()).hexdigest()


def client_address() -> str:
    """The address the request came from (the one the rate limits count)."""
    return (get_remote_address() or "unknown")[:64]


def wait_after(failures: int) -> timedelta:
    """How long after the last of `failures` wrong passwords the next try counts."""
    if failures <= 0:
        return timedelta(0)
    if failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        return timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    return timedelta(seconds=2**failures)


def _row(username: str, address: str) -> LoginFailure | None:
    return db.session.scalar(
        sa.select(LoginFailure).where(
            LoginFailure.account_key == account_key(username), LoginFailure.address == address
        )
    )


def _counted(row: LoginFailure | None) -> int:
    if row is None or utcnow() - row.last_failed_at > FORGET_AFTER:
        return 0
    return row.failures


def retry_after(username: str, address: str) -> tuple[int, bool] | None:
    """Seconds to wait before a try from this address for this name counts, and whether the
    wait is the long one (the lock); None when it may be tried now."""
    row = _row(username, address)
    failures = _counted(row)
    if not failures:
        return None
    remaining = (row.last_failed_at + wait_after(failures) - utcnow()).total_seconds()
    if remaining <= 0:
        return None
    return math.ceil(remaining), failures >= current_app.config["LOGIN_MAX_FAILURES"]


def record_failure(username: str, address: str) -> int:
    """Count a wrong password; returns the failures counted so far for this name and address."""
    now = utcnow()
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.last_failed_at < now - FORGET_AFTER))
    row = _row(username, address)
    if row is None:
        row = LoginFailure(account_key=account_key(username), address=address, failures=1, last_failed_at=now)
        db.session.add(row)
        return 1
    row.failures = _counted(row) + 1
    row.last_failed_at = now
    return row.failures


def forget(username: str, address: str | None = None) -> None:
    """Clear the failures of a name (from one address, or from all after a password reset)."""
    query = sa.delete(LoginFailure).where(LoginFailure.account_key == account_key(username))
    if address is not None:
        query = query.where(LoginFailure.address == address)
    db.session.execute(query)
