"""Label pages: choose what to print, preview it, download it, follow batch progress."""

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError as SchemaError

from server.auth.decorators import role_required
from server.auth.scope import scope_for
from server.errors import AppError, NotFound, TooManyRequests
from server.extensions import db
from server.forms import form_values
from server.households.models import Household
from server.labels import jobs
from server.labels import operations as labels
from server.labels.api import start_batch
from server.labels.layouts import DEFAULT_LAYOUT, LAYOUTS
from server.labels.schemas import BatchLoadSchema
from server.products import operations as products
from server.text import fold

bp = Blueprint("labels", __name__, url_prefix="/labels")


@bp.before_request
@login_required
@role_required("admin", "supervisor")
def _staff_only():
    """Label pages are for administrators and supervisors."""


def _layout_key() -> str:
    key = request.args.get("layout")
    return key if key in LAYOUTS else DEFAULT_LAYOUT


def _households(scope, q: str) -> list[Household]:
    query = sa.select(Household).where(
        Household.deleted_at.is_(None), Household.erased_at.is_(None), scope.commune_filter(Household.commune_code)
    )
    for word in fold(q).split():
        query = query.where(Household.search_text.contains(word, autoescape=True))
    return list(db.session.scalars(query.order_by(Household.head_name).limit(50)))


@bp.get("")
def index():
    """Find a household or a product lot to label, or print a whole hamlet or commune."""
    scope, q = scope_for(current_user), request.args.get("q", "")[:100]
    found_households = _households(scope, q) if q.strip() else []
    found_products = products.search_products(scope, q) if q.strip() else []
    return render_template(
        "labels/index.html",
        q=q,
        households=found_households,
        products=found_products,
        live_lots=products.live_lots,
        layouts=LAYOUTS.values(),
        error=None,
    )


@bp.get("/households/<uuid:household_id>")
def household_page(household_id):
    """Preview and download one household's address label."""
    household = labels.household_for_label(scope_for(current_user), household_id)
    return render_template("labels/household.html", household=household, layouts=LAYOUTS.values(), layout=_layout_key())


@bp.get("/lots/<uuid:lot_id>")
def lot_page(lot_id):
    """Preview and download a lot's origin labels, or start a PDF of many."""
    lot = labels.lot_for_label(scope_for(current_user), lot_id)
    return render_template("labels/lot.html", lot=lot, layouts=LAYOUTS.values(), layout=_layout_key())


@bp.post("/batches")
def create_batch():
    """Start a batch PDF from a form and follow its progress."""
    fields = {k: v for k, v in form_values().items() if v.strip()}
    try:
        job_id = start_batch(BatchLoadSchema().load(fields))
    except SchemaError:
        return _index_with_error(_("Please check the place code, the lot and the number of labels.")), 422
    except TooManyRequests as error:
        return _index_with_error(error.detail), 429, {"Retry-After": str(error.retry_after)}
    except AppError as error:
        return _index_with_error(error.detail), error.status
    return redirect(url_for("labels.job_page", job_id=job_id))


def _index_with_error(message: str):
    return render_template(
        "labels/index.html",
        q="",
        households=[],
        products=[],
        live_lots=products.live_lots,
        layouts=LAYOUTS.values(),
        error=message,
    )


@bp.get("/batches/<job_id>")
def job_page(job_id):
    """Progress of a batch PDF; the page updates itself and offers the file when ready."""
    status = jobs.status(job_id, current_user.id)
    if status is None:
        raise NotFound()
    return render_template("labels/job.html", job_id=job_id, status=status)
