"""/api/v1/auth/token: a phone signs in for a device token, and signs out by revoking it."""

from flask import Blueprint, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from server.apiargs import json_body
from server.auth import operations, throttle
from server.auth.models import DeviceToken
from server.auth.schemas import TokenReplySchema, TokenRequestSchema
from server.auth.scope import scope_for
from server.auth.tokens import current_device_token
from server.auth.views import refusal_message
from server.errors import Forbidden, TooManyRequests, Unauthorized
from server.extensions import db, limiter
from server.security import csrf_exempt
from server.sync.operations import revoke_device

bp = Blueprint("auth_api", __name__)
MAX_SIGN_IN_BODY = 16 * 1024
NO_COMMUNES = _l("No commune is assigned to this account yet. Ask your supervisor to assign your communes.")


@bp.post("/api/v1/auth/token")
@csrf_exempt  # JSON only: a cross-site form cannot send it, and no cookie is involved
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@json_body(TokenRequestSchema, MAX_SIGN_IN_BODY, require_json_type=True)
def issue_token(data: dict):
    """Sign a phone in: a new device token with the user's profile and scope.
    ---
    post:
      summary: Sign a phone in
      description: The token is shown once and stored only as a hash; it expires after days without use.
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema: TokenRequestSchema
      responses:
        201:
          description: Signed in.
          content:
            application/json:
              schema: TokenReplySchema
        400: MalformedJson
        401: Unauthorized
        403: Forbidden
        415: NotJson
        422: Invalid
        429: TooManyRequests
    """
    try:
        user = operations.authenticate(data["username"], data["password"], throttle.client_address())
    except operations.LoginRefused as refusal:
        if refusal.retry_after:
            raise TooManyRequests(
                refusal_message(refusal), code=refusal.reason, retry_after=refusal.retry_after
            ) from refusal
        raise Unauthorized(refusal_message(refusal), code=refusal.reason) from refusal
    scope = scope_for(user)
    if user.role == "trainer" and not scope.everything and not scope.communes:
        # A phone with no commune would sync nothing: say why instead of showing an empty app.
        raise Forbidden(str(NO_COMMUNES), code="no_communes")
    token, raw = DeviceToken.issue(user, data["device_label"].strip())
    token.app_version = data["app_version"]
    db.session.add(token)
    db.session.flush()
    reply = {
        "token": raw,
        "device_id": token.device_id,
        "expires_after_days": current_app.config["DEVICE_TOKEN_IDLE_DAYS"],
        "user": user,
        "scope": {"everything": scope.everything, "communes": sorted(scope.communes)},
    }
    return TokenReplySchema().dump(reply), 201


@bp.delete("/api/v1/auth/token")
@login_required
def revoke_token():
    """Sign a phone out: its own token stops working at once.
    ---
    delete:
      summary: Revoke the caller's own device token
      security: [{bearerAuth: []}]
      responses:
        204:
          description: Revoked.
        401: Unauthorized
    """
    token = current_device_token()
    if token is None or token.user_id != current_user.id:
        raise Unauthorized(_("Only a phone's device token can be revoked this way."), code="no_device_token")
    revoke_device(token)
    return "", 204
