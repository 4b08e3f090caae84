"""Public pages behind the QR codes: no sign-in, no JavaScript, small enough for slow 3G."""

from flask import Blueprint, jsonify, redirect, render_template, request
from flask_babel import gettext as _

from server.products.models import Product
from server.public import digital_link
from server.public import operations as lookup
from server.public.codes import address_url, base_url, origin_url, public_domain
from server.public.facts import address_facts, origin_facts, shop_links
from server.vocab import PLATFORM_NAMES

bp = Blueprint("public", __name__)
GS1 = "https://gs1.org/voc/"


def _page(template: str, status: int = 200, **context):
    response = render_template(template, domain=public_domain(), **context), status
    return response


def _bad_link():
    return _page(
        "public/message.html",
        400,
        title=_("This code is not valid"),
        detail=_("The link in this QR code is damaged or was typed wrongly. Check the label, or ask the seller."),
    )


def _unknown():
    return _page(
        "public/message.html",
        404,
        title=_("We do not know this code"),
        detail=_("No product or address of %(domain)s has this code. The label may be a fake.", domain=public_domain()),
    )


@bp.get("/01/<gtin>")
@bp.get("/01/<gtin>/10/<lot>")
def digital_link_page(gtin, lot=None):
    """GS1 Digital Link resolver: the origin of a product (and lot) by GTIN."""
    try:
        link = digital_link.parse(gtin, lot)
    except digital_link.MalformedLink:
        return _bad_link()
    if link.gtin != gtin:  # GTIN-8/12/13 written short: send scanners to the canonical 14-digit form
        return redirect(f"{base_url()}/01/{link.gtin}" + (f"/10/{lot}" if lot is not None else ""), 301)
    product = lookup.product_by_gtin(link.gtin)
    return _origin(product, link.lot)


@bp.get("/01/<path:rest>")
def malformed_digital_link(rest):
    """Anything else under /01/ is not a Digital Link this resolver understands."""
    return _bad_link()


@bp.get("/p/<code>/<lot>")
def product_page(code, lot):
    """The origin of a lot of a product without a GTIN."""
    return _origin(lookup.product_by_code(code), lot)


def _origin(product: Product | None, lot_code: str | None):
    if product is None:
        return _unknown()
    lot = lookup.lot_of(product, lot_code) if lot_code is not None else None
    if lot_code is not None and lot is None:
        return _unknown()
    if request.args.get("linkType") == "all":
        return _linkset(product, lot)
    if lot is not None and request.method == "GET":
        lookup.count_scan(lot)
    return _page("public/origin.html", facts=origin_facts(product, lot), lot=lot, platform_names=PLATFORM_NAMES)


def _linkset(product: Product, lot):
    """The GS1 linkset (RFC 9264 JSON) of a product or lot: its page and where to buy it."""
    anchor = origin_url(product, lot.code) if lot else f"{base_url()}/01/{product.gtin}"
    page = [{"href": anchor, "title": product.name, "type": "text/html", "hreflang": ["vi", "km", "en"]}]
    links = {"anchor": anchor, GS1 + "defaultLink": page, GS1 + "pip": page}
    if lot is not None:
        links[GS1 + "traceability"] = page
    retailers = [
        {"href": link["url"], "title": str(PLATFORM_NAMES.get(link["platform"], link["platform"]))}
        for link in shop_links(product)
    ]
    if retailers:
        links[GS1 + "hasRetailers"] = retailers
    response = jsonify(linkset=[links])
    response.mimetype = "application/linkset+json"
    return response


@bp.get("/a/<code>")
def address_page(code):
    """A household's published address: place names, Plus Code and map links with consent."""
    household = lookup.household_by_code(code)
    if household is None:
        return _unknown()
    if address_url(household.id).rsplit("/", 1)[1] != code.lower():
        return redirect(address_url(household.id), 301)
    facts = address_facts(household)
    return _page("public/address.html", facts=facts)
