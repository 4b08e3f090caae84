"""Pages for personal-data requests: export one household, erase it, read the access log."""

import uuid

import sqlalchemy as sa
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.auth.decorators import role_required
from server.auth.models import User
from server.auth.scope import scope_for
from server.errors import NotFound
from server.extensions import db
from server.households.models import Household
from server.privacy import operations
from server.privacy.models import AccessLog

bp = Blueprint("privacy", __name__)


def _household_in_scope(household_id: str) -> Household:
    try:
        key = uuid.UUID(household_id)
    except ValueError as error:
        raise NotFound() from error
    household = db.session.get(Household, key)
    if household is None or household.deleted_at is not None:
        raise NotFound()
    scope_for(current_user).require_commune(household.commune_code)
    return household


@bp.get("/privacy/households/<household_id>/export.json")
@login_required
@role_required("admin", "supervisor")
def export_household(household_id: str):
    """Everything held about one household, as a JSON download (the request is logged)."""
    household = _household_in_scope(household_id)
    response = jsonify(operations.export_household(household, current_user))
    response.headers["Content-Disposition"] = f'attachment; filename="household-{household.id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/privacy/households/<household_id>/erase", methods=["GET", "POST"])
@login_required
@role_required("admin", "supervisor")
def erase_household(household_id: str):
    """Confirm, then anonymise a household while keeping the programme's counts."""
    household = _household_in_scope(household_id)
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            flash(_("Tick the box to confirm the erasure."), "error")
        else:
            operations.erase_household(household, current_user)
            flash(_("The household's personal data has been erased."), "success")
            return redirect(url_for("privacy.erase_household", household_id=household_id))
    return render_template("privacy/erase.html", household=household)


@bp.get("/privacy/access-log")
@login_required
@role_required("admin")
def access_log():
    """Who read, exported or erased personal data, newest first."""
    page = max(request.args.get("page", 1, type=int), 1)
    rows = db.session.execute(
        sa.select(AccessLog, User.username)
        .outerjoin(User, User.id == AccessLog.user_id)
        .order_by(AccessLog.at.desc())
        .limit(100)
        .offset((page - 1) * 100)
    ).all()
    return render_template("privacy/access_log.html", rows=rows, page=page)
