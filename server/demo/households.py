"""Demo households with consents, smartphones, marketplace and payment accounts."""

from datetime import date, timedelta

from openlocationcode import openlocationcode as olc

from server.demo.names import (
    KM_FAMILY,
    KM_GIVEN,
    KM_SCRIPT_NAMES,
    PHONE_PREFIXES,
    VI_FAMILY,
    VI_FEMALE,
    VI_FEMALE_GIVEN,
    VI_MALE,
    VI_MALE_GIVEN,
    DemoCommune,
)
from server.demo.seeded import Seeded
from server.text import fold

SELLER_PLATFORMS = (("postmart", 45), ("voso", 25), ("shopee", 18), ("tiktok", 12))
PROVIDERS = (("viettel_money", 35), ("vnpt_money", 20), ("momo", 15), ("zalopay", 8), ("bank_app", 22))
STATUSES = (("opened", 30), ("verified", 30), ("active", 40))


def synced_row(rng: Seeded, when, **fields) -> dict:
    """The columns every synced record shares, made at `when` (version is set on insert)."""
    row = {"id": rng.uuid7(when), "created_at": when, "updated_at": when, "deleted_at": None, "version": 0}
    row["field_clocks"] = {}
    row.update(fields)
    return row


def head_name(rng: Seeded, khmer: bool) -> str:
    """A household head's name as written on Vietnamese papers (Khmer script too, for some)."""
    if khmer:
        if rng.chance(0.15):
            latin, script = rng.choice(KM_SCRIPT_NAMES)
            return f"{latin} ({script})"
        return f"{rng.pick(KM_FAMILY)} {rng.choice(KM_GIVEN)}"
    if rng.chance(0.5):
        return f"{rng.pick(VI_FAMILY)} {rng.choice(VI_FEMALE)} {rng.choice(VI_FEMALE_GIVEN)}"
    return f"{rng.pick(VI_FAMILY)} {rng.choice(VI_MALE)} {rng.choice(VI_MALE_GIVEN)}"


def _phone(rng: Seeded, taken: set) -> str:
    while True:
        phone = rng.choice(PHONE_PREFIXES) + f"{rng.randint(0, 9_999_999):07d}"
        if phone not in taken:
            taken.add(phone)
            return phone


def _smartphone(rng: Seeded, khmer: bool) -> str:
    if khmer:
        return rng.pick((("yes", 50), ("no", 35), ("unknown", 15)))
    return rng.pick((("yes", 68), ("no", 20), ("unknown", 12)))


def households_for(rng: Seeded, commune: DemoCommune, count: int, hamlets: list[dict], phones: set) -> list[dict]:
    """`count` households of one commune, registered over the last eight months, more of them lately."""
    rows = []
    for _ in range(count):
        khmer = rng.chance(commune.khmer)
        registered_on = rng.days_ago(int(rng.triangular(2, 240, 110)))
        when = rng.moment(registered_on, registered_on)
        hamlet = rng.choice(hamlets) if hamlets and rng.chance(0.92) else None
        name = head_name(rng, khmer)
        phone = _phone(rng, phones) if rng.chance(0.8 if khmer else 0.9) else None
        smartphone = _smartphone(rng, khmer)
        rows.append(
            synced_row(
                rng,
                when,
                head_name=name,
                phone=phone,
                commune_code=commune.code,
                hamlet_code=hamlet["code"] if hamlet else None,
                preferred_language="km" if khmer and rng.chance(0.8) else "vi",
                smartphone=smartphone,
                smartphone_since=when.date() if smartphone == "yes" else None,
                ethnicity="Khmer" if khmer else ("Hoa" if rng.chance(0.02) else "Kinh"),
                latitude=None,
                longitude=None,
                plus_code=None,
                vnpost_code=None,
                search_text=" | ".join(filter(None, (fold(name), phone, fold(hamlet["name"]) if hamlet else None))),
                erased_at=None,
                merged_into_id=None,
            )
        )
    return rows


def consents_for(rng: Seeded, household: dict, commune: DemoCommune, recorded_by: int | None) -> list[dict]:
    """Consent answers per purpose; ethnicity and location are kept only when consented."""
    asked = {"programme": True, "contact": household["phone"] is not None}
    asked.update(location=rng.chance(0.6), ethnicity=rng.chance(0.5), publish=rng.chance(0.3))
    given_chance = {"programme": 1.0, "contact": 0.9, "location": 0.7, "ethnicity": 0.6, "publish": 0.7}
    rows = []
    for purpose, was_asked in asked.items():
        if not was_asked:
            continue
        given = rng.chance(given_chance[purpose])
        when = household["created_at"]
        rows.append(
            synced_row(rng, when, household_id=household["id"], purpose=purpose, given=given, recorded_at=when)
            | {"recorded_by_id": recorded_by}
        )
        if purpose == "location" and given and rng.chance(0.8):
            _locate(rng, household, commune)
    if not any(r["purpose"] == "ethnicity" and r["given"] for r in rows):
        household["ethnicity"] = None
    return rows


def _locate(rng: Seeded, household: dict, commune: DemoCommune) -> None:
    lat = round(commune.lat + rng.uniform(-0.025, 0.025), 6)
    lng = round(commune.lng + rng.uniform(-0.025, 0.025), 6)
    household.update(latitude=lat, longitude=lng, plus_code=olc.encode(lat, lng, 10))
    if rng.chance(0.1):
        household["vnpost_code"] = f"{rng.randint(0, 9_999_999_999):010d}"


def _opened_on(rng: Seeded, household: dict, trained_on: date | None) -> date:
    start = trained_on or household["created_at"].date()
    return min(start + timedelta(days=rng.randint(0, 25)), rng.days_ago(1))


def seller_accounts_for(rng: Seeded, household: dict, trained_on: date | None) -> list[dict]:
    """Marketplace accounts: mostly after training and on a smartphone; Postmart and Voso first."""
    has_phone = household["smartphone"] == "yes"
    chance = (0.78 if trained_on else 0.18) if has_phone else 0.08
    if not rng.chance(chance):
        return []
    platforms = {rng.pick(SELLER_PLATFORMS)}
    if rng.chance(0.2):
        platforms.add(rng.pick(SELLER_PLATFORMS))
    rows = []
    for platform in sorted(platforms):
        opened = _opened_on(rng, household, trained_on)
        status = rng.pick(STATUSES)
        listed = rng.randint(1, 15) if status == "active" else (rng.randint(0, 3) if status == "verified" else 0)
        orders = rng.randint(0, 60) if status == "active" else 0
        checked = min(opened + timedelta(days=rng.randint(0, 60)), rng.days_ago(0))
        shop = f"Nông sản {household['head_name'].split(' (')[0].split()[-1]}" if rng.chance(0.6) else None
        row = synced_row(rng, rng.moment(opened, opened), household_id=household["id"], platform=platform)
        row.update(shop_name=shop, status=status, opened_on=opened, products_listed=listed)
        row.update(orders_reported=orders, checked_on=checked, updated_at=rng.moment(checked, checked))
        rows.append(row)
    return rows


def payment_accounts_for(rng: Seeded, household: dict, trained_on: date | None) -> list[dict]:
    """E-payment accounts (provider and status only, never a number)."""
    has_phone = household["smartphone"] == "yes"
    chance = (0.8 if trained_on else 0.28) if has_phone else 0.06
    if not rng.chance(chance):
        return []
    providers = {rng.pick(PROVIDERS)}
    if rng.chance(0.15):
        providers.add(rng.pick(PROVIDERS))
    rows = []
    for provider in sorted(providers):
        opened = _opened_on(rng, household, trained_on)
        row = synced_row(rng, rng.moment(opened, opened), household_id=household["id"], provider=provider)
        row.update(status=rng.pick(STATUSES), opened_on=opened)
        rows.append(row)
    return rows
