"""Factories for test data: small, explicit, one function per kind of record."""

import io
import itertools
import uuid
import zipfile
from datetime import date

from openpyxl import Workbook

from server.auth.models import User
from server.clock import format_clock
from server.extensions import db
from server.households.models import Consent, Household, MarketplaceAccount, PaymentAccount
from server.models_base import utcnow
from server.mutations.models import Mutation
from server.places.models import Place
from server.text import fold
from server.training.models import Attendance, TrainingSession

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def place(code: str, name: str, kind: str, parent: Place | None = None, legacy: tuple[str, ...] = ()) -> Place:
    """A place; provinces have no parent."""
    existing = db.session.get(Place, code)
    if existing:
        return existing
    row = Place(
        code=code,
        name=name,
        kind=kind,
        parent_code=parent.code if parent else None,
        province_code=parent.province_code if parent else code,
        legacy_names="\n".join(legacy),
        search_text=" | ".join(fold(n) for n in [name, *legacy]),
    )
    db.session.add(row)
    db.session.commit()
    return row


def small_tree() -> dict[str, Place]:
    """Vĩnh Long with two communes of former Trà Vinh and one hamlet each, and Cần Thơ with one."""
    vl = place("86", "Tỉnh Vĩnh Long", "province", legacy=("Tỉnh Trà Vinh", "Tỉnh Bến Tre"))
    tra_cu = place("29461", "Xã Trà Cú", "commune", vl, ("Thị trấn Trà Cú, Huyện Trà Cú, Tỉnh Trà Vinh",))
    tap_son = place("29494", "Xã Tập Sơn", "commune", vl, ("Xã Tập Sơn, Huyện Trà Cú, Tỉnh Trà Vinh",))
    ct = place("92", "Thành phố Cần Thơ", "province", legacy=("Tỉnh Hậu Giang", "Tỉnh Sóc Trăng"))
    vi_thanh = place("31321", "Phường Vị Thanh", "commune", ct, ("Phường 5, Thành phố Vị Thanh, Tỉnh Hậu Giang",))
    return {
        "province": vl,
        "commune": tra_cu,
        "commune2": tap_son,
        "hamlet": place("29461-001", "Phum Sóc Chuối", "hamlet", tra_cu),
        "hamlet2": place("29494-001", "Ấp Ba Cụm", "hamlet", tap_son),
        "other_province": ct,
        "other_commune": vi_thanh,
    }


def user(
    role: str = "trainer", places: list[Place] = (), username: str | None = None, password: str = PASSWORD
) -> User:
    """A user with a role and places; the password is PASSWORD unless given."""
    row = User(username=username or f"{role}{next(_seq)}", role=role, display_name=f"{role.title()} Test")
    row.places = list(places)
    row.set_password(password)
    db.session.add(row)
    db.session.commit()
    return row


def household(commune: Place, hamlet: Place | None = None, **fields) -> Household:
    """A household in a commune, with sensible defaults."""
    name = fields.pop("head_name", f"Nguyễn Văn {next(_seq)}")
    row = Household(head_name=name, commune_code=commune.code, hamlet_code=hamlet.code if hamlet else None, **fields)
    row.search_text = fold(name)
    db.session.add(row)
    db.session.commit()
    return row


def consent(household: Household, purpose: str, given: bool = True) -> Consent:
    """A consent answer for one purpose."""
    row = Consent(household_id=household.id, purpose=purpose, given=given, recorded_at=utcnow())
    db.session.add(row)
    db.session.commit()
    return row


def seller_account(household: Household, platform: str = "postmart", **fields) -> MarketplaceAccount:
    """A marketplace seller account."""
    row = MarketplaceAccount(household_id=household.id, platform=platform, **fields)
    db.session.add(row)
    db.session.commit()
    return row


def payment_account(household: Household, provider: str = "viettel_money", **fields) -> PaymentAccount:
    """An e-payment account."""
    row = PaymentAccount(household_id=household.id, provider=provider, **fields)
    db.session.add(row)
    db.session.commit()
    return row


def training(commune: Place, held_on: date | None = None, topics=("digital_skills",), attendees=()) -> TrainingSession:
    """A training session with attendance for the given households."""
    row = TrainingSession(commune_code=commune.code, held_on=held_on or date.today(), topics=list(topics))
    db.session.add(row)
    db.session.flush()
    for member in attendees:
        db.session.add(Attendance(session_id=row.id, household_id=member.id, attendee_name=member.head_name))
    db.session.commit()
    return row


def login(client, user: User, password: str = PASSWORD):
    """Sign a test client in through the login form, loaded first as a browser does (it holds the CSRF token)."""
    client.get("/login")
    return client.post("/login", data={"username": user.username, "password": password})


def producer(commune: Place, kind: str = "cooperative", household: Household | None = None, **fields):
    """A producer in a commune (a household producer may be linked to its household)."""
    from server.products.models import Producer

    name = fields.pop("name", f"Hợp tác xã {next(_seq)}")
    row = Producer(
        kind=kind, name=name, commune_code=commune.code, household_id=household.id if household else None, **fields
    )
    row.search_text = fold(name)
    db.session.add(row)
    db.session.commit()
    return row


def product(maker, **fields):
    """A product of a producer; pass gtin= as GTIN-14."""
    from server.products.models import Product

    name = fields.pop("name", f"Bưởi da xanh {next(_seq)}")
    row = Product(producer_id=maker.id, name=name, **fields)
    row.search_text = fold(name)
    db.session.add(row)
    db.session.commit()
    return row


def lot(item, code: str | None = None, **fields):
    """A lot of a product."""
    from server.products.models import Lot

    row = Lot(product_id=item.id, code=code or f"L{next(_seq):04d}", **fields)
    db.session.add(row)
    db.session.commit()
    return row


def device(user: User, label: str = "Test phone"):
    """A device token for a user: (DeviceToken, raw token)."""
    from server.auth.models import DeviceToken

    token, raw = DeviceToken.issue(user, label)
    db.session.add(token)
    db.session.commit()
    return token, raw


def bearer(raw: str) -> dict:
    """Request headers carrying a device token."""
    return {"Authorization": f"Bearer {raw}"}


def hlc(ms: int, device_id: str, counter: int = 0) -> str:
    """A hybrid logical clock string as phones make them."""
    return format_clock(ms, counter, device_id)


def mutation(entity: str, record_id, fields: dict, clock: str, op: str = "upsert", base_version=None) -> dict:
    """One pushed mutation with a fresh mutation id."""
    import uuid

    return {
        "mutation_id": str(uuid.uuid4()),
        "entity": entity,
        "record_id": str(record_id),
        "op": op,
        "base_version": base_version,
        "clock": clock,
        "fields": fields,
    }


def consent_mutation(household_id, purpose: str, given: bool, clock: str) -> dict:
    """A household's answer for one consent purpose, as the phone sends it."""
    import uuid

    fields = {
        "household_id": str(household_id),
        "purpose": purpose,
        "given": given,
        "recorded_at": "2026-01-01T00:00:00Z",
    }
    return mutation("consent", uuid.uuid4(), fields, clock)


def commune_office_xlsx(rows: list[tuple | None]) -> bytes:
    """A household list as a commune office types it: a title line, titles under merged cells, then the rows.

    Columns: number, head of household, phone, commune and hamlet (under a merged "Địa chỉ"),
    smartphone; None in `rows` leaves a blank row.
    """
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH HỘ SẢN XUẤT THAM GIA SÀN THƯƠNG MẠI ĐIỆN TỬ"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["STT", "Họ và tên chủ hộ", "Số điện thoại", "Địa chỉ", None, "Điện thoại thông minh"])
    sheet.append([None, None, None, "Xã/Phường", "Ấp/Sóc", None])
    for column in "ABCF":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.merge_cells("D3:E3")
    for row in rows:
        sheet.append(list(row) if row else [])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def logged_change(record, entity: str, user: User | None = None, device_id: str | None = None, **fields):
    """A change of a record in the mutation log, as the write path leaves one (who, from which device)."""
    row = Mutation(
        mutation_id=uuid.uuid4(),
        device_id=device_id,
        user_id=user.id if user else None,
        entity=entity,
        record_id=record.id,
        op="upsert",
        fields=fields,
        client_clock=format_clock(0, 0, device_id or "phone"),
        result="applied",
        reply={},
    )
    db.session.add(row)
    db.session.commit()
    return row


def padded_sheet(xlsx: bytes, padding: int) -> bytes:
    """The same workbook with `padding` blanks after each sheet's XML: a zip bomb that deflates to kilobytes."""
    source, buffer = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for part in source.infolist():
            data = source.read(part)
            if part.filename.startswith("xl/worksheets/"):
                data += b" " * padding
            bomb.writestr(part.filename, data)
    return buffer.getvalue()


BULLETIN_TEXTS = {
    "vi": {"title": "Giá dừa khô tuần này", "body": "Dừa loại 1: 95.000 đ một chục\n- Dừa loại 2: 70.000 đ"},
    "km": {"title": "តម្លៃដូងស្ងួតសប្តាហ៍នេះ", "body": "ដូងថ្នាក់ទី១៖ ៩៥.០០០ ដុង"},
}


def bulletin(place: Place, status: str = "published", days: int = 7, **fields):
    """A bulletin for a place, published unless told otherwise, in Vietnamese and Khmer."""
    from datetime import timedelta

    from server.bulletins.models import Bulletin

    fields.setdefault("texts", BULLETIN_TEXTS)
    fields.setdefault("kind", "market_price")
    row = Bulletin(place_code=place.code, status=status, expires_on=date.today() + timedelta(days=days), **fields)
    if status != "draft":
        row.published_at = utcnow()
    db.session.add(row)
    db.session.commit()
    return row
