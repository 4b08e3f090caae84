"""Demo training sessions with attendance, producers with products and lots, baselines and targets."""

from datetime import timedelta
from decimal import Decimal

from server.demo.households import synced_row
from server.demo.names import (
    COOPERATIVES,
    GS1_PREFIXES,
    HOUSEHOLD_PRODUCTS,
    PRODUCT_HOMES,
    SESSION_TITLES,
    DemoCommune,
)
from server.demo.seeded import Seeded
from server.products.gs1 import check_digit
from server.text import fold

EARLY_TOPICS = (("digital_skills", 60), ("e_payment", 20), ("online_safety", 20))
LATER_TOPICS = (("selling_online", 30), ("packaging_delivery", 20), ("livestream", 15), ("e_payment", 15))
LATER_TOPICS += (("digital_skills", 15), ("online_safety", 5))
METHODS = (("search", 45), ("qr", 30), ("web", 10), ("import", 15))
CATEGORIES = {"fruit": "Trái cây", "processed_food": "Thực phẩm chế biến", "rice": "Gạo", "vegetable": "Rau củ"}


def _topics(rng: Seeded, days_ago: int) -> list[str]:
    # The programme starts with digital skills and moves on to selling as months pass.
    table = EARLY_TOPICS if days_ago > 110 else LATER_TOPICS
    topics = ["digital_skills"] if rng.chance(0.45) else [rng.pick(table)]
    if rng.chance(0.4):
        topics.append(rng.pick(LATER_TOPICS))
    return list(dict.fromkeys(topics))


def sessions_for(rng: Seeded, commune: DemoCommune, hamlets: list[dict], trainer_id: int | None) -> list[dict]:
    """Two to four sessions a month over the last six months."""
    rows = []
    for month in range(6):
        for _ in range(rng.randint(2, 4)):
            days_ago = rng.randint(month * 30 + 1, month * 30 + 30)
            held_on = rng.days_ago(days_ago)
            topics = _topics(rng, days_ago)
            hamlet = rng.choice(hamlets) if hamlets and rng.chance(0.7) else None
            row = synced_row(rng, rng.moment(held_on, held_on), commune_code=commune.code, held_on=held_on)
            row.update(hamlet_code=hamlet["code"] if hamlet else None, topics=topics, trainer_id=trainer_id)
            row["title"] = SESSION_TITLES[topics[0]]
            rows.append(row)
    return sorted(rows, key=lambda r: r["held_on"])


def attendance_for(rng: Seeded, session: dict, households: list[dict], trained: dict) -> list[dict]:
    """Registered households of the commune, most from the session's hamlet; updates `trained`."""
    held_on = session["held_on"]
    ready = [h for h in households if h["created_at"].date() <= held_on]
    local = [h for h in ready if session["hamlet_code"] and h["hamlet_code"] == session["hamlet_code"]]
    if "digital_skills" in session["topics"] and rng.chance(0.5):
        # Trainers often invite those not trained yet.
        local = [h for h in local if h["id"] not in trained] or local
        ready = [h for h in ready if h["id"] not in trained] or ready
    size = min(rng.randint(12, 30), len(ready))
    chosen = {}
    while len(chosen) < size:
        pool = local if local and rng.chance(0.75) else ready
        household = rng.choice(pool)
        chosen[household["id"]] = household
    rows = []
    for household in chosen.values():
        row = synced_row(rng, session["created_at"], session_id=session["id"], household_id=household["id"])
        row.update(attendee_name=household["head_name"], method=rng.pick(METHODS))
        rows.append(row)
        if "digital_skills" in session["topics"]:
            trained.setdefault(household["id"], held_on)
    return rows


def gtin14(rng: Seeded) -> str:
    """A Vietnamese GTIN-13 (prefix 893) with its check digit, stored as GTIN-14 like every GTIN."""
    prefix = rng.choice(GS1_PREFIXES)
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(12 - len(prefix)))
    return "0" + body + str(check_digit(body))


def _producer(rng: Seeded, when, kind: str, name: str, commune_code: str, **fields) -> dict:
    row = synced_row(rng, when, kind=kind, name=name, commune_code=commune_code, search_text=fold(name))
    row.update({"household_id": None, "hamlet_code": None, "phone": None, "publish_contact": False} | fields)
    return row


def _product(rng: Seeded, producer: dict, name: str, category: str, stars: int | None, gtin: bool) -> dict:
    when = min(producer["created_at"] + timedelta(days=rng.randint(0, 20)), rng.moment(rng.today, rng.today))
    row = synced_row(rng, when, producer_id=producer["id"])
    row.update(name=name, category=CATEGORIES[category], gtin=gtin14(rng) if gtin else None, ocop_stars=stars)
    row.update(ocop_certificate=f"{rng.randint(100, 2999)}/QĐ-UBND" if stars else None)
    row.update(ocop_year=rng.choice((2024, 2025)) if stars else None, marketplace_links=[], search_text=fold(name))
    row["certifications"] = [{"name": "VietGAP", "number": f"VG-{rng.randint(1000, 9999)}"}] if stars else []
    return row


def producers_and_products(rng: Seeded, households: list[dict], sellers: set) -> tuple[list, list]:
    """Household producers (selling online) and the demo's cooperatives, with their products."""
    producers, products = [], []
    for household in households:
        if household["id"] not in sellers or not rng.chance(0.35):
            continue
        made = min(household["created_at"] + timedelta(days=rng.randint(5, 40)), rng.moment(rng.today, rng.today))
        producer = _producer(rng, made, "household", household["head_name"], household["commune_code"])
        producer.update(household_id=household["id"], hamlet_code=household["hamlet_code"], phone=household["phone"])
        producers.append(producer)
        choices = [
            p
            for p in HOUSEHOLD_PRODUCTS
            if PRODUCT_HOMES.get(p[0], household["commune_code"]) == household["commune_code"]
        ]
        for name, category, _unit, stars in rng.sample(choices, rng.randint(1, 2)):
            stars = stars if stars and rng.chance(0.4) else None  # OCOP rates a few producers, not a product name
            products.append(_product(rng, producer, name, category, stars, gtin=bool(stars) or rng.chance(0.1)))
    for commune_code, name, product, category, _unit, stars in COOPERATIVES:
        when = rng.moment(rng.days_ago(300), rng.days_ago(200))
        area = "0294" if commune_code.startswith("29") else "0293"  # Trà Vinh, Hậu Giang landlines
        coop = _producer(rng, when, "cooperative", name, commune_code, publish_contact=True)
        coop["phone"] = f"{area}3{rng.randint(0, 999_999):06d}"
        producers.append(coop)
        products.append(_product(rng, coop, product, category, stars, gtin=True))
        products.append(_product(rng, coop, f"{product} (hộp quà)", category, None, gtin=rng.chance(0.5)))
    return producers, products


UNITS = {name: unit for name, _c, unit, _s in HOUSEHOLD_PRODUCTS} | {p[2]: p[4] for p in COOPERATIVES}


def lots_for(rng: Seeded, product: dict) -> list[dict]:
    """One to four lots packed since the product was registered, some already scanned."""
    rows = []
    start = max(product["created_at"].date(), rng.days_ago(180))
    for number in range(1, rng.randint(1, 4) + 1):
        packed = start + timedelta(days=rng.randint(0, max((rng.today - start).days - 1, 0)))
        row = synced_row(rng, rng.moment(packed, packed), product_id=product["id"], code=f"L{packed:%y%m}-{number:02d}")
        fresh = product["category"] in (CATEGORIES["fruit"], CATEGORIES["vegetable"], CATEGORIES["rice"])
        row.update(harvested_on=packed - timedelta(days=1) if fresh else None, packed_on=packed)
        base = product["name"].removesuffix(" (hộp quà)")
        row.update(quantity=Decimal(rng.randint(20, 800)), unit=UNITS.get(base, "kg"))
        scans = rng.randint(1, 90) if (rng.today - packed).days > 10 and rng.chance(0.6) else 0
        first = rng.moment(packed + timedelta(days=3), packed + timedelta(days=9)) if scans else None
        row.update(scan_count=scans, first_scanned_at=first)
        rows.append(row)
    return rows


def baselines_and_targets(rng: Seeded, households_per_commune: dict, provinces) -> tuple[list, list]:
    """Official farm households per commune (more than registered) and 70/50/50 targets per province."""
    when = rng.moment(rng.days_ago(320), rng.days_ago(300))
    years = sorted({rng.days_ago(182).year, rng.today.year})
    baselines, targets = [], []
    for year in years:
        for code, registered in households_per_commune.items():
            farm = int(registered * rng.uniform(1.25, 1.9) / 10 + 1) * 10
            baselines.append(_plain(when, place_code=code, year=year, farm_households=farm))
        for code in provinces:
            for indicator, percent in (("trained_digital", 70), ("seller_account", 50), ("payment_account", 50)):
                targets.append(_plain(when, place_code=code, year=year, indicator=indicator, percent=Decimal(percent)))
    return baselines, targets


def _plain(when, **fields) -> dict:
    return {"created_at": when, "updated_at": when, "deleted_at": None, "version": 0, **fields}
