"""Who scanned a lot today, kept only as keyed hashes, so a lot counts one scan per visitor per day."""

import sqlalchemy as sa

from server.extensions import db


class ScanDay(db.Model):
    """Today's random salt of the visitor key; a past day's row is deleted at the first scan of the next.

    The day's key is derived from the app's secret and this salt: with the salt gone, not even the
    holder of the secret can make that day's key again, so no past visitor hash can be tested.
    """

    __tablename__ = "scan_days"
    day = sa.Column(sa.Date, primary_key=True)
    salt = sa.Column(sa.LargeBinary(32), nullable=False)


class ScanVisitor(db.Model):
    """A visitor of a lot on a day: an HMAC of lot, address and user agent, nothing else."""

    __tablename__ = "scan_visitors"
    day = sa.Column(sa.Date, primary_key=True)
    visitor = sa.Column(sa.String(64), primary_key=True)
