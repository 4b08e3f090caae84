"""Public pages behind the QR codes: no sign-in, no JavaScript, small enough for slow 3G."""

from flask import Blueprint, jsonify, make_response, redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.routing import PathConverter

from server.public import digital_link
from server.public import operations as lookup
from server.public.codes import address_url, base_url, origin_url, public_domain
from server.public.facts import address_facts, origin_facts, shop_links
from server.public.operations import PublicLot, PublicProduct
from server.vocab import PLATFORM_NAMES

bp = Blueprint("public", __name__)
GS1 = "https://gs1.org/voc/"
LINKSET = "application/linkset+json"


class _AnyPath(PathConverter):
    """Like `path`, but also matching line breaks, so a lot ending in one reaches the parser (400)."""

    regex = r"(?s:[^/].*?)"


bp.record_once(lambda state: state.app.url_map.converters.setdefault("anypath", _AnyPath))


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


@bp.get("/01/<anypath:rest>")
def digital_link_page(rest):
    """GS1 Digital Link resolver: the origin of a product (and lot) by GTIN.

    `/01/<gtin>[/10/<lot>][/21/<serial>]`, with or without a trailing slash. A serial number is
    valid syntax but names no page of its own: it answers like the link without it (the lot's
    page, or the product's). Bad syntax gets 400, a GTIN or lot we do not know 404.
    """
    try:
        link = digital_link.parse_path(rest)
    except digital_link.MalformedLink:
        return _bad_link()
    if link.gtin != rest.split("/", 1)[0]:  # GTIN-8/12/13 written short: send scanners to the canonical form
        query = request.query_string.decode("latin-1")
        response = redirect(f"{base_url()}{link.path}" + (f"?{query}" if query else ""), 301)
        return _with_linkset_header(response, f"{base_url()}{link.path}")
    product, lot = lookup.product_by_gtin(link.gtin, link.lot)
    return _origin(product, lot, link.lot, anchor=f"{base_url()}{link.path}")


@bp.get("/p/<code>/<lot>")
def product_page(code, lot):
    """The origin of a lot of a product without a GTIN."""
    product, found = lookup.product_by_code(code, lot)
    return _origin(product, found, lot)


def _origin(product: PublicProduct | None, lot: PublicLot | None, lot_code: str | None, anchor: str | None = None):
    if product is None:
        return _unknown()
    if lot_code is not None and lot is None:
        return _unknown()
    anchor = anchor or origin_url(product, lot.code)
    if _wants_linkset():
        response = _linkset(product, lot, anchor)
    else:
        # gs1:pip, gs1:defaultLink, traceability or a type we do not have: GS1 resolvers answer
        # those with the default link, which is this page itself.
        if lot is not None:
            lookup.record_scan(lot)
        facts = origin_facts(product, lot)
        response = make_response(_page("public/origin.html", facts=facts, lot=lot, platform_names=PLATFORM_NAMES))
    response.vary.add("Accept")
    return _with_linkset_header(response, anchor)


def _wants_linkset() -> bool:
    """`?linkType=linkset` (or the older `all`), or an Accept header preferring the linkset."""
    link_type = request.args.get("linkType")
    if link_type in ("all", "linkset"):
        return True
    if link_type:
        return False
    return request.accept_mimetypes.best_match(["text/html", LINKSET]) == LINKSET


def _with_linkset_header(response, anchor: str):
    """GS1-conformant resolvers point every answer at the identifier's linkset in a Link header."""
    response.headers.add("Link", f'<{anchor}?linkType=linkset>; rel="linkset"; type="{LINKSET}"')
    return response


def _linkset(product: PublicProduct, lot, anchor: str):
    """The GS1 linkset (RFC 9264 JSON) of a product or lot: its page and where to buy it."""
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
    response.mimetype = LINKSET
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
