"""The mutation log: every change as received; the audit trail that explains merges."""

import sqlalchemy as sa

from server.extensions import db
from server.models_base import UTCDateTime, Versioned, utcnow

RESULTS = ("applied", "merged", "rejected")


class Mutation(db.Model):
    """One change pushed by a device (or made on a web page), and what became of it."""

    __tablename__ = "mutations"
    id = sa.Column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    mutation_id = sa.Column(sa.Uuid, nullable=False, unique=True)
    # Who sent it: plain ids, not foreign keys. The log is append-only and written in the
    # transaction that checked the token and its user, and neither is ever deleted (a token is
    # revoked, a user deactivated); a key would cost a lookup of the same row for every entry.
    device_token_id = sa.Column(sa.Integer, nullable=True)
    device_id = sa.Column(sa.String(64), nullable=True)
    user_id = sa.Column(sa.Integer, nullable=True)
    entity = sa.Column(sa.String(32), nullable=False)
    record_id = sa.Column(sa.Uuid, nullable=False, index=True)
    op = sa.Column(sa.String(8), nullable=False)  # upsert | delete
    fields = sa.Column(sa.JSON, nullable=False, default=dict)
    base_version = sa.Column(sa.BigInteger, nullable=True)
    client_clock = sa.Column(sa.String(40), nullable=True)
    received_at = sa.Column(UTCDateTime(), nullable=False, default=utcnow)
    result = sa.Column(sa.String(12), nullable=False)
    result_code = sa.Column(sa.String(40), nullable=True)
    # The reply sent the first time, returned again for a replayed mutation_id; empty for a
    # mutation applied to the record it named, whose reply follows from the row (log._applied).
    reply = sa.Column(sa.JSON, nullable=False, default=dict)
    # {field: {"value": old value, "clock": its clock}} for values this write overwrote or lost to.
    conflicts = sa.Column(sa.JSON, nullable=True)


class ScopeExit(Versioned, db.Model):
    """A record that left a commune (its household or session moved): the old commune's phones drop it.

    Pulls send it as a "gone" change to phones whose scope covers `commune_code` but no longer
    the record. It is versioned like the records, so it takes its place in the pull order.
    """

    __tablename__ = "scope_exits"
    id = sa.Column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    entity = sa.Column(sa.String(32), nullable=False)
    record_id = sa.Column(sa.Uuid, nullable=False)
    commune_code = sa.Column(sa.String(24), nullable=False, index=True)
