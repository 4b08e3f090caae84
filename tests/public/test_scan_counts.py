"""Scan counts a producer can trust: one per visitor per lot per day, no crawlers, no language switches."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from server.extensions import db
from server.products.models import Lot
from server.public import operations
from server.public.models import ScanDay, ScanVisitor
from tests import factories as f

GTIN = "08931234567897"
URL = f"/01/{GTIN}/10/L-05"
PHONE = (
    "Mozilla/5.0 (Linux; Android 13; SM-A146P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
)


def _lot(code="L-05"):
    tree = f.small_tree()
    item = f.product(f.producer(tree["commune"], name="HTX Ngãi Xuyên"), name="Bưởi da xanh", gtin=GTIN)
    return f.lot(item, code)


def _scans() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.sum(Lot.scan_count)))


def _visit(client, url=URL, address="10.0.0.1", agent=PHONE, **headers):
    return client.get(url, headers={"User-Agent": agent, **headers}, environ_overrides={"REMOTE_ADDR": address})


def test_reloading_counts_one_scan_per_visitor_and_the_page_says_when_the_first_was(client, ctx):
    _lot()
    for _reload in range(50):
        assert _visit(client).status_code == 200
    assert _scans() == 1
    _visit(client, address="10.0.0.2")
    _visit(client, agent=PHONE.replace("SM-A146P", "Redmi Note 12"))  # another phone behind the same address
    html = _visit(client, address="10.0.0.2").get_data(as_text=True)
    assert _scans() == 3
    assert "Scanned 3 times." in html
    assert f"First scanned on {datetime.now(UTC).strftime('%b')}" in html


def test_language_switches_are_not_scans(client, ctx):
    _lot()
    for lang in ("km", "en", "vi"):
        assert _visit(client, f"{URL}?lang={lang}").status_code == 200
    assert _scans() == 0
    page = _visit(client).get_data(as_text=True)
    assert 'href="?lang=km"' in page  # the switch the page itself offers
    assert _scans() == 1


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "WhatsApp/2.23.20.0 A",
        "TelegramBot (like TwitterBot)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0",
        "curl/8.5.0",
        "",
    ],
)
def test_crawlers_and_link_previews_are_not_scans(client, ctx, agent):
    _lot()
    assert _visit(client, agent=agent).status_code == 200
    assert _scans() == 0


def test_a_cubot_phone_is_a_person(client, ctx):
    _lot()
    _visit(
        client, agent="Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"
    )
    assert _scans() == 1


def test_visitors_are_counted_again_the_next_day_and_past_days_are_forgotten(client, ctx, monkeypatch):
    first = _lot()
    second = f.lot(first.product, "L-06")
    _visit(client)
    _visit(client, f"/01/{GTIN}/10/L-06")
    assert _scans() == 2
    stored = db.session.scalars(sa.select(ScanVisitor.visitor)).all()
    # Nothing personal: two unlinkable keyed hashes, no address or user agent anywhere.
    assert len(set(stored)) == 2 and all(len(v) == 64 and int(v, 16) >= 0 for v in stored)
    [yesterday] = db.session.scalars(sa.select(ScanDay)).all()
    old_salt = yesterday.salt
    monkeypatch.setattr(operations, "utcnow", lambda: datetime(2099, 1, 2, 8, 0, tzinfo=UTC))
    _visit(client)
    assert _scans() == 3
    db.session.expire_all()
    days = db.session.scalars(sa.select(ScanDay)).all()
    assert [d.day for d in days] == [date(2099, 1, 2)] and days[0].salt != old_salt
    assert db.session.scalars(sa.select(ScanVisitor.day)).all() == [date(2099, 1, 2)]
    assert db.session.get(Lot, first.id).scan_count == 2 and db.session.get(Lot, second.id).scan_count == 1


def _statements(app, request) -> list[str]:
    sent = []

    def listener(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        request()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return sent


def test_a_visit_costs_one_read_and_one_write_and_the_days_salt_is_read_once(app, client, ctx):
    """On PostgreSQL the visitor's row and the lot's count are one statement; SQLite needs two."""
    _lot()
    _visit(client)  # the day's first scan makes the salt
    _visit(client, address="10.0.0.2")  # the next finds it stored, and the process keeps it
    sent = _statements(app, lambda: _visit(client, address="10.0.0.3"))
    writes = 1 if db.engine.dialect.name == "postgresql" else 2
    assert not [s for s in sent if "scan_days" in s]
    assert len(sent) == 1 + writes, sent  # the product with its producer, places and lot; the visit
    assert _scans() == 3
    again = _statements(app, lambda: _visit(client, address="10.0.0.3"))
    assert len(again) == 2, again  # a visitor counted already today: the lookup and the INSERT that adds nothing
    assert "Scanned 3 times." in _visit(client, address="10.0.0.3").get_data(as_text=True)
    assert _scans() == 3
