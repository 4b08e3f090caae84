"""Reading and writing producers, products and lots (tombstones, never hard deletes)."""

import sqlalchemy as sa

from server.errors import NotFound
from server.extensions import db
from server.models_base import utcnow
from server.places.models import Place
from server.products.models import Lot, Producer, Product
from server.text import fold, nfc

SEARCH_LIMIT = 100


def _matching(query, column, q: str):
    for word in fold(q).split():
        query = query.where(column.contains(word, autoescape=True))
    return query


def search_producers(scope, q: str = "") -> list[Producer]:
    """Live producers in scope whose name, phone or place matches every word of q."""
    query = sa.select(Producer).where(Producer.deleted_at.is_(None), scope.commune_filter(Producer.commune_code))
    query = _matching(query, Producer.search_text, q)
    return list(db.session.scalars(query.order_by(Producer.name).limit(SEARCH_LIMIT)))


def search_products(scope, q: str) -> list[Product]:
    """Live products in scope whose name, category, GTIN or producer matches every word of q."""
    query = (
        sa.select(Product)
        .join(Producer)
        .where(Product.deleted_at.is_(None), Producer.deleted_at.is_(None))
        .where(scope.commune_filter(Producer.commune_code))
    )
    query = _matching(query, Product.search_text, q)
    return list(db.session.scalars(query.order_by(Product.name).limit(SEARCH_LIMIT)))


def live_products(producer: Producer) -> list[Product]:
    """A producer's products that are not deleted, by name."""
    return sorted((p for p in producer.products if p.deleted_at is None), key=lambda p: fold(p.name))


def live_lots(product: Product) -> list[Lot]:
    """A product's lots that are not deleted, newest first."""
    return sorted((lot for lot in product.lots if lot.deleted_at is None), key=lambda lot: lot.created_at, reverse=True)


def get_producer(scope, producer_id) -> Producer:
    """A live producer in scope, or NotFound / Forbidden."""
    producer = db.session.get(Producer, producer_id)
    if producer is None or producer.deleted_at is not None:
        raise NotFound()
    scope.require_commune(producer.commune_code)
    return producer


def get_product(scope, product_id) -> Product:
    """A live product whose producer is in scope."""
    product = db.session.get(Product, product_id)
    if product is None or product.deleted_at is not None:
        raise NotFound()
    get_producer(scope, product.producer_id)
    return product


def get_lot(scope, lot_id) -> Lot:
    """A live lot whose product is in scope."""
    lot = db.session.get(Lot, lot_id)
    if lot is None or lot.deleted_at is not None:
        raise NotFound()
    get_product(scope, lot.product_id)
    return lot


def save_producer(producer: Producer | None, fields: dict) -> Producer:
    """Create or update a producer from validated form fields."""
    producer = producer or Producer()
    for name in ("kind", "commune_code", "hamlet_code", "household_id", "publish_contact", "phone"):
        setattr(producer, name, fields.get(name))
    producer.name = nfc(fields["name"])
    commune = db.session.get(Place, producer.commune_code)
    producer.search_text = " | ".join(filter(None, [fold(producer.name), producer.phone, commune.search_text]))
    db.session.add(producer)
    db.session.flush()
    for product in producer.products:
        product.search_text = _product_search_text(product)
    db.session.flush()
    return producer


def _product_search_text(product: Product) -> str:
    parts = [product.name, product.category, product.gtin, product.producer.name if product.producer else None]
    return " | ".join(fold(p) for p in parts if p)


def save_product(product: Product | None, producer: Producer, fields: dict) -> Product:
    """Create or update a product from validated form fields."""
    product = product or Product(producer=producer)
    product.name = nfc(fields["name"])
    product.category = nfc(fields.get("category")) or None
    for name in ("gtin", "ocop_stars", "ocop_certificate", "ocop_year", "certifications", "marketplace_links"):
        setattr(product, name, fields.get(name))
    product.search_text = _product_search_text(product)
    db.session.add(product)
    db.session.flush()
    return product


def save_lot(lot: Lot | None, product: Product, fields: dict) -> Lot:
    """Create or update a lot; a deleted lot with the same code comes back instead of a clash."""
    if lot is None:
        lot = db.session.scalar(sa.select(Lot).where(Lot.product_id == product.id, Lot.code == fields["code"]))
        if lot is None:
            lot = Lot(product_id=product.id, scan_count=0)
        lot.deleted_at = None
    for name in ("code", "harvested_on", "packed_on", "quantity", "unit"):
        setattr(lot, name, fields.get(name))
    db.session.add(lot)
    db.session.flush()
    return lot


def lot_code_taken(product: Product, code: str, except_lot: Lot | None = None) -> bool:
    """Whether another live lot of the product already has this code."""
    query = sa.select(Lot.id).where(Lot.product_id == product.id, Lot.code == code, Lot.deleted_at.is_(None))
    if except_lot is not None:
        query = query.where(Lot.id != except_lot.id)
    return db.session.scalar(query) is not None


def gtin_owner(gtin: str) -> Product | None:
    """The product that holds a GTIN, if any."""
    return db.session.scalar(sa.select(Product).where(Product.gtin == gtin))


def delete_lot(lot: Lot) -> None:
    """Tombstone a lot; its public page answers 404 from now on."""
    lot.deleted_at = utcnow()
    db.session.flush()


def _tombstone_product(product: Product, now) -> None:
    product.deleted_at = now
    # The GTIN is freed so the producer can give it to a product created later.
    product.gtin = None
    for lot in product.lots:
        lot.deleted_at = lot.deleted_at or now


def delete_product(product: Product) -> None:
    """Tombstone a product and its lots."""
    _tombstone_product(product, utcnow())
    db.session.flush()


def delete_producer(producer: Producer) -> None:
    """Tombstone a producer with its products and lots."""
    now = utcnow()
    producer.deleted_at = now
    for product in producer.products:
        if product.deleted_at is None:
            _tombstone_product(product, now)
    db.session.flush()
