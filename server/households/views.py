"""Household pages: list, search, export, view and correct households within scope."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from server.auth.decorators import role_required
from server.auth.models import User
from server.auth.scope import scope_for
from server.errors import AppError
from server.extensions import db
from server.forms import form_values
from server.households import lists, operations
from server.households.models import HouseholdMerge
from server.households.pages import PAGE, STAFF, bp, household_in_scope, page_asked, place_asked
from server.places.models import Place
from server.public.codes import household_code
from server.reports import tables
from server.training.models import Attendance, TrainingSession
from server.vocab import LANGUAGE_CODES, PLATFORM_NAMES, PROVIDER_NAMES, SMARTPHONE_NAMES

ENTITY_NAMES = {
    "household": _l("Household"),
    "consent": _l("Consent"),
    "marketplace_account": _l("Seller account"),
    "payment_account": _l("E-payment account"),
    "attendance": _l("Training attendance"),
}


@bp.get("/records/households")
@login_required
@role_required(*STAFF)
def households():
    """Households in scope, searchable without diacritics, optionally one follow-up list."""
    scope = scope_for(current_user)
    place, q = place_asked(scope), request.args.get("q", "")[:100]
    follow_up = request.args.get("follow_up") if request.args.get("follow_up") in lists.FOLLOW_UPS else None
    query = lists.household_query(scope, place, q, follow_up)
    total, page = lists.count(query), page_asked()
    rows = list(lists.export_rows(query, limit=PAGE, offset=(page - 1) * PAGE))
    return render_template(
        "households/households.html",
        rows=rows,
        total=total,
        page=page,
        pages=(total + PAGE - 1) // PAGE,
        q=q,
        place=place,
        follow_up=follow_up,
    )


@bp.get("/records/households.<any(xlsx, csv):kind>")
@login_required
@role_required(*STAFF)
def export_households(kind: str):
    """The household list as XLSX or CSV; the phone only where the household agreed to be contacted."""
    scope = scope_for(current_user)
    place, q = place_asked(scope), request.args.get("q", "")[:100]
    follow_up = request.args.get("follow_up") if request.args.get("follow_up") in lists.FOLLOW_UPS else None
    header = [
        _("Head of household"),
        _("Hamlet"),
        _("Commune"),
        _("Phone (with consent)"),
        _("Smartphone"),
        _("Preferred language"),
        _("Seller accounts"),
        _("E-payment"),
        _("Registered on"),
    ]

    def rows():
        for row in lists.export_rows(lists.household_query(scope, place, q, follow_up)):
            h = row["household"]
            yield [
                h.head_name,
                row["hamlet"],
                row["commune"],
                row["phone"],
                str(SMARTPHONE_NAMES[h.smartphone]),
                str(LANGUAGE_CODES.get(h.preferred_language, h.preferred_language)),
                ", ".join(str(PLATFORM_NAMES.get(p, p)) for p in row["platforms"]),
                ", ".join(str(PROVIDER_NAMES.get(p, p)) for p in row["providers"]),
                h.created_at.date().isoformat(),
            ]

    name = "-".join(filter(None, ["households", place.code if place else None, follow_up]))
    return tables.download(kind, name, _("Households"), header, rows())


@bp.route("/records/households/<uuid:household_id>", methods=["GET", "POST"])
@login_required
@role_required(*STAFF)
def household(household_id):
    """One household: details, accounts, training, change history, and the correction form."""
    household = household_in_scope(household_id, scope_for(current_user))
    errors = {}
    if request.method == "POST":
        try:
            changed = operations.correct_household(household, form_values(), current_user)
        except AppError as error:
            db.session.rollback()
            flash(error.detail, "error")
            errors = error.errors or {}
        else:
            flash(_("Changes saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("households.household", household_id=household.id))
    attendance = db.session.scalars(
        sa.select(Attendance)
        .join(TrainingSession)
        .where(Attendance.household_id == household.id)
        .where(Attendance.deleted_at.is_(None), TrainingSession.deleted_at.is_(None))
        .order_by(TrainingSession.held_on.desc())
    ).all()
    hamlets = db.session.scalars(
        sa.select(Place)
        .where(Place.parent_code == household.commune_code, Place.deleted_at.is_(None))
        .order_by(Place.name)
    ).all()
    history = operations.history(household)
    user_ids = {m.user_id for m in history if m.user_id}
    users = db.session.execute(sa.select(User.id, User.display_name, User.username).where(User.id.in_(user_ids)))
    return render_template(
        "households/household.html",
        household=household,
        code=household_code(household.id),
        attendance=attendance,
        hamlets=hamlets,
        errors=errors,
        history=history,
        merges=db.session.scalars(
            sa.select(HouseholdMerge).where(HouseholdMerge.kept_id == household.id).order_by(HouseholdMerge.id.desc())
        ).all(),
        history_users={i: name or login for i, name, login in users},
        history_entities=ENTITY_NAMES,
        form=request.form if errors else None,
    )
