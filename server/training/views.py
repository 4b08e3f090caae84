"""Training session pages: list, view and correct sessions within scope."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.auth.decorators import role_required
from server.auth.scope import scope_for
from server.bulletins.operations import told_at
from server.errors import AppError, NotFound
from server.extensions import db
from server.forms import form_values
from server.households.pages import PAGE, STAFF, page_asked, place_asked
from server.i18n import locale_code
from server.places.models import Place
from server.training import operations
from server.training.models import Attendance, TrainingSession

bp = Blueprint("training", __name__)


@bp.get("/records/sessions")
@login_required
@role_required(*STAFF)
def sessions():
    """Training sessions in scope, newest first, with the number of households present."""
    scope = scope_for(current_user)
    place = place_asked(scope)
    present = (
        sa.select(sa.func.count(Attendance.id))
        .where(Attendance.session_id == TrainingSession.id, Attendance.deleted_at.is_(None))
        .scalar_subquery()
    )
    query = sa.select(TrainingSession, present).where(
        TrainingSession.deleted_at.is_(None), scope.commune_filter(TrainingSession.commune_code)
    )
    if place is not None and place.kind == "province":
        query = query.join(Place, Place.code == TrainingSession.commune_code).where(Place.parent_code == place.code)
    elif place is not None:
        column = TrainingSession.commune_code if place.kind == "commune" else TrainingSession.hamlet_code
        query = query.where(column == place.code)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page = page_asked()
    rows = db.session.execute(
        query.order_by(TrainingSession.held_on.desc(), TrainingSession.id).limit(PAGE).offset((page - 1) * PAGE)
    ).all()
    return render_template(
        "training/sessions.html", rows=rows, total=total, page=page, pages=(total + PAGE - 1) // PAGE, place=place
    )


@bp.route("/records/sessions/<uuid:session_id>", methods=["GET", "POST"])
@login_required
@role_required(*STAFF)
def session(session_id):
    """One training session: attendance and the correction form."""
    training = db.session.get(TrainingSession, session_id)
    if training is None:
        raise NotFound()
    scope = scope_for(current_user)
    scope.require_commune(training.commune_code)
    if request.method == "POST":
        form = form_values(lists=("topics",))
        try:
            changed = operations.correct_session(training, form, current_user)
        except AppError as error:
            db.session.rollback()
            flash(error.detail, "error")
        else:
            flash(_("Changes saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("training.session", session_id=training.id))
    present = [a for a in training.attendance if a.deleted_at is None]
    # Attendance written before households had to be in scope may name one the viewer may not see.
    visible = [a for a in present if scope.covers_commune(a.household.commune_code)]
    hamlets = db.session.scalars(
        sa.select(Place)
        .where(Place.parent_code == training.commune_code, Place.deleted_at.is_(None))
        .order_by(Place.name)
    ).all()
    return render_template(
        "training/session.html",
        training=training,
        present=visible,
        hidden=len(present) - len(visible),
        hamlets=hamlets,
        told=told_at(training.id, locale_code()),
    )
