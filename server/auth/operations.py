"""Writes on users: create, update, reset password, and the sign-in check."""

import functools
import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from server.auth import sessions, throttle
from server.auth.models import ROLES, User, password_method, valid_username
from server.auth.tokens import revoke_user_devices
from server.errors import Conflict, ValidationError
from server.extensions import db
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
        # Records are in scope by commune: a hamlet cannot be given without the rest of its commune.
        if role == "supervisor" and place.kind not in ("province", "commune"):
            raise ValidationError(_("Supervisors are assigned provinces or communes, not %(name)s.", name=place.name))
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
    if not valid_username(username):
        raise ValidationError(
            _("A user name may hold only lower-case letters a–z, digits and the signs . _ -"), code="bad_username"
        )
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
    """Change a user's role, places, name or whether they may sign in.

    A new role or new places sign every phone of the user out (their tokens carried the old
    scope); switching the account off also ends its web sessions.
    """
    if role not in ROLES:
        raise ValidationError(_("Unknown role."), code="bad_role")
    places = _places(place_codes, role)
    rescoped = role != user.role or {p.code for p in places} != {p.code for p in user.places}
    switched_off = bool(user.active) and not active
    user.places = places
    user.role = role
    user.active = active
    user.display_name = display_name.strip() or user.username
    if rescoped or switched_off:
        revoke_user_devices(user)
    if switched_off:
        sessions.end_all(user)
    db.session.flush()
    return user


def reset_password(user: User, password: str) -> None:
    """Set a new password, lift the sign-in brake and end the user's sessions and phone tokens."""
    _check_password(password)
    user.set_password(password)
    throttle.forget(user.username)
    sessions.end_all(user)
    revoke_user_devices(user)
    db.session.flush()


@functools.cache
def _unknown_user_hash() -> str:
    return generate_password_hash(secrets.token_hex(16), method=password_method())


class LoginRefused(Exception):
    """Sign-in refused; `reason` is wrong_password, slow_down, locked or inactive.

    slow_down and locked carry `retry_after`, the seconds before a try from this address for
    this name counts again.
    """

    def __init__(self, reason: str, retry_after: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def authenticate(username: str, password: str, address: str) -> User:
    """Check a password, braking the address that types wrong ones for this name (auth/throttle.py).

    A name that does not exist is answered exactly as a wrong password for one that does: the
    same refusals, the same brake, the same work (a dummy hash is checked).
    """
    name = (username or "").strip().lower()
    waiting = throttle.retry_after(name, address)
    if waiting is not None:
        seconds, locked = waiting
        raise LoginRefused("locked" if locked else "slow_down", seconds)
    user = db.session.scalar(sa.select(User).where(User.username == name))
    if user is None:
        check_password_hash(_unknown_user_hash(), password or "")
        right = False
    else:
        right = user.check_password(password or "")
    if not right:
        failures = _count_failure(name, address)
        if failures >= current_app.config["LOGIN_MAX_FAILURES"]:
            raise LoginRefused("locked", int(throttle.wait_after(failures).total_seconds()))
        raise LoginRefused("wrong_password")
    if not user.active:
        raise LoginRefused("inactive")
    throttle.forget(name, address)
    db.session.flush()
    return user


def _count_failure(name: str, address: str) -> int:
    """Count a wrong password in its own unit: the refused request rolls back, the brake stays."""
    try:
        failures = throttle.record_failure(name, address)
        db.session.commit()  # its own unit: the count outlives the refused request's rollback
    except sa.exc.IntegrityError:
        # Another wrong try for the same name and address inserted its row first: count on it.
        db.session.rollback()
        failures = throttle.record_failure(name, address)
        db.session.commit()  # its own unit, as above
    return failures
