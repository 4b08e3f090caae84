"""Looking up what a scanned label points to, and counting scans per lot.

A lot counts one scan per visitor per day (UTC). A visitor is an HMAC-SHA256 of the lot, the
client's address and its user agent under the day's key; the key is derived from SECRET_KEY and
a random salt kept for that day only (server/public/models.py), and the first scan of a day
deletes the past days' salts and hashes. So nothing personal is stored, visitors of two lots
cannot be linked, and once a day is over nobody can tell who scanned on it. Known crawlers
and link-preview fetchers are not counted, nor is a page's own language switch (`?lang=`).
"""

import hashlib
import hmac
import re
import secrets
import uuid
from datetime import date

import sqlalchemy as sa
from flask import current_app, request
from sqlalchemy.dialects import postgresql, sqlite

from server.extensions import db
from server.households.models import Household
from server.models_base import utcnow
from server.products.models import Lot, Producer, Product
from server.public.codes import record_id
from server.public.models import ScanDay, ScanVisitor

# Search and AI crawlers, the link-preview fetchers of chat apps and social sites, uptime checkers
# and command-line clients. "(?<!cu)bot" leaves out Cubot phones. A browser always sends a user agent.
_NOT_A_PERSON = re.compile(
    r"(?<!cu)bot|crawl|spider|slurp|scrap|preview|externalhit|facebookcatalog|meta-external|whatsapp|"
    r"telegram|skype|discord|slack|embedly|vkshare|pinterest|quora|yahoo|duckduck|ia_archiver|"
    r"headless|lighthouse|pingdom|uptime|monitor|curl|wget|python|httpx|go-http|okhttp|java/|"
    r"libwww|axios|node-fetch|\+https?://",
    re.IGNORECASE,
)


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


def is_counted_scan() -> bool:
    """Whether this request is a person's scan: not a crawler or a link preview, not a language switch."""
    if "lang" in request.args or request.method != "GET":
        return False
    agent = request.user_agent.string
    return bool(agent) and not _NOT_A_PERSON.search(agent)


def _insert_new(table, **values) -> bool:
    """INSERT unless the primary key is there already; whether a row was added."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    added = insert(table).values(**values).on_conflict_do_nothing().returning(*table.primary_key.columns)
    return db.session.execute(added).first() is not None


def _day_key(today: date) -> bytes:
    """Today's visitor key; the first call of a day forgets every past day first."""
    salt = db.session.scalar(sa.select(ScanDay.salt).where(ScanDay.day == today))
    if salt is None:
        db.session.execute(sa.delete(ScanVisitor).where(ScanVisitor.day < today))
        db.session.execute(sa.delete(ScanDay).where(ScanDay.day < today))
        _insert_new(ScanDay.__table__, day=today, salt=secrets.token_bytes(32))
        salt = db.session.scalar(sa.select(ScanDay.salt).where(ScanDay.day == today))
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, b"lot-scan-visitors/" + today.isoformat().encode() + b"/" + salt, hashlib.sha256).digest()


def first_visit_today(lot: Lot) -> bool:
    """Record this visitor of the lot for today; False when they already scanned it today."""
    today = utcnow().date()
    who = "\n".join((str(lot.id), request.remote_addr or "", request.user_agent.string))
    visitor = hmac.new(_day_key(today), who.encode("utf-8", "replace"), hashlib.sha256).hexdigest()
    return _insert_new(ScanVisitor.__table__, day=today, visitor=visitor)


def record_scan(lot: Lot) -> None:
    """Count the request as a scan of the lot when it is a person's first scan of it today."""
    if is_counted_scan() and first_visit_today(lot):
        count_scan(lot)


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
