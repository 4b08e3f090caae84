"""Pages for likely duplicate households and merging them."""

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from server.auth.decorators import role_required
from server.auth.scope import scope_for
from server.errors import AppError, NotFound, ValidationError
from server.extensions import db
from server.households.duplicates import household_facts, likely_duplicates
from server.households.merge import merge_households, merge_preview, undo_merge
from server.households.models import HouseholdMerge
from server.households.pages import STAFF, bp, household_in_scope
from server.reports import access


@bp.get("/records/duplicates")
@login_required
@role_required(*STAFF)
def duplicates():
    """Likely duplicates in a place (phones across the place, names within a commune)."""
    scope = scope_for(current_user)
    code = request.args.get("place")
    if not code:
        return render_template(
            "households/duplicates.html", place=None, groups=[], places=access.starting_places(scope)
        )
    place = access.visible_place(code, scope)
    groups = likely_duplicates(scope, place)
    facts = household_facts([h for group in groups for h in group.households])
    return render_template("households/duplicates.html", place=place, groups=groups, facts=facts, places=[])


def _uuid(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(value or "")
    except ValueError as error:
        raise ValidationError(_("Choose the household to keep.")) from error


@bp.post("/records/duplicates/merge")
@login_required
@role_required(*STAFF)
def merge():
    """Ask what the merge will move, then, once confirmed, merge the ticked households into the one kept."""
    scope = scope_for(current_user)
    place = request.form.get("place") or None
    try:
        keep_id, other_ids = _uuid(request.form.get("keep")), [_uuid(v) for v in request.form.getlist("merge")]
    except ValidationError as error:
        flash(error.detail, "error")
        return redirect(url_for("households.duplicates", place=place))
    keep = household_in_scope(keep_id, scope)  # out of scope: 403, not a message
    others = [household_in_scope(other_id, scope) for other_id in dict.fromkeys(other_ids) if other_id != keep.id]
    try:
        if not others:
            raise ValidationError(_("Tick at least one household to merge into the one kept."))
        if request.form.get("confirmed") != "1":
            previews = [merge_preview(keep, other) for other in others]
            return render_template("households/merge_confirm.html", keep=keep, previews=previews, place=place)
        for other in others:
            merge_households(keep, other, current_user)
    except AppError as error:
        db.session.rollback()
        flash(error.detail, "error")
        return redirect(url_for("households.duplicates", place=place))
    message = ngettext(
        "%(num)d household merged into %(name)s.",
        "%(num)d households merged into %(name)s.",
        len(others),
        name=keep.head_name,
    )
    flash(message, "success")
    return redirect(url_for("households.household", household_id=keep.id))


@bp.post("/records/households/<uuid:household_id>/merges/<int:merge_id>/undo")
@login_required
@role_required(*STAFF)
def merge_undo(household_id, merge_id: int):
    """Undo a merge into this household: the merged household and what moved with it come back."""
    scope = scope_for(current_user)
    keep = household_in_scope(household_id, scope)
    record = db.session.get(HouseholdMerge, merge_id)
    if record is None or record.kept_id != keep.id:
        raise NotFound()
    household_in_scope(record.merged_id, scope)
    try:
        restored = undo_merge(record, current_user)
    except AppError as error:
        db.session.rollback()
        flash(error.detail, "error")
        return redirect(url_for("households.household", household_id=keep.id))
    flash(_("The merge was undone: %(name)s is a household of its own again.", name=restored.head_name), "success")
    return redirect(url_for("households.household", household_id=keep.id))
