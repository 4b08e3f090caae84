"""Looking up what a scanned label points to, and counting scans per lot.

A lot counts one scan per visitor per day (UTC). A visitor is an HMAC-SHA256 of the lot, the
client's address and its user agent under the day's key; the key is derived from SECRET_KEY and
a random salt kept for that day only (server/public/models.py), and the first scan of a day
deletes the past days' salts and hashes. So nothing personal is stored, visitors of two lots
cannot be linked, and once a day is over nobody can tell who scanned on it. Known crawlers
and link-preview fetchers are not counted, nor is a page's own language switch (`?lang=`).

A visit costs one statement on PostgreSQL (the visitor's row and the lot's count in one
INSERT … ON CONFLICT DO NOTHING feeding an UPDATE) and two on SQLite, which has no writing
WITH; a visitor already counted today costs the INSERT alone. The day's key is kept by each
process for that day (the salt does not change until the day is over), so it is read once a day.
"""

import hashlib
import hmac
import re
import secrets
import uuid
from datetime import date
from functools import cache

import sqlalchemy as sa
from flask import current_app, request
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql, sqlite

from server.extensions import db
from server.households.models import Household
from server.models_base import utcnow
from server.places.models import Place
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


@cache
def _live_product(by: str):
    """The live product whose `by` column is :key, with its producer, the producer's commune and
    province (the origin page shows them all), and its live lot coded :lot if there is one.

    One query, built once: building the statements of a page cost more than running them.
    """
    lot = sa.and_(Lot.product_id == Product.id, Lot.code == sa.bindparam("lot", type_=Lot.code.type))
    query = sa.select(Product, Lot).join(Producer).outerjoin(Lot, sa.and_(lot, Lot.deleted_at.is_(None)))
    query = query.where(Product.deleted_at.is_(None), Producer.deleted_at.is_(None))
    query = query.where(getattr(Product, by) == sa.bindparam("key", type_=getattr(Product, by).type))
    return query.options(orm.contains_eager(Product.producer).joinedload(Producer.commune).joinedload(Place.parent))


def _product_and_lot(by: str, key, lot_code: str | None) -> tuple[Product | None, Lot | None]:
    found = db.session.execute(_live_product(by), {"key": key, "lot": lot_code}).first()
    return (None, None) if found is None else tuple(found)


def product_by_gtin(gtin: str, lot_code: str | None = None) -> tuple[Product | None, Lot | None]:
    """The live product holding a GTIN-14, and its live lot of that code (None without one)."""
    return _product_and_lot("gtin", gtin, lot_code)


def product_by_code(code: str, lot_code: str | None = None) -> tuple[Product | None, Lot | None]:
    """The live product a /p/ code (public code or plain UUID) stands for, and its live lot of that code."""
    product_id = record_id(code)
    if product_id is None:
        try:
            product_id = uuid.UUID(code)
        except ValueError:
            return None, None
    return _product_and_lot("id", product_id, lot_code)


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
    """Today's visitor key; the first call of a day forgets every past day first.

    Each process keeps the key of a salt it found stored, until the day is over; a salt it has
    only just added waits for the next request (this one might yet roll back).
    """
    kept = current_app.extensions.setdefault("scan_day_key", {})
    if today in kept:
        return kept[today]
    salt = db.session.scalar(sa.select(ScanDay.salt).where(ScanDay.day == today))
    stored = salt is not None
    if not stored:
        db.session.execute(sa.delete(ScanVisitor).where(ScanVisitor.day < today))
        db.session.execute(sa.delete(ScanDay).where(ScanDay.day < today))
        stored = not _insert_new(ScanDay.__table__, day=today, salt=secrets.token_bytes(32))
        salt = db.session.scalar(sa.select(ScanDay.salt).where(ScanDay.day == today))
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    key = hmac.new(secret, b"lot-scan-visitors/" + today.isoformat().encode() + b"/" + salt, hashlib.sha256).digest()
    if stored:
        kept.clear()  # a past day's key is never needed again
        kept[today] = key
    return key


def forget_day_key(app) -> None:
    """Drop the kept key, for when the stored salts were removed (tests empty every table)."""
    app.extensions.pop("scan_day_key", None)


def _visitor(lot: Lot, today: date) -> str:
    """This visitor of the lot today: the day's keyed hash of lot, address and user agent."""
    who = "\n".join((str(lot.id), request.remote_addr or "", request.user_agent.string))
    return hmac.new(_day_key(today), who.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def record_scan(lot: Lot) -> None:
    """Count the request as a scan of the lot when it is a person's first scan of it today.

    Kept by the request's commit (server/transaction.py). A plain UPDATE rather than an ORM
    change: concurrent scans never lose a count, and a scan does not give the lot a new sync
    version. The lot then shows the figures the UPDATE returned.
    """
    if not is_counted_scan():
        return
    today = utcnow().date()
    values = {"day": today, "visitor": _visitor(lot, today), "lot": lot.id, "now": utcnow()}
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        counted = db.session.execute(_visit_and_count(), values).first()
    elif db.session.execute(_visit(dialect), values).first() is not None:
        counted = db.session.execute(_count(), values).first()
    else:
        counted = None
    if counted is not None:
        orm.attributes.set_committed_value(lot, "scan_count", counted.scan_count)
        orm.attributes.set_committed_value(lot, "first_scanned_at", counted.first_scanned_at)


@cache
def _visit(dialect: str):
    """Today's visitor of a lot, unless already there; returns a row when it was not."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = ScanVisitor.__table__
    values = {"day": sa.bindparam("day", type_=table.c.day.type), "visitor": sa.bindparam("visitor", type_=sa.String)}
    return insert(table).values(values).on_conflict_do_nothing().returning(table.c.visitor)


@cache
def _count(when=None):
    """One more scan of the lot (the first one's time kept), when `when` holds; returns the new figures."""
    table = Lot.__table__
    now = sa.bindparam("now", type_=table.c.first_scanned_at.type)
    update = sa.update(table).where(table.c.id == sa.bindparam("lot", type_=table.c.id.type))
    if when is not None:
        update = update.where(when)
    # updated_at named, as its onupdate would set it: inside a WITH, SQLAlchemy leaves that default out.
    first = sa.func.coalesce(table.c.first_scanned_at, now)
    update = update.values(scan_count=table.c.scan_count + 1, first_scanned_at=first, updated_at=now)
    return update.returning(table.c.scan_count, table.c.first_scanned_at)


@cache
def _visit_and_count():
    """PostgreSQL: the visitor's INSERT and, when it added a row, the lot's UPDATE, in one statement."""
    visit = _visit("postgresql").cte("visit")
    return _count(sa.exists(sa.select(visit.c.visitor))).add_cte(visit)


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
