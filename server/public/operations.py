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
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

import sqlalchemy as sa
from flask import current_app, request
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql, sqlite

from server.extensions import db
from server.households.models import Consent, Household
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


@dataclass(frozen=True)
class PublicPlace:
    """A place as the origin page names it: its name, its names before the 2025 reform, its province."""

    name: str
    legacy_names: str
    parent: "PublicPlace | None" = None

    @property
    def legacy_list(self) -> list[str]:
        """Legacy names as a list (as Place.legacy_list)."""
        return [n for n in self.legacy_names.splitlines() if n]


@dataclass(frozen=True)
class PublicHousehold:
    """A producer's household, as far as the origin page reads it: whether it consents to publishing."""

    publishes: bool

    def has_consent(self, purpose: str) -> bool:
        """As Household.has_consent, for the one purpose the origin page reads."""
        if purpose != "publish":
            raise LookupError(f"the origin page does not read the {purpose!r} consent")
        return self.publishes


@dataclass(frozen=True)
class PublicProducer:
    kind: str
    name: str
    phone: str | None
    publish_contact: bool
    household: PublicHousehold | None
    commune: PublicPlace
    hamlet: PublicPlace | None


@dataclass(frozen=True)
class PublicProduct:
    """What the origin page, its linkset and its URL read of a live product (origin_facts reads it as a Product)."""

    id: uuid.UUID
    gtin: str | None
    name: str
    category: str | None
    ocop_stars: int | None
    ocop_certificate: str | None
    ocop_year: int | None
    certifications: list
    marketplace_links: list
    producer: PublicProducer


@dataclass
class PublicLot:
    """A live lot; record_scan sets the figures its count returned."""

    id: uuid.UUID
    code: str
    harvested_on: date | None
    packed_on: date | None
    scan_count: int
    first_scanned_at: datetime | None


@cache
def _live_product(by: str):
    """The live product whose `by` column is :key, with only what the origin page shows: its
    producer, the producer's commune, province and hamlet, whether a household producer's household
    consents to publishing, and its live lot coded :lot if there is one.

    One Core query, built once, reading plain rows: building the statement cost more than running
    it, and loading five ORM objects (then the household and its consents, lazily, for a household
    producer: two more queries) cost a third of the page.
    """
    commune, province, hamlet = orm.aliased(Place), orm.aliased(Place), orm.aliased(Place)
    publishes = (
        sa.select(Consent.id)
        .where(Consent.household_id == Producer.household_id, Consent.purpose == "publish")
        .where(Consent.given.is_(True), Consent.deleted_at.is_(None))
        .exists()
    )
    lot = sa.and_(Lot.product_id == Product.id, Lot.code == sa.bindparam("lot", type_=Lot.code.type))
    columns = [getattr(Product, name) for name in _PRODUCT]
    columns += [getattr(Producer, name) for name in _PRODUCER] + [publishes.label("publishes")]
    columns += [column for place in (commune, province, hamlet) for column in (place.name, place.legacy_names)]
    columns += [getattr(Lot, name) for name in _LOT]
    query = sa.select(*columns).join(Producer, Producer.id == Product.producer_id)
    query = query.join(commune, commune.code == Producer.commune_code)
    query = query.outerjoin(province, province.code == commune.parent_code)
    query = query.outerjoin(hamlet, hamlet.code == Producer.hamlet_code)
    query = query.outerjoin(Lot, sa.and_(lot, Lot.deleted_at.is_(None)))
    query = query.where(Product.deleted_at.is_(None), Producer.deleted_at.is_(None))
    return query.where(getattr(Product, by) == sa.bindparam("key", type_=getattr(Product, by).type))


_PRODUCT = ("id", "gtin", "name", "category", "ocop_stars", "ocop_certificate", "ocop_year")
_PRODUCT += ("certifications", "marketplace_links")
_PRODUCER = ("kind", "name", "phone", "publish_contact", "household_id")
_LOT = ("id", "code", "harvested_on", "packed_on", "scan_count", "first_scanned_at")


def _product_and_lot(by: str, key, lot_code: str | None) -> tuple[PublicProduct | None, PublicLot | None]:
    found = db.session.execute(_live_product(by), {"key": key, "lot": lot_code}).first()
    if found is None:
        return None, None
    row = tuple(found)
    product, n = row[: len(_PRODUCT)], len(_PRODUCT)
    kind, name, phone, publish_contact, household_id, publishes = row[n : n + 6]
    commune_name, commune_legacy, province_name, province_legacy, hamlet_name, hamlet_legacy = row[n + 6 : n + 12]
    lot = row[n + 12 :]
    province = None if province_name is None else PublicPlace(province_name, province_legacy)
    producer = PublicProducer(
        kind=kind,
        name=name,
        phone=phone,
        publish_contact=publish_contact,
        household=None if household_id is None else PublicHousehold(bool(publishes)),
        commune=PublicPlace(commune_name, commune_legacy, province),
        hamlet=None if hamlet_name is None else PublicPlace(hamlet_name, hamlet_legacy),
    )
    return PublicProduct(*product, producer=producer), None if lot[0] is None else PublicLot(*lot)


def product_by_gtin(gtin: str, lot_code: str | None = None) -> tuple[PublicProduct | None, PublicLot | None]:
    """The live product holding a GTIN-14, and its live lot of that code (None without one)."""
    return _product_and_lot("gtin", gtin, lot_code)


def product_by_code(code: str, lot_code: str | None = None) -> tuple[PublicProduct | None, PublicLot | None]:
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


def _visitor(lot: PublicLot, today: date) -> str:
    """This visitor of the lot today: the day's keyed hash of lot, address and user agent."""
    who = "\n".join((str(lot.id), request.remote_addr or "", request.user_agent.string))
    return hmac.new(_day_key(today), who.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def record_scan(lot: PublicLot) -> None:
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
        lot.scan_count, lot.first_scanned_at = counted.scan_count, counted.first_scanned_at


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
