"""Supervisor pages for producers, products and lots."""

import re

import sqlalchemy as sa

from server.extensions import db
from server.products.models import Lot, Producer, Product
from tests import factories as f


def _supervisor(client, places):
    supervisor = f.user("supervisor", places)
    f.login(client, supervisor)
    return supervisor


def _error_after(html: str, field_id: str) -> str:
    """The error text shown right after a field."""
    match = re.search(rf'id="{re.escape(field_id)}-error">([^<]*)<', html)
    return match.group(1) if match else ""


def test_list_shows_only_producers_in_scope_and_searches_without_accents(client, ctx):
    tree = f.small_tree()
    f.producer(tree["commune"], name="Hợp tác xã Ngãi Xuyên")
    f.producer(tree["other_commune"], name="Hợp tác xã Vị Thanh")
    _supervisor(client, [tree["province"]])
    page = client.get("/products").get_data(as_text=True)
    assert "Ngãi Xuyên" in page and "Vị Thanh" not in page
    found = client.get("/products?q=hop tac xa ngai").get_data(as_text=True)
    assert "Ngãi Xuyên" in found
    assert "Ngãi Xuyên" not in client.get("/products?q=vi thanh").get_data(as_text=True)


def test_trainers_cannot_open_product_pages(client, ctx):
    tree = f.small_tree()
    f.login(client, f.user("trainer", [tree["commune"]]))
    assert client.get("/products").status_code == 403


def test_create_producer_and_refuse_a_commune_outside_scope(client, ctx):
    tree = f.small_tree()
    _supervisor(client, [tree["province"]])
    form = {"kind": "cooperative", "name": "  Hợp tác xã  Tập Sơn ", "commune_code": tree["other_commune"].code}
    refused = client.post("/products/producers/new", data=form)
    assert refused.status_code == 422
    assert "outside the places you work with" in _error_after(refused.get_data(as_text=True), "commune_code")
    form["commune_code"] = tree["commune2"].code
    form["phone"] = "+84 912 345 678"
    created = client.post("/products/producers/new", data=form)
    assert created.status_code == 302
    producer = db.session.scalar(sa.select(Producer))
    assert producer.name == "Hợp tác xã Tập Sơn" and producer.phone == "0912345678"
    assert "tap son" in producer.search_text


def test_other_scope_producer_is_forbidden(client, ctx):
    tree = f.small_tree()
    elsewhere = f.producer(tree["other_commune"])
    _supervisor(client, [tree["province"]])
    assert client.get(f"/products/producers/{elsewhere.id}").status_code == 403
    assert client.post(f"/products/producers/{elsewhere.id}/delete").status_code == 403


def _product_form(**overrides):
    form = {"name": "Bưởi da xanh", "category": "Trái cây", "gtin": "", "ocop_stars": "", "ocop_year": ""}
    form.update(overrides)
    return form


def test_product_gtin_check_digit_message_next_to_the_field(client, ctx):
    tree = f.small_tree()
    maker = f.producer(tree["commune"])
    _supervisor(client, [tree["province"]])
    bad = client.post(f"/products/producers/{maker.id}/products/new", data=_product_form(gtin="8931234567890"))
    assert bad.status_code == 422
    assert "check digit" in _error_after(bad.get_data(as_text=True), "gtin")
    good = client.post(f"/products/producers/{maker.id}/products/new", data=_product_form(gtin="893 1234567897"))
    assert good.status_code == 302
    assert db.session.scalar(sa.select(Product.gtin)) == "08931234567897"
    again = client.post(f"/products/producers/{maker.id}/products/new", data=_product_form(gtin="8931234567897"))
    assert "Another product already has this GTIN" in _error_after(again.get_data(as_text=True), "gtin")


def test_ocop_certifications_and_marketplace_links(client, ctx):
    tree = f.small_tree()
    maker = f.producer(tree["commune"])
    _supervisor(client, [tree["province"]])
    url = f"/products/producers/{maker.id}/products/new"
    form = _product_form(ocop_stars="4", ocop_year="1999")
    form["marketplace_links-0-platform"] = "postmart"
    form["marketplace_links-0-url"] = "http://postmart.vn/shop/1"
    form["certifications-0-name"] = "VietGAP"
    page = client.post(url, data=form).get_data(as_text=True)
    assert "certificate number" in _error_after(page, "ocop_certificate")
    assert "from 2018" in _error_after(page, "ocop_year")
    assert "https://" in _error_after(page, "marketplace_links-0-url")
    assert "both the certification and its number" in _error_after(page, "certifications-0-number")
    form.update(
        {
            "ocop_certificate": "OCOP-86-0042",
            "ocop_year": "2024",
            "marketplace_links-0-url": "https://postmart.vn/shop/1",
            "certifications-0-number": "VG-123",
        }
    )
    assert client.post(url, data=form).status_code == 302
    product = db.session.scalar(sa.select(Product))
    assert (product.ocop_stars, product.ocop_certificate, product.ocop_year) == (4, "OCOP-86-0042", 2024)
    assert product.certifications == [{"name": "VietGAP", "number": "VG-123"}]
    assert product.marketplace_links == [{"platform": "postmart", "url": "https://postmart.vn/shop/1"}]
    edit = client.get(f"/products/items/{product.id}").get_data(as_text=True)
    assert 'value="VG-123"' in edit and 'value="https://postmart.vn/shop/1"' in edit


def test_lots_codes_dates_and_tombstones(client, ctx):
    tree = f.small_tree()
    item = f.product(f.producer(tree["commune"]))
    _supervisor(client, [tree["province"]])
    url = f"/products/items/{item.id}/lots/new"
    bad = client.post(url, data={"code": "lô 1", "harvested_on": "2026-05-10", "packed_on": "2026-05-01"})
    html = bad.get_data(as_text=True)
    assert "letters, digits" in _error_after(html, "code")
    assert "before the harvest" in _error_after(html, "packed_on")
    assert client.post(url, data={"code": "L-2026-05", "harvested_on": "2026-05-01"}).status_code == 302
    assert "already has a lot" in _error_after(
        client.post(url, data={"code": "L-2026-05"}).get_data(as_text=True), "code"
    )
    lot = db.session.scalar(sa.select(Lot))
    assert client.post(f"/products/lots/{lot.id}/delete").status_code == 302
    db.session.expire_all()
    assert lot.deleted_at is not None
    assert client.get(f"/products/lots/{lot.id}").status_code == 404
    # The same code can be used again: the tombstone comes back as a live lot.
    assert client.post(url, data={"code": "L-2026-05"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lot)) == 1


def test_deleting_a_producer_tombstones_products_and_frees_gtin(client, ctx):
    tree = f.small_tree()
    maker = f.producer(tree["commune"], name="HTX Xoá")
    item = f.product(maker, gtin="08931234567897")
    f.lot(item)
    _supervisor(client, [tree["province"]])
    assert client.post(f"/products/producers/{maker.id}/delete").status_code == 302
    db.session.expire_all()
    assert maker.deleted_at and item.deleted_at and item.lots[0].deleted_at and item.gtin is None
    assert f"/products/producers/{maker.id}" not in client.get("/products").get_data(as_text=True)


def test_forms_need_the_csrf_token(app, client, ctx):
    tree = f.small_tree()
    _supervisor(client, [tree["province"]])
    client.get("/products/producers/new")
    with client.cross_site():
        response = client.post(
            "/products/producers/new", data={"kind": "cooperative", "name": "X", "commune_code": tree["commune"].code}
        )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Producer)) == 0
