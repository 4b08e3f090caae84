"""Households and what the programme records about them."""

import sqlalchemy as sa
from sqlalchemy import event, orm

from server.extensions import db
from server.models_base import Synced, UTCDateTime

SMARTPHONE = ("yes", "no", "unknown")
LANGUAGES = ("vi", "km", "en")
# Each purpose is asked separately and never pre-ticked.
CONSENT_PURPOSES = ("programme", "contact", "location", "ethnicity", "publish")
PLATFORMS = ("postmart", "voso", "shopee", "lazada", "tiktok", "sendo", "tiki", "provincial", "other")
ACCOUNT_STATUSES = ("opened", "verified", "active")
PAYMENT_PROVIDERS = ("viettel_money", "vnpt_money", "momo", "zalopay", "bank_app", "other")
PAYMENT_STATUSES = ("opened", "verified", "active")


class Household(Synced, db.Model):
    """A farm household the programme works with."""

    __tablename__ = "households"
    # Lists are shown by name: the first page of a long list is read in this order, not sorted.
    __table_args__ = (sa.Index("ix_households_head_name_id", "head_name", "id"),)
    head_name = sa.Column(sa.String(200), nullable=False)
    phone = sa.Column(sa.String(32), nullable=True)
    commune_code = sa.Column(sa.String(24), sa.ForeignKey("places.code"), nullable=False, index=True)
    hamlet_code = sa.Column(sa.String(24), sa.ForeignKey("places.code"), nullable=True, index=True)
    preferred_language = sa.Column(sa.String(8), nullable=False, default="vi")
    smartphone = sa.Column(sa.String(8), nullable=False, default="unknown")
    smartphone_since = sa.Column(sa.Date, nullable=True)  # when "yes" was first recorded
    ethnicity = sa.Column(sa.String(60), nullable=True)  # sensitive: only with consent
    latitude = sa.Column(sa.Float, nullable=True)  # only with consent
    longitude = sa.Column(sa.Float, nullable=True)
    plus_code = sa.Column(sa.String(16), nullable=True)
    vnpost_code = sa.Column(sa.String(10), nullable=True)
    # Folded name, phone digits and hamlet name, for diacritics-insensitive search.
    search_text = sa.Column(sa.Text, nullable=False, default="")
    erased_at = sa.Column(UTCDateTime(), nullable=True)
    merged_into_id = sa.Column(sa.Uuid, sa.ForeignKey("households.id"), nullable=True)
    # A short stable reference for the wire (docs/sync.md, `refs=1`): the version the household
    # was first stored with, so unique and never reused; it never changes afterwards. Null only
    # between a new household's first flush and the commit that gives it its version.
    ref = sa.Column(sa.BigInteger, nullable=True, unique=True, index=True)

    commune = orm.relationship("Place", foreign_keys=[commune_code])
    hamlet = orm.relationship("Place", foreign_keys=[hamlet_code])
    consents = orm.relationship("Consent", back_populates="household", lazy="selectin")
    marketplace_accounts = orm.relationship("MarketplaceAccount", back_populates="household")
    payment_accounts = orm.relationship("PaymentAccount", back_populates="household")

    @staticmethod
    def complete_new_row(values: dict) -> dict:
        """A household written as a plain row (server/mutations/rows.py) gets its ref as
        `_first_version_is_ref` gives one added to the session: its first version."""
        if values.get("ref") is None:
            values["ref"] = values["version"]
        return values

    def has_consent(self, purpose: str) -> bool:
        """Whether consent for the purpose is currently given."""
        return any(c.purpose == purpose and c.given and c.deleted_at is None for c in self.consents)


@event.listens_for(Household.version, "set")
def _first_version_is_ref(household: Household, version, _old, _initiator) -> None:
    """A new household's ref is the version its first commit gives it (a later one keeps it)."""
    state = sa.inspect(household)
    if state.has_identity and "ref" not in state.dict:
        return  # a stored household whose ref is not loaded: it has one, and reading it would cost a query
    if version and state.dict.get("ref") is None:
        household.ref = version


class Consent(Synced, db.Model):
    """The current answer of a household for one purpose; history is in the mutation log."""

    __tablename__ = "consents"
    __table_args__ = (sa.UniqueConstraint("household_id", "purpose"),)
    household_id = sa.Column(sa.Uuid, sa.ForeignKey("households.id"), nullable=False)  # indexed by the unique key
    purpose = sa.Column(sa.String(24), nullable=False)
    given = sa.Column(sa.Boolean, nullable=False)
    recorded_at = sa.Column(UTCDateTime(), nullable=False)
    recorded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)

    household = orm.relationship("Household", back_populates="consents")


class MarketplaceAccount(Synced, db.Model):
    """A seller account or shop of a household on one platform (never an account number)."""

    __tablename__ = "marketplace_accounts"
    __table_args__ = (sa.UniqueConstraint("household_id", "platform"),)
    household_id = sa.Column(sa.Uuid, sa.ForeignKey("households.id"), nullable=False)  # indexed by the unique key
    platform = sa.Column(sa.String(24), nullable=False)
    shop_name = sa.Column(sa.String(200), nullable=True)
    status = sa.Column(sa.String(16), nullable=False, default="opened")
    opened_on = sa.Column(sa.Date, nullable=True)
    products_listed = sa.Column(sa.Integer, nullable=False, default=0)
    orders_reported = sa.Column(sa.Integer, nullable=False, default=0)
    checked_on = sa.Column(sa.Date, nullable=True)

    household = orm.relationship("Household", back_populates="marketplace_accounts")

    @property
    def is_active(self) -> bool:
        """Active as the programme counts it: lists products or reports orders."""
        return (self.products_listed or 0) > 0 or (self.orders_reported or 0) > 0


class PaymentAccount(Synced, db.Model):
    """An e-payment account of a household with one provider (never a number)."""

    __tablename__ = "payment_accounts"
    __table_args__ = (sa.UniqueConstraint("household_id", "provider"),)
    household_id = sa.Column(sa.Uuid, sa.ForeignKey("households.id"), nullable=False)  # indexed by the unique key
    provider = sa.Column(sa.String(24), nullable=False)
    status = sa.Column(sa.String(16), nullable=False, default="opened")
    opened_on = sa.Column(sa.Date, nullable=True)

    household = orm.relationship("Household", back_populates="payment_accounts")


class HouseholdMerge(db.Model):
    """One household merged into another, with what the merge wrote, so that it can be undone."""

    __tablename__ = "household_merges"
    id = sa.Column(sa.Integer, primary_key=True)
    kept_id = sa.Column(sa.Uuid, sa.ForeignKey("households.id"), nullable=False, index=True)
    merged_id = sa.Column(sa.Uuid, sa.ForeignKey("households.id"), nullable=False, index=True)
    merged_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    merged_at = sa.Column(UTCDateTime(), nullable=False)
    # In order: {"entity", "record_id", "op": created | edited | deleted | restored, "before": {field: value},
    # "clock"}; "before" holds the values the merge replaced, "clock" the one it wrote them with.
    changes = sa.Column(sa.JSON, nullable=False, default=list)
    undone_at = sa.Column(UTCDateTime(), nullable=True)
    undone_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)

    merged = orm.relationship("Household", foreign_keys=[merged_id])
