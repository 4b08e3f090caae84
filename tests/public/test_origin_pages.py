"""Origin pages and the GS1 Digital Link resolver, as a scanning phone sees them."""

from datetime import date

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.products.models import Lot
from server.public.codes import public_code
from tests import factories as f

GTIN = "08931234567897"


def _lot(**product_fields):
    tree = f.small_tree()
    maker = f.producer(tree["commune"], name="HTX Ngãi Xuyên", phone="0912345678", publish_contact=True)
    fields = {"name": "Bưởi da xanh", "gtin": GTIN, "ocop_stars": 4, "ocop_certificate": "86-042", "ocop_year": 2024}
    fields.update(product_fields)
    item = f.product(maker, **fields)
    return f.lot(item, "L-05", harvested_on=date(2026, 5, 2), packed_on=date(2026, 5, 4))


def test_origin_page_shows_the_lot_and_counts_scans(client, ctx):
    lot = _lot(
        certifications=[{"name": "VietGAP", "number": "VG-86-001"}],
        marketplace_links=[{"platform": "postmart", "url": "https://postmart.vn/shop/ngaixuyen"}],
    )
    version = lot.version
    first = client.get(f"/01/{GTIN}/10/L-05")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    for text in ("Bưởi da xanh", "HTX Ngãi Xuyên", "Xã Trà Cú", "Tỉnh Vĩnh Long", "Tỉnh Trà Vinh", "★★★★☆"):
        assert text in html
    assert "VietGAP" in html and "VG-86-001" in html and "https://postmart.vn/shop/ngaixuyen" in html
    assert "Scanned 1 time." in html and "First scanned on" in html and "tel:0912345678" in html
    other_phone = {"REMOTE_ADDR": "10.0.0.2"}
    assert "Scanned 2 times." in client.get(f"/01/{GTIN}/10/L-05", environ_overrides=other_phone).get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Lot, lot.id)
    assert stored.scan_count == 2 and stored.first_scanned_at is not None
    assert stored.version == version  # a scan is not an edit: phones do not re-download the lot


def test_page_is_small_has_no_script_and_escapes_stored_text(client, ctx):
    _lot(name='<script>alert("x")</script> Mắm', category="<b>bold</b>")
    response = client.get(f"/01/{GTIN}/10/L-05")
    html = response.get_data(as_text=True)
    assert "<script" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Mắm" in html
    assert len(response.data) < 30 * 1024


def test_short_gtin_redirects_to_the_canonical_link(client, ctx):
    _lot()
    response = client.get("/01/8931234567897/10/L-05")
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://lensan.example/01/{GTIN}/10/L-05"


@pytest.mark.parametrize(
    "path",
    [
        "/01/08931234567890/10/L-05",  # wrong check digit
        "/01/0893123456789X/10/L-05",
        "/01/12345/10/L-05",
        "/01/08931234567897/11/L-05",  # an AI this resolver does not know here
        "/01/08931234567897/10/L 05",  # a space is not allowed in a lot
        "/01/08931234567897/10/123456789012345678901",
    ],
)
def test_malformed_links_get_400_with_a_friendly_page(client, ctx, path):
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "This code is not valid" in response.get_data(as_text=True)


def test_unknown_gtin_lot_or_deleted_lot_is_404(client, ctx):
    lot = _lot()
    assert client.get("/01/09506000134352/10/L-05").status_code == 404
    assert client.get(f"/01/{GTIN}/10/NOPE").status_code == 404
    lot.deleted_at = lot.created_at
    db.session.commit()
    response = client.get(f"/01/{GTIN}/10/L-05")
    assert response.status_code == 404 and "lensan.example" in response.get_data(as_text=True)


def test_products_without_gtin_use_p_links(client, ctx):
    lot = _lot(gtin=None)
    code = public_code(lot.product_id)
    assert client.get(f"/p/{code}/L-05").status_code == 200
    assert client.get(f"/p/{lot.product_id}/L-05").status_code == 200
    assert client.get("/p/not-a-code/L-05").status_code == 404


def test_linkset_json_for_gs1_clients(client, ctx):
    lot = _lot(marketplace_links=[{"platform": "voso", "url": "https://voso.vn/shop/1"}])
    response = client.get(f"/01/{GTIN}/10/L-05?linkType=all")
    assert response.status_code == 200 and response.mimetype == "application/linkset+json"
    [links] = response.get_json()["linkset"]
    assert links["anchor"] == f"https://lensan.example/01/{GTIN}/10/L-05"
    assert links["https://gs1.org/voc/defaultLink"][0]["href"] == links["anchor"]
    assert links["https://gs1.org/voc/hasRetailers"] == [{"href": "https://voso.vn/shop/1", "title": "Voso (Vỏ Sò)"}]
    db.session.expire_all()
    assert db.session.get(Lot, lot.id).scan_count == 0


def test_household_producer_is_hidden_without_consent(client, ctx):
    tree = f.small_tree()
    home = f.household(tree["commune"], tree["hamlet"])
    maker = f.producer(tree["commune"], kind="household", household=home, name="Chị Kim Sóc Pha", phone="0987654321")
    maker.hamlet_code = tree["hamlet"].code
    db.session.commit()
    f.lot(f.product(maker, gtin=GTIN), "H1")
    html = client.get(f"/01/{GTIN}/10/H1").get_data(as_text=True)
    assert "Kim Sóc Pha" not in html and "0987654321" not in html and "Phum Sóc Chuối" not in html
    f.consent(home, "publish")
    html = client.get(f"/01/{GTIN}/10/H1").get_data(as_text=True)
    assert "Kim Sóc Pha" in html and "Phum Sóc Chuối" in html and "0987654321" not in html


def test_cooperative_phone_only_when_it_chose_to_publish(client, ctx):
    lot = _lot()
    lot.product.producer.publish_contact = False
    db.session.commit()
    assert "0912345678" not in client.get(f"/01/{GTIN}/10/L-05").get_data(as_text=True)


def test_language_from_the_browser_and_the_switch(app, client):
    with app.app_context():  # requests below get their own context, so each picks its language afresh
        _lot()
    khmer = client.get(f"/01/{GTIN}/10/L-05", headers={"Accept-Language": "km-KH,km;q=0.9"})
    assert '<html lang="km">' in khmer.get_data(as_text=True)
    english = client.get(f"/01/{GTIN}/10/L-05?lang=en", headers={"Accept-Language": "km"})
    html = english.get_data(as_text=True)
    assert '<html lang="en">' in html and 'href="?lang=vi"' in html


def test_product_level_link_without_lot(client, ctx):
    _lot()
    response = client.get(f"/01/{GTIN}")
    assert response.status_code == 200 and "Bưởi da xanh" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Lot.scan_count)) == 0


LINKSET = "application/linkset+json"


def _linkset_target(response):
    """The URI the Link header names with rel="linkset" (one per answer)."""
    [target] = [
        part.split(">", 1)[0].lstrip(" <")
        for part in response.headers.get("Link", "").split(",")
        if 'rel="linkset"' in part
    ]
    return target


@pytest.mark.parametrize("query", ["", "?linkType=gs1:pip", "?linkType=https://gs1.org/voc/pip", "?linkType=gs1:nope"])
def test_the_product_page_for_pip_the_default_and_unknown_link_types(client, ctx, query):
    _lot()
    response = client.get(f"/01/{GTIN}/10/L-05{query}", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Bưởi da xanh" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "accept"),
    [("?linkType=all", "text/html"), ("?linkType=linkset", None), ("", LINKSET), ("", f"{LINKSET}, text/html;q=0.5")],
)
def test_linkset_by_link_type_or_accept_header(client, ctx, query, accept):
    _lot()
    headers = {"Accept": accept} if accept else {}
    response = client.get(f"/01/{GTIN}/10/L-05{query}", headers=headers)
    assert response.status_code == 200 and response.mimetype == LINKSET
    [links] = response.get_json()["linkset"]
    assert links["anchor"] == f"https://lensan.example/01/{GTIN}/10/L-05"
    assert links["https://gs1.org/voc/pip"][0]["href"] == links["anchor"]
    assert "Accept" in response.headers.get("Vary", "")


def test_every_answer_links_to_its_linkset(client, ctx):
    _lot()
    for path in (f"/01/{GTIN}/10/L-05", f"/01/{GTIN}/10/L-05?linkType=all", f"/01/{GTIN}", f"/01/{GTIN}/21/SN1"):
        response = client.get(path)
        assert response.status_code == 200, path
        target = _linkset_target(response)
        assert target == "https://lensan.example" + path.split("?")[0] + "?linkType=linkset"
        assert 'type="application/linkset+json"' in response.headers["Link"]
        assert client.get(target).mimetype == LINKSET
    short = client.get("/01/8931234567897/10/L-05")
    assert short.status_code == 301
    assert _linkset_target(short) == f"https://lensan.example/01/{GTIN}/10/L-05?linkType=linkset"


@pytest.mark.parametrize("serial", ["SN1", "12345678901234567890", "x!%25"])
def test_a_serial_number_answers_with_the_product_page(client, ctx, serial):
    _lot()
    response = client.get(f"/01/{GTIN}/21/{serial}")
    assert response.status_code == 200 and "Bưởi da xanh" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Lot.scan_count)) == 0
    lot_and_serial = client.get(f"/01/{GTIN}/10/L-05/21/{serial}")
    assert lot_and_serial.status_code == 200
    assert db.session.scalar(sa.select(Lot.scan_count)) == 1
    assert client.get(f"/01/09506000134352/21/{serial}").status_code == 404
    linkset = client.get(f"/01/{GTIN}/21/{serial}?linkType=all").get_json()["linkset"][0]
    assert linkset["anchor"].startswith(f"https://lensan.example/01/{GTIN}/21/")


@pytest.mark.parametrize("path", [f"/01/{GTIN}/21/123456789012345678901", f"/01/{GTIN}/21/a%20b", f"/01/{GTIN}/21/"])
def test_a_bad_serial_is_400(client, ctx, path):
    _lot()
    assert client.get(path).status_code == 400


@pytest.mark.parametrize("path", [f"/01/{GTIN}/", f"/01/{GTIN}/10/L-05/", f"/01/{GTIN}/21/SN1/"])
def test_a_trailing_slash_is_tolerated(client, ctx, path):
    _lot()
    response = client.get(path + "?linkType=all", follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == LINKSET
    assert response.get_json()["linkset"][0]["anchor"] == "https://lensan.example" + path.rstrip("/")
    assert client.get(path, follow_redirects=True).status_code == 200


@pytest.mark.parametrize("lot", ["L-05%0A", "L-05%0D%0A", "%0AL-05"])
def test_a_lot_with_a_line_break_is_400(client, ctx, lot):
    _lot()
    assert client.get(f"/01/{GTIN}/10/{lot}").status_code == 400
