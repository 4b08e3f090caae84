"""Supervisor pages for producers, products and lots (every read and write checks scope)."""

from types import SimpleNamespace

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.auth.decorators import role_required
from server.auth.scope import scope_for
from server.extensions import db
from server.places.models import Place
from server.products import operations
from server.products.forms import LotForm, ProducerForm, ProductForm

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
    form = ProducerForm(obj=producer)
    form.scope = _scope()
    if request.method == "GET" and producer is not None and producer.household_id:
        form.household_ref.data = str(producer.household_id)
    if form.validate_on_submit():
        producer = operations.save_producer(producer, form.fields_for_save())
        flash(_("Changes saved."), "success")
        return redirect(url_for("products.edit_producer", producer_id=producer.id))
    status = 422 if form.errors else 200
    products = operations.live_products(producer) if producer else []
    communes = _commune_choices(form.scope)
    return render_template(
        "products/producer.html", form=form, producer=producer, products=products, communes=communes
    ), status


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
    form = ProductForm(data=_product_initial(product) if request.method == "GET" else None)
    form.product = product
    if form.validate_on_submit():
        product = operations.save_product(product, producer, form.fields_for_save())
        flash(_("Changes saved."), "success")
        return redirect(url_for("products.edit_product", product_id=product.id))
    status = 422 if form.errors else 200
    lots = operations.live_lots(product) if product else []
    lot_form = LotForm(formdata=None) if product else None
    return render_template(
        "products/product.html", form=form, producer=producer, product=product, lots=lots, lot_form=lot_form
    ), status


def _product_initial(product) -> dict | None:
    """A product's values for the form: existing certifications and links plus two empty rows."""
    if product is None:
        return None
    rows = SimpleNamespace
    return {
        "name": product.name,
        "category": product.category,
        "gtin": product.gtin,
        "ocop_stars": str(product.ocop_stars or ""),
        "ocop_certificate": product.ocop_certificate,
        "ocop_year": str(product.ocop_year or ""),
        "certifications": [rows(**c) for c in product.certifications or []] + [rows(), rows()],
        "marketplace_links": [rows(**link) for link in product.marketplace_links or []] + [rows(), rows()],
    }


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
    form = LotForm(obj=lot)
    form.product, form.lot = product, lot
    if form.validate_on_submit():
        lot = operations.save_lot(lot, product, form.fields_for_save())
        flash(_("Changes saved."), "success")
        return redirect(url_for("products.edit_lot", lot_id=lot.id))
    status = 422 if form.errors else 200
    return render_template("products/lot.html", form=form, product=product, lot=lot), status


@bp.post("/lots/<uuid:lot_id>/delete")
def delete_lot(lot_id):
    """Delete a lot (kept as a tombstone)."""
    lot = operations.get_lot(_scope(), lot_id)
    operations.delete_lot(lot)
    flash(_("Lot %(code)s was deleted.", code=lot.code), "success")
    return redirect(url_for("products.edit_product", product_id=lot.product_id))
