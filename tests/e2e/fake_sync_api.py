"""A FAKE of the sync API (token, push, pull) for the phone app's end-to-end tests only.

It follows the wire format of the brief so the PWA can be tested before the real server sync
(issue 3) lands; it is registered only by the e2e fixture, never by create_app. At merge the
e2e fixture switches to the real endpoints and this module is deleted.
"""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required

from server.auth.models import DeviceToken, User
from server.auth.scope import scope_for
from server.auth.tokens import current_device_token
from server.errors import ServiceUnavailable, Unauthorized
from server.extensions import csrf, db
from server.households.models import (
    CONSENT_PURPOSES,
    PAYMENT_PROVIDERS,
    PLATFORMS,
    Consent,
    Household,
    MarketplaceAccount,
    PaymentAccount,
)
from server.models_base import current_version, utcnow
from server.places.models import Place
from server.places.operations import place_dump
from server.sync.models import Mutation
from server.text import fold, normalise_phone
from server.training.models import TOPICS, Attendance, TrainingSession

fake_bp = Blueprint("fake_sync_api", __name__)

FIELDS = {
    "household": (Household, ("head_name", "phone", "commune_code", "hamlet_code", "preferred_language",
                              "smartphone", "ethnicity", "latitude", "longitude", "plus_code", "vnpost_code")),
    "consent": (Consent, ("household_id", "purpose", "given", "recorded_at")),
    "marketplace_account": (MarketplaceAccount, ("household_id", "platform", "shop_name", "status",
                                                 "products_listed", "orders_reported", "checked_on")),
    "payment_account": (PaymentAccount, ("household_id", "provider", "status")),
    "training_session": (TrainingSession, ("commune_code", "hamlet_code", "held_on", "topics", "title")),
    "attendance": (Attendance, ("session_id", "household_id", "attendee_name", "method")),
}  # fmt: skip
NATURAL_KEYS = {
    "consent": ("household_id", "purpose"),
    "marketplace_account": ("household_id", "platform"),
    "payment_account": ("household_id", "provider"),
    "attendance": ("session_id", "household_id"),
}


class Rejected(Exception):
    """A mutation the fake refuses, with a code and message like the real server's."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


@fake_bp.post("/api/v1/auth/token")
@csrf.exempt  # no cookie is involved: the app sends credentials: "omit"
def issue_token():
    """Fake device sign-in."""
    body = request.get_json()
    user = db.session.scalar(sa.select(User).where(User.username == body.get("username", "")))
    if user is None or not user.check_password(body.get("password", "")):
        raise Unauthorized("The username or password is not right.")
    token, raw = DeviceToken.issue(user, body.get("device_label", ""))
    token.app_version = body.get("app_version")
    db.session.add(token)
    db.session.commit()
    scope = scope_for(user)
    profile = {"id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role}
    reply = {
        "token": raw,
        "device_id": token.device_id,
        "expires_after_days": current_app.config["DEVICE_TOKEN_IDLE_DAYS"],
        "user": profile | {"locale": user.locale},
        "scope": {"everything": scope.everything, "communes": sorted(scope.communes)},
    }
    return jsonify(reply), 201


@fake_bp.delete("/api/v1/auth/token")
@login_required
def revoke_token():
    """Fake revocation of the caller's token."""
    current_device_token().revoked_at = utcnow()
    db.session.commit()
    return "", 204


@fake_bp.post("/api/v1/sync/push")
@login_required
def push():
    """Fake push: field-level last writer wins by clock, natural keys merge, replays are duplicates."""
    failures = current_app.config.get("FAKE_SYNC_FAIL_PUSHES", 0)
    if failures:
        current_app.config["FAKE_SYNC_FAIL_PUSHES"] = failures - 1
        raise ServiceUnavailable()
    body = request.get_json()
    current_device_token().queued_changes = body.get("queued")
    results = [_apply(mutation) for mutation in body["mutations"]]
    db.session.commit()
    return jsonify(results=results, cursor_hint=current_version(db.session))


def _apply(mutation):
    seen = db.session.scalar(sa.select(Mutation).where(Mutation.mutation_id == uuid.UUID(mutation["mutation_id"])))
    if seen is not None:
        return seen.reply if seen.reply["status"] == "rejected" else seen.reply | {"status": "duplicate"}
    try:
        with db.session.begin_nested():
            row, status = _write(mutation)
        reply = {"status": status, "record_id": str(row.id)}
    except Rejected as refusal:
        reply = {"status": "rejected", "code": refusal.code, "message": refusal.message}
        reply["record_id"] = mutation["record_id"]
    reply["mutation_id"] = mutation["mutation_id"]
    token = current_device_token()
    db.session.add(
        Mutation(
            mutation_id=uuid.UUID(mutation["mutation_id"]),
            device_token_id=token.id,
            device_id=token.device_id,
            user_id=current_user.id,
            entity=mutation["entity"],
            record_id=uuid.UUID(reply["record_id"]),
            op=mutation["op"],
            fields=mutation.get("fields") or {},
            base_version=mutation.get("base_version"),
            client_clock=mutation.get("clock"),
            result="rejected" if reply["status"] == "rejected" else reply["status"],
            result_code=reply.get("code"),
            reply=reply,
        )
    )
    return reply


def _write(mutation):
    model, names = FIELDS[mutation["entity"]]
    fields = {k: _column_value(model, k, v) for k, v in (mutation.get("fields") or {}).items() if k in names}
    row = db.session.get(model, uuid.UUID(mutation["record_id"]))
    status = "applied"
    key = NATURAL_KEYS.get(mutation["entity"])
    if row is None and key and all(k in fields for k in key):
        row = db.session.scalar(sa.select(model).filter_by(**{k: fields[k] for k in key}))
        status = "merged" if row is not None else status
    if row is None:
        row = model(id=uuid.UUID(mutation["record_id"]), field_clocks={})
        db.session.add(row)
    clock = mutation["clock"]
    clocks = dict(row.field_clocks or {})
    for name, value in fields.items():
        if clock >= clocks.get(name, ""):
            setattr(row, name, value)
            clocks[name] = clock
    if mutation["op"] == "delete" and clock >= clocks.get("deleted_at", ""):
        row.deleted_at = utcnow()
        clocks["deleted_at"] = clock
    row.field_clocks = clocks
    _check(mutation["entity"], row)
    db.session.flush()
    return row, status


def _check(entity, row):
    scope = scope_for(current_user)
    if entity == "household":
        if not (row.head_name or "").strip():
            raise Rejected("no_name", "Please enter the head of household's name.")
        if row.phone and len(normalise_phone(row.phone) or "") != 10:
            raise Rejected("invalid_phone", "The phone number must have 10 digits.")
        row.search_text = fold(row.head_name)
        commune = row.commune_code
    elif entity == "training_session":
        commune = row.commune_code
    elif entity == "attendance":
        commune = db.session.get(TrainingSession, row.session_id).commune_code
    else:
        commune = db.session.get(Household, row.household_id).commune_code
    if not scope.covers_commune(commune):
        raise Rejected("out_of_scope", "This record is outside your communes.")


def _column_value(model, name, value):
    column_type = model.__table__.c[name].type
    if value is None:
        return None
    if isinstance(column_type, sa.Uuid):
        return uuid.UUID(value)
    if isinstance(column_type, sa.DateTime):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(column_type, sa.Date):
        return date.fromisoformat(value)
    return value


@fake_bp.get("/api/v1/sync/pull")
@login_required
def pull():
    """Fake pull: records in scope with version > cursor, in version order, paged."""
    cursor = int(request.args.get("cursor", 0))
    limit = min(int(request.args.get("limit", 500)), 1000)
    scope = scope_for(current_user)
    changes = []
    for entity, (model, names) in FIELDS.items():
        for row in db.session.scalars(sa.select(model).where(model.version > cursor)):
            if _in_scope(entity, row, scope):
                changes.append(_dump(entity, row, names))
    changes.sort(key=lambda change: change["version"])
    page = changes[:limit]
    reply = {
        "changes": page,
        "next_cursor": page[-1]["version"] if page else max(cursor, 0),
        "has_more": len(changes) > limit,
    }
    if cursor == 0 or request.args.get("reference") == "1":
        reply["reference"] = _reference(scope)
    return jsonify(reply)


def _in_scope(entity, row, scope):
    if entity in ("household", "training_session"):
        return scope.covers_commune(row.commune_code)
    if entity == "attendance":
        return scope.covers_commune(db.session.get(TrainingSession, row.session_id).commune_code)
    return scope.covers_commune(db.session.get(Household, row.household_id).commune_code)


def _dump(entity, row, names):
    fields = {}
    for name in names:
        value = getattr(row, name)
        fields[name] = value.isoformat() if isinstance(value, date | datetime) else value
        if isinstance(value, uuid.UUID):
            fields[name] = str(value)
    return {"entity": entity, "id": str(row.id), "version": row.version, "deleted": row.is_deleted, "fields": fields}


def _reference(scope):
    places = db.session.scalars(sa.select(Place).where(Place.deleted_at.is_(None))).all()
    in_scope = [
        p
        for p in places
        if p.kind != "province" and scope.covers_commune(p.code if p.kind == "commune" else p.parent_code)
    ]
    return {
        "places": [place_dump(p) for p in in_scope],
        "topics": list(TOPICS),
        "platforms": list(PLATFORMS),
        "payment_providers": list(PAYMENT_PROVIDERS),
        "consent_purposes": list(CONSENT_PURPOSES),
        "translations_version": "fake",
        "progress": current_app.config.get("FAKE_SYNC_PROGRESS", []),
    }
