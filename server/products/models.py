"""Producers (household, cooperative, enterprise), products and lots."""

import sqlalchemy as sa
from sqlalchemy import orm

from server.extensions import db
from server.models_base import Synced, UTCDateTime

PRODUCER_KINDS = ("household", "cooperative", "enterprise")


class Producer(Synced, db.Model):
    """Who makes a product; a household producer publishes only what the household consented to."""

    __tablename__ = "producers"
    kind = sa.Column(sa.String(16), nullable=False)
    name = sa.Column(sa.String(200), nullable=False)
    household_id = sa.Column(sa.Uuid, sa.ForeignKey("households.id"), nullable=True)
    commune_code = sa.Column(sa.String(24), sa.ForeignKey("places.code"), nullable=False, index=True)
    hamlet_code = sa.Column(sa.String(24), sa.ForeignKey("places.code"), nullable=True)
    phone = sa.Column(sa.String(32), nullable=True)
    # Cooperatives and enterprises choose what their public page shows.
    publish_contact = sa.Column(sa.Boolean, nullable=False, default=False)
    search_text = sa.Column(sa.Text, nullable=False, default="")

    household = orm.relationship("Household")
    commune = orm.relationship("Place", foreign_keys=[commune_code])
    hamlet = orm.relationship("Place", foreign_keys=[hamlet_code])
    products = orm.relationship("Product", back_populates="producer")


class Product(Synced, db.Model):
    """A product with optional GTIN-14, OCOP rating, certifications and marketplace links."""

    __tablename__ = "products"
    producer_id = sa.Column(sa.Uuid, sa.ForeignKey("producers.id"), nullable=False, index=True)
    name = sa.Column(sa.String(200), nullable=False)
    category = sa.Column(sa.String(80), nullable=True)
    gtin = sa.Column(sa.String(14), nullable=True, unique=True)
    ocop_stars = sa.Column(sa.Integer, nullable=True)
    ocop_certificate = sa.Column(sa.String(80), nullable=True)
    ocop_year = sa.Column(sa.Integer, nullable=True)
    certifications = sa.Column(sa.JSON, nullable=False, default=list)  # [{"name", "number"}]
    marketplace_links = sa.Column(sa.JSON, nullable=False, default=list)  # [{"platform", "url"}]
    search_text = sa.Column(sa.Text, nullable=False, default="")

    producer = orm.relationship("Producer", back_populates="products")
    lots = orm.relationship("Lot", back_populates="product")


class Lot(Synced, db.Model):
    """A harvest or packing lot of a product, with its public scan count."""

    __tablename__ = "lots"
    __table_args__ = (sa.UniqueConstraint("product_id", "code"),)
    product_id = sa.Column(sa.Uuid, sa.ForeignKey("products.id"), nullable=False, index=True)
    code = sa.Column(sa.String(20), nullable=False)
    harvested_on = sa.Column(sa.Date, nullable=True)
    packed_on = sa.Column(sa.Date, nullable=True)
    quantity = sa.Column(sa.Numeric(12, 2), nullable=True)
    unit = sa.Column(sa.String(16), nullable=True)
    scan_count = sa.Column(sa.Integer, nullable=False, default=0)
    first_scanned_at = sa.Column(UTCDateTime(), nullable=True)

    product = orm.relationship("Product", back_populates="lots")
