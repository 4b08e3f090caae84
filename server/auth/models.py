"""User accounts with a role and a set of places, and the device tokens phones sync with."""

import hashlib
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import orm
from werkzeug.security import check_password_hash, generate_password_hash

from server.extensions import db
from server.models_base import UTCDateTime, utcnow

ROLES = ("admin", "supervisor", "trainer")
# Lower-case ASCII letters, digits, ".", "_" and "-": no look-alike letters, no invisible characters.
USERNAME = re.compile(r"[a-z0-9._-]{1,80}")


def valid_username(name: str) -> bool:
    """Whether a user name is made of the allowed characters only."""
    return USERNAME.fullmatch(name or "") is not None


user_places = sa.Table(
    "user_places",
    db.metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("place_code", sa.String(24), sa.ForeignKey("places.code"), primary_key=True),
)


class User(UserMixin, db.Model):
    """A person who signs in: admin, supervisor (a subtree) or trainer (their communes)."""

    __tablename__ = "users"
    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(80), nullable=False, unique=True)
    display_name = sa.Column(sa.String(200), nullable=False, default="")
    password_hash = sa.Column(sa.String(256), nullable=False)
    role = sa.Column(sa.String(16), nullable=False)
    locale = sa.Column(sa.String(8), nullable=True)
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    # Bumped on password reset so that old sessions stop working.
    session_epoch = sa.Column(sa.Integer, nullable=False, default=0)
    created_at = sa.Column(UTCDateTime(), nullable=False, default=utcnow)

    places = orm.relationship("Place", secondary=user_places, lazy="selectin")

    @orm.validates("username")
    def _check_username(self, _key: str, name: str) -> str:
        if not valid_username(name):
            raise ValueError(f"not a valid user name: {name!r}")
        return name

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password, never the password."""
        self.password_hash = generate_password_hash(password, method=password_method())
        self.session_epoch = (self.session_epoch or 0) + 1

    def check_password(self, password: str) -> bool:
        """Whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Session id: user id and password epoch, so a reset signs out old sessions."""
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


def password_method() -> str:
    """The hashing method for new passwords (scrypt; tests may choose a cheaper one)."""
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"


TOKEN_PREFIX = "ls_"  # noqa: S105 (a prefix, not a secret)


class DeviceToken(db.Model):
    """A phone's bearer token: stored hashed, expiring when unused, revocable."""

    __tablename__ = "device_tokens"
    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    label = sa.Column(sa.String(120), nullable=False, default="")
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    device_id = sa.Column(sa.String(64), nullable=False, default="")
    created_at = sa.Column(UTCDateTime(), nullable=False, default=utcnow)
    last_used_at = sa.Column(UTCDateTime(), nullable=False, default=utcnow)
    revoked_at = sa.Column(UTCDateTime(), nullable=True)
    last_sync_at = sa.Column(UTCDateTime(), nullable=True)
    app_version = sa.Column(sa.String(40), nullable=True)
    queued_changes = sa.Column(sa.Integer, nullable=True)

    user = orm.relationship("User", backref=orm.backref("devices", cascade="all, delete-orphan"))

    @staticmethod
    def hash(raw: str) -> str:
        """SHA-256 of a raw token (tokens are random, so no salt is needed)."""
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, label: str) -> tuple["DeviceToken", str]:
        """A new token row and the raw token, which is shown once and never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls(user=user, label=label, token_hash=cls.hash(raw), device_id=secrets.token_hex(8))
        return token, raw

    def is_valid(self, idle_days: int) -> bool:
        """Not revoked and used within the idle limit."""
        if self.revoked_at is not None:
            return False
        last = self.last_used_at
        if last.tzinfo is None:  # SQLite returns naive datetimes
            last = last.replace(tzinfo=utcnow().tzinfo)
        return utcnow() - last < timedelta(days=idle_days)


class WebSession(db.Model):
    """A browser's signed-in session: the cookie holds a random key, the server its hash.

    The user loader accepts a session cookie only while its row is open, so signing out, a
    password reset or switching the account off ends it even in a copy of the cookie.
    """

    __tablename__ = "web_sessions"
    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    key_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    created_at = sa.Column(UTCDateTime(), nullable=False, default=utcnow)
    last_seen_at = sa.Column(UTCDateTime(), nullable=False, default=utcnow)
    ended_at = sa.Column(UTCDateTime(), nullable=True)

    user = orm.relationship("User", backref=orm.backref("web_sessions", cascade="all, delete-orphan"))

    @classmethod
    def open(cls, user: User) -> tuple["WebSession", str]:
        """A new session row and its raw key, which only the cookie keeps."""
        raw = secrets.token_urlsafe(32)
        return cls(user=user, key_hash=DeviceToken.hash(raw)), raw


class LoginFailure(db.Model):
    """Wrong passwords typed for one user name from one address, known name or not.

    The name is kept only as a hash (people type passwords into the name field too).
    """

    __tablename__ = "login_failures"
    __table_args__ = (sa.UniqueConstraint("account_key", "address"),)
    id = sa.Column(sa.Integer, primary_key=True)
    account_key = sa.Column(sa.String(64), nullable=False, index=True)
    address = sa.Column(sa.String(64), nullable=False)
    failures = sa.Column(sa.Integer, nullable=False, default=0)
    last_failed_at = sa.Column(UTCDateTime(), nullable=False, default=utcnow)
