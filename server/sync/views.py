"""Pages for supervisors: the phones that sync (with revoke) and concurrent edits of one field."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.auth.decorators import role_required
from server.auth.models import DeviceToken
from server.auth.scope import scope_for
from server.errors import Forbidden
from server.extensions import db
from server.sync import operations
from server.sync.conflicts import ENTITY_LABELS, FIELD_LABELS, concurrent_edits
from server.sync.devices import may_manage, visible_devices

bp = Blueprint("sync", __name__)


@bp.get("/devices")
@login_required
@role_required("admin", "supervisor")
def devices():
    """Phones signed in by users in scope: label, app version, last sync, queued changes."""
    rows = visible_devices(scope_for(current_user))
    return render_template("sync/devices.html", devices=rows, idle_days=current_app.config["DEVICE_TOKEN_IDLE_DAYS"])


@bp.post("/devices/<int:token_id>/revoke")
@login_required
@role_required("admin", "supervisor")
def revoke_device(token_id: int):
    """Stop a phone's token from working (lost or handed-over phone)."""
    token = db.get_or_404(DeviceToken, token_id)
    if not may_manage(scope_for(current_user), token.user):
        raise Forbidden()
    operations.revoke_device(token)
    flash(
        _("The phone %(label)s of %(name)s is signed out.", label=token.label, name=token.user.display_name), "success"
    )
    return redirect(url_for("sync.devices"))


@bp.get("/conflicts")
@login_required
@role_required("admin", "supervisor")
def conflicts():
    """Fields that two phones changed at the same time, with both values and which one was kept."""
    rows = concurrent_edits(scope_for(current_user))
    return render_template("sync/conflicts.html", rows=rows, field_labels=FIELD_LABELS, entity_labels=ENTITY_LABELS)
