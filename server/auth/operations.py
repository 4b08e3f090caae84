"""Writes on users: create, update, reset password, and the sign-in check."""

import functools
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from server.auth.models import ROLES, User, password_method
from server.errors import Conflict, ValidationError
from server.extensions import db
from server.models_base import utcnow
from server.places.models import Place

MIN_PASSWORD = 8


def _places(codes: list[str], role: str) -> list[Place]:
    places = []
    for code in dict.fromkeys(c.strip() for c in codes if c and c.strip()):
        place = db.session.get(Place, code)
        if place is None:
            raise ValidationError(_("There is no place with code %(code)s.", code=code), code="unknown_place")
        if role == "trainer" and place.kind != "commune":
            raise ValidationError(_("Trainers are assigned communes, not %(name)s.", name=place.name))
        places.append(place)
    if role != "admin" and not places:
        raise ValidationError(_("Supervisors and trainers need at least one place."), code="no_place")
    return places


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError(_("The password needs at least %(n)d characters.", n=MIN_PASSWORD), code="weak_password")


def create_user(username: str, password: str, role: str, place_codes: list[str], display_name: str = "") -> User:
    """Create a user; raises on a taken name, a weak password or unknown places."""
    username = (username or "").strip().lower()
    if not username:
        raise ValidationError(_("Please enter a user name."), code="no_username")
    if role not in ROLES:
        raise ValidationError(_("Unknown role."), code="bad_role")
    if db.session.scalar(sa.select(User).where(User.username == username)):
        raise Conflict(_("The user name %(name)s is taken.", name=username), code="username_taken")
    _check_password(password)
    user = User(username=username, role=role, display_name=display_name.strip() or username)
    user.places = _places(place_codes, role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, role: str, place_codes: list[str], active: bool, display_name: str) -> User:
    """Change a user's role, places, name or whether they may sign in."""
    if role not in ROLES:
        raise ValidationError(_("Unknown role."), code="bad_role")
    user.places = _places(place_codes, role)
    user.role = role
    user.active = active
    user.display_name = display_name.strip() or user.username
    db.session.flush()
    return user


def reset_password(user: User, password: str) -> None:
    """Set a new password, unlock the account and end the user's other sessions."""
    _check_password(password)
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()


@functools.cache
def _unknown_user_hash() -> str:
    return generate_password_hash(secrets.token_hex(16), method=password_method())


class LoginRefused(Exception):
    """Sign-in refused; `reason` is wrong_password, locked or inactive."""

    def __init__(self, reason: str, until=None):
        super().__init__(reason)
        self.reason = reason
        self.until = until


def authenticate(username: str, password: str) -> User:
    """Check a password, counting failures and locking the account after too many."""
    user = db.session.scalar(sa.select(User).where(User.username == (username or "").strip().lower()))
    if user is None:
        # Hash anyway, so an unknown name takes as long as a wrong password and names cannot be probed.
        check_password_hash(_unknown_user_hash(), password or "")
        raise LoginRefused("wrong_password")
    now = utcnow()
    locked = user.locked_until
    if locked is not None and locked.tzinfo is None:
        locked = locked.replace(tzinfo=now.tzinfo)
    if locked is not None and locked > now:
        raise LoginRefused("locked", locked)
    if not user.check_password(password or ""):
        refusal = LoginRefused("wrong_password")
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
            refusal = LoginRefused("locked", user.locked_until)
        db.session.commit()  # its own unit: the refused request rolls back, the count towards the lock-out stays
        raise refusal
    if not user.active:
        raise LoginRefused("inactive")
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    return user
