"""A pull page written with the database's help (server/sync/rowjson.py) is the page Python's JSON
encoder writes, byte for byte, and the same records come at every page boundary."""

import gzip
import json
import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from server.auth.models import User
from server.extensions import db
from server.households.models import Household, MarketplaceAccount, PaymentAccount
from server.models_base import utcnow
from server.training.models import Attendance
from tests import factories as f
from tests.sync.conftest import changes_of

# Quotes, backslashes, every kind of control character, a line separator, Vietnamese, Khmer,
# characters outside the BMP and what looks like markup or an escape.
AWKWARD = [
    'Thạch "Sóc" \\ ខ្មែរ',
    "line\nbreak\ttab\rreturn\bback\fform",
    "\x01\x1f\x7f\u2028\u2029",
    "😀 Ạ </script> \\u0041",
    "",
]


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


def raw_pull(phone, **params) -> bytes:
    response = phone.request("get", "/api/v1/sync/pull", query_string=params, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    data = response.get_data()
    return gzip.decompress(data) if response.headers.get("Content-Encoding") == "gzip" else data


def raw_pages(phone, limit: int, **params) -> list[bytes]:
    cursor, out = 0, []
    while True:
        raw = raw_pull(phone, cursor=cursor, limit=limit, **params)
        out.append(raw)
        page = json.loads(raw)
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return out


def python_writes(raw: bytes) -> bytes:
    return json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":")).encode()


def awkward_records(tree) -> dict:
    homes = [
        f.household(tree["commune"], head_name=f"Hộ {n} {text}", phone=text[:30]) for n, text in enumerate(AWKWARD)
    ]
    session = f.training(tree["commune"], attendees=homes)
    attendance = db.session.scalars(sa.select(Attendance).order_by(Attendance.version)).all()
    for row, text in zip(attendance, AWKWARD, strict=True):
        row.attendee_name = text or None
    for n, (home, text) in enumerate(zip(homes, AWKWARD, strict=True)):
        f.seller_account(home, shop_name=text, products_listed=n * 1_000_003 or None, checked_on=date(2026, 2, n + 1))
        f.payment_account(home, provider=("momo", "zalopay")[n % 2], status=("opened", "active")[n % 2])
    attendance[-1].deleted_at = utcnow()
    db.session.commit()
    return {"homes": homes, "session": session}


@pytest.mark.parametrize("refs", [0, 1])
def test_awkward_text_comes_as_stored_and_as_pythons_encoder_writes_it(tree, trainer, phone_for, refs):
    awkward_records(tree)
    phone = phone_for(trainer)
    pages = raw_pages(phone, limit=3, refs=refs)
    assert len(pages) > 5
    for raw in pages:
        assert raw == python_writes(raw)
    changes = [c for raw in pages for c in changes_of(json.loads(raw))]
    names = sorted(c["fields"]["attendee_name"] or "" for c in changes if c["entity"] == "attendance")
    assert names == sorted(AWKWARD)
    [removed] = [c for c in changes if c["entity"] == "attendance" and c["deleted"]]
    assert removed["fields"]["attendee_name"] is None  # the last one, whose name was left empty
    stored = {str(a.id): a for a in db.session.scalars(sa.select(MarketplaceAccount))}
    accounts = [c for c in changes if c["entity"] == "marketplace_account"]
    assert len(accounts) == len(AWKWARD)
    for change in accounts:
        account = stored[change["id"]]
        assert change["fields"]["shop_name"] == account.shop_name
        assert change["fields"]["products_listed"] == account.products_listed
        assert change["fields"]["checked_on"] == account.checked_on.isoformat()
        assert change["fields"]["household_id"] == str(account.household_id)
    stored = {
        str(a.id): (str(a.household_id), a.provider, a.status) for a in db.session.scalars(sa.select(PaymentAccount))
    }
    payments = [c for c in changes if c["entity"] == "payment_account"]
    assert {c["id"]: tuple(c["fields"].values()) for c in payments} == stored


def test_every_page_size_brings_each_change_once_across_kinds_and_boundaries(tree, trainer, phone_for):
    """Households, their accounts, a session and its attendance, a deleted household and edits made
    afterwards, pulled at every page size from 1 to past the end: the same changes, none twice."""
    records = awkward_records(tree)
    homes = records["homes"]
    homes[1].phone = "0912345678"  # changed after its attendance: that row names it by UUID until it comes
    homes[2].deleted_at = utcnow()
    db.session.commit()
    phone = phone_for(trainer)
    everything = [c for raw in raw_pages(phone, limit=2000, refs=1) for c in changes_of(json.loads(raw))]
    total = len(everything)
    assert total == 5 + 1 + 5 + 5 + 5  # households, the session, attendance, seller and payment accounts

    def key(change):
        return change["entity"], change.get("id") or (change["fields"]["session_id"], change["version"])

    for limit in range(1, total + 2):
        pulled, pages = [], raw_pages(phone, limit=limit, refs=1)
        for n, raw in enumerate(pages):
            page = json.loads(raw)
            assert len(changes_of(page)) == (limit if page["has_more"] else len(changes_of(page)))
            assert n == len(pages) - 1 or page["has_more"]
            pulled.extend(changes_of(page))
        assert sorted(map(key, pulled)) == sorted(map(key, everything)), limit
        assert [c["version"] for c in pulled] == sorted(c["version"] for c in everything), limit


def test_a_commune_taken_away_mid_pull_brings_none_of_its_records_on_the_next_pages(tree, phone_for):
    both = f.user("trainer", [tree["commune"], tree["commune2"]])
    for n in range(4):
        f.household(tree["commune"], head_name=f"Trà Cú {n}")
    kept = [f.household(tree["commune2"], head_name=f"Tập Sơn {n}") for n in range(4)]
    f.training(tree["commune2"], attendees=kept)
    phone = phone_for(both)
    first = phone.pull(cursor=0, limit=3, refs=1)
    assert first["has_more"]
    user = db.session.get(User, both.id)
    user.places = [p for p in user.places if p.code == tree["commune2"].code]
    db.session.commit()
    later, cursor = [], first["next_cursor"]
    while True:
        page = phone.pull(cursor=cursor, limit=3, refs=1)
        later.extend(changes_of(page))
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    households = {c["id"]: c for c in later if c["entity"] == "household"}
    assert {db.session.get(Household, uuid.UUID(h)).commune_code for h in households} == {tree["commune2"].code}
    assert len([c for c in later if c["entity"] == "attendance"]) == 4


def test_a_page_of_a_first_pull_asks_only_the_kinds_it_holds(app, tree, trainer, phone_for):
    """A page costs one look at the last version and every kind's oldest change, and a query for each
    kind with changes within the page's reach (not one for every kind and another one for the
    attendance whose households changed after it, which name them by UUID)."""
    homes = [f.household(tree["commune"]) for _ in range(6)]
    f.training(tree["commune"], attendees=homes)
    for home in homes[:3]:
        home.phone = "0912345678"  # changed after the attendance
    db.session.commit()
    phone = phone_for(trainer)
    first = phone.pull(cursor=0, limit=3, refs=1)  # the households not changed since
    assert list(first["records"]) == ["household"]
    statements = []

    def note(_conn, _cursor, statement, *_args):
        if "device_tokens" not in statement:  # the bearer check, and the last page noting the sync
            statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", note)
    try:
        page = phone.pull(cursor=first["next_cursor"], limit=7, refs=1)
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", note)
    assert list(page["records"]) == ["training_session", "attendance"]
    rows = [c["fields"] for c in changes_of(page) if c["entity"] == "attendance"]
    assert sum(row["household_ref"] is None for row in rows) == 3  # the changed ones come after this page
    asked = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # The last version with the oldest change of each kind, the session, its attendance and the
    # changed households (the next changes: they tell that this page is not the last).
    assert len(asked) == 4, asked
    assert "version_counter" in asked[0] and "min(attendance.version)" in asked[0]
    assert page["has_more"]
