"""Supervisor pages for producers, products and lots (every read and write checks scope)."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.auth.decorators import role_required
from server.auth.scope import scope_for
from server.extensions import db
from server.forms import form_values, load_form
from server.places.models import Place
from server.products import operations
from server.products.forms import ROWS, LotFormSchema, ProducerFormSchema, ProductFormSchema, platform_options
from server.vocab import PRODUCER_KIND_NAMES

bp = Blueprint("products", __name__, url_prefix="/products")
STAFF = ("admin", "supervisor")


@bp.before_request
@login_required
@role_required(*STAFF)
def _staff_only():
    """Every page here is for administrators and supervisors."""


def _scope():
    return scope_for(current_user)


def _commune_choices(scope) -> list[Place]:
    """Communes offered as suggestions in the commune field (a scope can be a whole province)."""
    query = sa.select(Place).where(Place.kind == "commune", Place.deleted_at.is_(None))
    return list(db.session.scalars(query.where(scope.commune_filter(Place.code)).order_by(Place.name).limit(500)))


@bp.get("")
def producers():
    """Producers and products in scope, searchable without diacritics."""
    scope, q = _scope(), request.args.get("q", "")[:100]
    products = operations.search_products(scope, q) if q.strip() else []
    return render_template(
        "products/producers.html", q=q, producers=operations.search_producers(scope, q), products=products
    )


@bp.route("/producers/new", methods=["GET", "POST"])
def new_producer():
    """Create a producer."""
    return _producer_page(None)


@bp.route("/producers/<uuid:producer_id>", methods=["GET", "POST"])
def edit_producer(producer_id):
    """Edit a producer and see its products."""
    return _producer_page(operations.get_producer(_scope(), producer_id))


def _producer_page(producer):
    scope, values, errors = _scope(), _producer_initial(producer), {}
    if request.method == "POST":
        values, errors = load_form(ProducerFormSchema(scope), form_values())
        if not errors:
            producer = operations.save_producer(producer, values)
            flash(_("Changes saved."), "success")
            return redirect(url_for("products.edit_producer", producer_id=producer.id))
    products = operations.live_products(producer) if producer else []
    return render_template(
        "products/producer.html",
        values=values,
        errors=errors,
        kinds=list(PRODUCER_KIND_NAMES.items()),
        producer=producer,
        products=products,
        communes=_commune_choices(scope),
    ), 422 if errors else 200


def _producer_initial(producer) -> dict:
    """A producer's values for the form (a new one is a household producer)."""
    if producer is None:
        return {"kind": "household"}
    names = ("kind", "name", "commune_code", "hamlet_code", "phone", "publish_contact")
    values = {name: getattr(producer, name) for name in names}
    values["household_ref"] = str(producer.household_id) if producer.household_id else None
    return values


@bp.post("/producers/<uuid:producer_id>/delete")
def delete_producer(producer_id):
    """Delete a producer with its products and lots (kept as tombstones)."""
    producer = operations.get_producer(_scope(), producer_id)
    operations.delete_producer(producer)
    flash(_("%(name)s was deleted.", name=producer.name), "success")
    return redirect(url_for("products.producers"))


@bp.route("/producers/<uuid:producer_id>/products/new", methods=["GET", "POST"])
def new_product(producer_id):
    """Add a product to a producer."""
    return _product_page(operations.get_producer(_scope(), producer_id), None)


@bp.route("/items/<uuid:product_id>", methods=["GET", "POST"])
def edit_product(product_id):
    """Edit a product and see its lots."""
    product = operations.get_product(_scope(), product_id)
    return _product_page(product.producer, product)


def _product_page(producer, product):
    values, errors = _product_initial(product), {}
    if request.method == "POST":
        values, errors = load_form(ProductFormSchema(product), form_values())
        if not errors:
            product = operations.save_product(product, producer, values)
            flash(_("Changes saved."), "success")
            return redirect(url_for("products.edit_product", product_id=product.id))
    lots = operations.live_lots(product) if product else []
    return render_template(
        "products/product.html",
        values=values,
        errors=errors,
        rows=_row_count(values),
        platforms=platform_options(),
        producer=producer,
        product=product,
        lots=lots,
    ), 422 if errors else 200


def _product_initial(product) -> dict:
    """A product's values for the form, its certifications and links as `certifications-0-name`… rows."""
    if product is None:
        return {}
    values = {
        "name": product.name,
        "category": product.category,
        "gtin": product.gtin,
        "ocop_stars": str(product.ocop_stars or ""),
        "ocop_certificate": product.ocop_certificate,
        "ocop_year": str(product.ocop_year or ""),
    }
    for kind, names in (("certifications", ("name", "number")), ("marketplace_links", ("platform", "url"))):
        for i, row in enumerate(getattr(product, kind) or []):
            values.update({f"{kind}-{i}-{name}": row.get(name) for name in names})
    return values


def _row_count(values: dict) -> dict[str, int]:
    """Rows to show: the filled ones plus two empty ones, and at least three."""
    counts = {}
    for kind in ("certifications", "marketplace_links"):
        filled = [int(key.split("-")[1]) + 1 for key, value in values.items() if key.startswith(f"{kind}-") and value]
        counts[kind] = min(max(ROWS, max(filled, default=0) + (2 if filled else 0)), 40)
    return counts


@bp.post("/items/<uuid:product_id>/delete")
def delete_product(product_id):
    """Delete a product and its lots (kept as tombstones)."""
    product = operations.get_product(_scope(), product_id)
    operations.delete_product(product)
    flash(_("%(name)s was deleted.", name=product.name), "success")
    return redirect(url_for("products.edit_producer", producer_id=product.producer_id))


@bp.route("/items/<uuid:product_id>/lots/new", methods=["GET", "POST"])
def new_lot(product_id):
    """Add a lot to a product."""
    return _lot_page(operations.get_product(_scope(), product_id), None)


@bp.route("/lots/<uuid:lot_id>", methods=["GET", "POST"])
def edit_lot(lot_id):
    """Edit a lot."""
    lot = operations.get_lot(_scope(), lot_id)
    return _lot_page(lot.product, lot)


def _lot_page(product, lot):
    values, errors = _lot_initial(lot), {}
    if request.method == "POST":
        values, errors = load_form(LotFormSchema(product, lot), form_values())
        if not errors:
            lot = operations.save_lot(lot, product, values)
            flash(_("Changes saved."), "success")
            return redirect(url_for("products.edit_lot", lot_id=lot.id))
    return render_template(
        "products/lot.html", values=values, errors=errors, product=product, lot=lot
    ), 422 if errors else 200


def _lot_initial(lot) -> dict:
    """A lot's values for the form."""
    names = ("code", "harvested_on", "packed_on", "quantity", "unit")
    return {name: getattr(lot, name) for name in names} if lot else {}


@bp.post("/lots/<uuid:lot_id>/delete")
def delete_lot(lot_id):
    """Delete a lot (kept as a tombstone)."""
    lot = operations.get_lot(_scope(), lot_id)
    operations.delete_lot(lot)
    flash(_("Lot %(code)s was deleted.", code=lot.code), "success")
    return redirect(url_for("products.edit_product", product_id=lot.product_id))
