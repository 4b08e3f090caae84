"""Demo data for `make run`: Vĩnh Long (former Trà Vinh) and Cần Thơ (former Hậu Giang).

Everything comes from one seeded random source, so the same day gives the same demo.
It is seed data: rows are bulk-inserted with versions from the counter and no mutation log.
"""

from datetime import date

import sqlalchemy as sa

from server.auth.models import User
from server.bulletins.models import Bulletin
from server.demo import activity, bulletins, households
from server.demo.names import COMMUNES, DISPLAY_NAMES, PROVINCES, TRAINER_COMMUNES
from server.demo.seeded import Seeded
from server.extensions import db
from server.households.models import Consent, Household, MarketplaceAccount, PaymentAccount
from server.models_base import next_versions
from server.places.loader import load_official_places
from server.places.models import Place
from server.places.operations import new_hamlet
from server.products.models import Lot, Producer, Product
from server.reports.models import Baseline, Target
from server.training.models import Attendance, TrainingSession

DEMO_LOGINS = (
    ("admin", "admin-demo-2026", "admin"),
    ("giamsat", "giamsat-demo-2026", "supervisor"),
    ("taphuan1", "taphuan-demo-2026", "trainer"),
    ("taphuan2", "taphuan-demo-2026", "trainer"),
)
SEED = 2026
# Parents before children, so a pull paging by version meets a household before its accounts.
TABLE_ORDER = (
    Household,
    Consent,
    TrainingSession,
    Attendance,
    MarketplaceAccount,
    PaymentAccount,
    Producer,
    Product,
    Lot,
    Baseline,
    Target,
    Bulletin,
)


def load_demo(households: int = 2000, only_if_empty: bool = False) -> bool:
    """Load the demo; returns False when skipped because households (or the demo) exist."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Place)) == 0:
        load_official_places()
    if only_if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Household)):
        return False
    rng = Seeded(SEED, date.today())
    if db.session.get(Place, f"{COMMUNES[0].code}-001") is not None:
        return False  # the demo is already here; its seeded ids would collide
    hamlets = _hamlets(rng)
    users = _users(rng)
    _insert(_records(rng, households, hamlets, users))
    db.session.commit()  # the demo loader (a command) is its own unit of work
    return True


def _hamlets(rng: Seeded) -> dict[str, list[dict]]:
    """The demo's hamlets (ấp, phum, sóc) as ORM rows; returned as dicts per commune."""
    result = {}
    for commune in COMMUNES:
        parent = db.session.get(Place, commune.code)
        result[commune.code] = []
        for number, name in enumerate(commune.hamlets, start=1):
            hamlet = new_hamlet(parent, name, number)
            hamlet.created_at = hamlet.updated_at = rng.moment(rng.days_ago(330), rng.days_ago(300))
            db.session.add(hamlet)
            result[commune.code].append({"code": hamlet.code, "name": hamlet.name})
    return result


def _users(rng: Seeded) -> dict[str, User]:
    """The demo's admin, supervisor and two trainers, unless they exist already."""
    users = {}
    for username, password, role in DEMO_LOGINS:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            codes = {"admin": (), "supervisor": PROVINCES}.get(role, TRAINER_COMMUNES.get(username, ()))
            user = User(username=username, role=role, display_name=DISPLAY_NAMES[username])
            user.places = [db.session.get(Place, code) for code in codes]
            user.set_password(password)
            user.created_at = rng.moment(rng.days_ago(300), rng.days_ago(290))
            db.session.add(user)
        users[username] = user
    db.session.flush()
    return users


def _trainer_by_commune(users: dict[str, User]) -> dict[str, int]:
    return {code: users[name].id for name, codes in TRAINER_COMMUNES.items() for code in codes}


def _counts(total: int) -> list[int]:
    """Households per demo commune, by weight, adding up to `total`."""
    counts = [int(total * commune.weight) for commune in COMMUNES]
    counts[0] += total - sum(counts)
    return counts


def _records(rng: Seeded, total: int, hamlets: dict, users: dict) -> dict:
    """Every demo record as row dicts, keyed by model."""
    trainers = _trainer_by_commune(users)
    rows = {model: [] for model in TABLE_ORDER}
    phones, trained, per_commune = set(), {}, {}
    for commune, count in zip(COMMUNES, _counts(total), strict=True):
        people = households.households_for(rng, commune, count, hamlets[commune.code], phones)
        per_commune[commune.code] = len(people)
        rows[Household] += people
        for household in people:
            rows[Consent] += households.consents_for(rng, household, commune, trainers.get(commune.code))
        for session in activity.sessions_for(rng, commune, hamlets[commune.code], trainers.get(commune.code)):
            rows[TrainingSession].append(session)
            rows[Attendance] += activity.attendance_for(rng, session, people, trained)
    for household in rows[Household]:
        rows[MarketplaceAccount] += households.seller_accounts_for(rng, household, trained.get(household["id"]))
        rows[PaymentAccount] += households.payment_accounts_for(rng, household, trained.get(household["id"]))
    sellers = {a["household_id"] for a in rows[MarketplaceAccount] if a["status"] == "active"}
    rows[Producer], rows[Product] = activity.producers_and_products(rng, rows[Household], sellers)
    rows[Lot] = [lot for product in rows[Product] for lot in activity.lots_for(rng, product)]
    rows[Baseline], rows[Target] = activity.baselines_and_targets(rng, per_commune, PROVINCES)
    rows[Bulletin] = bulletins.bulletins_for(rng, users["giamsat"].id if "giamsat" in users else None)
    return rows


def _insert(rows: dict) -> None:
    """Stamp versions from the counter (table by table, oldest first) and bulk-insert."""
    total = sum(len(batch) for batch in rows.values())
    versions = iter(next_versions(db.session, total))
    for model in TABLE_ORDER:
        batch = sorted(rows[model], key=lambda r: r["created_at"])
        for row in batch:
            row["version"] = next(versions)
            row["updated_at"] = max(row["updated_at"], row["created_at"])
        if batch:
            db.session.execute(sa.insert(model.__table__), batch)
