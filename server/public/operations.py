"""Looking up what a scanned label points to, and counting scans per lot."""

import uuid

import sqlalchemy as sa

from server.extensions import db
from server.households.models import Household
from server.models_base import utcnow
from server.products.models import Lot, Producer, Product
from server.public.codes import record_id


def _live_product(query) -> Product | None:
    query = query.join(Producer).where(Product.deleted_at.is_(None), Producer.deleted_at.is_(None))
    return db.session.scalar(query)


def product_by_gtin(gtin: str) -> Product | None:
    """The live product holding a GTIN-14."""
    return _live_product(sa.select(Product).where(Product.gtin == gtin))


def product_by_code(code: str) -> Product | None:
    """The live product a /p/ code (public code or plain UUID) stands for."""
    product_id = record_id(code)
    if product_id is None:
        try:
            product_id = uuid.UUID(code)
        except ValueError:
            return None
    return _live_product(sa.select(Product).where(Product.id == product_id))


def lot_of(product: Product, code: str) -> Lot | None:
    """A live lot of the product by its code."""
    return db.session.scalar(
        sa.select(Lot).where(Lot.product_id == product.id, Lot.code == code, Lot.deleted_at.is_(None))
    )


def count_scan(lot: Lot) -> None:
    """Add one scan to the lot, atomically, remembering the first one.

    A plain UPDATE rather than an ORM change: concurrent scans never lose a count, and a
    scan does not give the lot a new sync version. Kept by the request's commit (server/transaction.py).
    """
    table = Lot.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id == lot.id)
        .values(
            scan_count=table.c.scan_count + 1,
            first_scanned_at=sa.func.coalesce(
                table.c.first_scanned_at, sa.bindparam("now", utcnow(), type_=table.c.first_scanned_at.type)
            ),
        )
    )
    db.session.refresh(lot)


def household_by_code(code: str) -> Household | None:
    """The live, not erased household an address code stands for; a merged one leads to the survivor."""
    household_id = record_id(code)
    for _hop in range(5):
        household = db.session.get(Household, household_id) if household_id else None
        if household is None or household.merged_into_id is None:
            break
        household_id = household.merged_into_id
    if household is None or household.deleted_at or household.erased_at or household.merged_into_id:
        return None
    return household
