"""/api/v1/sync: push a phone's changes, pull everything in scope since a cursor."""

import gzip
import json

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError as SchemaError

from server.auth.scope import scope_for
from server.auth.tokens import current_device_token
from server.errors import ServiceUnavailable, ValidationError
from server.extensions import db
from server.jsonbody import read_json
from server.models_base import utcnow
from server.sync import operations
from server.sync.pull import DEFAULT_LIMIT, MAX_LIMIT, narrowed, pull
from server.sync.reference import reference_data
from server.sync.schemas import MAX_MUTATIONS, MAX_VERSION, PushEnvelopeSchema

bp = Blueprint("sync_api", __name__)
GZIP_MIN_BYTES = 1024
MAX_COMMUNES_ARG = 2000


@bp.post("/api/v1/sync/push")
@login_required
def push():
    """Apply a batch of changes made on a phone; one result per change.
    ---
    post:
      summary: Apply a batch of changes made on a phone
      description: >
        Each mutation is applied on its own: a rejected one does not block the others. A replayed
        mutation_id changes nothing and returns its first result as "duplicate". Rejections with
        retryable=true should stay in the outbox and be sent again later: incomplete,
        unknown_household, unknown_session, unknown_record, and clock_ahead (the clock is more
        than CLOCK_MAX_AHEAD_SECONDS ahead of the server's time: stamp it again once the
        phone's date is right, see the Date header).
      security: [{bearerAuth: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema: PushSchema
      responses:
        200:
          description: One result per mutation, in the order sent.
          content:
            application/json:
              schema: PushReplySchema
        400: MalformedJson
        401: Unauthorized
        413: TooLarge
        422: Invalid
        503: Unavailable
    """
    body = read_json(current_app.config["SYNC_MAX_BODY"])
    try:
        envelope = PushEnvelopeSchema().load(body)
    except SchemaError as error:
        raise ValidationError(errors=error.normalized_messages()) from error
    mutations = body.get("mutations")
    if not isinstance(mutations, list) or len(mutations) > MAX_MUTATIONS:
        message = _("Send a list of at most %(n)d mutations.", n=MAX_MUTATIONS)
        raise ValidationError(message, code="bad_batch", errors={"mutations": [message]})
    try:
        reply = operations.push(current_user, current_device_token(), envelope, mutations)
    except (sa.exc.OperationalError, sa.exc.IntegrityError) as error:
        # A deadlock or lock timeout with another push, or another token logging the same
        # mutation id at the same moment: nothing was kept, and sending again is safe.
        db.session.rollback()
        raise ServiceUnavailable(code="busy") from error
    return jsonify(reply)


@bp.get("/api/v1/sync/pull")
@login_required
def pull_changes():
    """Records in the caller's scope changed after a cursor, in version order.
    ---
    get:
      summary: Records in the caller's scope changed after a cursor
      description: >
        Pages through every change with version > cursor, tombstones included: a page holds the
        versions in (cursor, next_cursor]. Call again with next_cursor while has_more is true.
        `records` groups the changed records by kind (household, consent, marketplace_account,
        payment_account, training_session, attendance); each kind is a list of column names and
        rows of values in that order: "id", "version", "deleted", then the kind's fields (see its
        dump schema, e.g. HouseholdDump). Attendance has no "id": it is identified by its
        (session_id, household_id), which is how the server merges pushed attendance too.
        A deleted record (tombstone) comes with deleted=true. `exits` lists, by kind and with the
        same identifying columns, records that left the caller's communes (moved elsewhere):
        drop them, they were not deleted. With `communes`, only records of those communes (within
        the caller's scope) come, without exits: a phone given a new commune pulls its records
        from cursor 0 that way while its own cursor stays. Reference data comes with reference=1,
        or with cursor=0 when no communes are given. Gzip-compressed when the request accepts it.
      security: [{bearerAuth: []}]
      parameters:
        - {name: cursor, in: query, schema: {type: integer, minimum: 0, maximum: 9223372036854775807, default: 0}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 2000, default: 500}}
        - {name: reference, in: query, schema: {type: integer, enum: [0, 1]}}
        - name: communes
          in: query
          description: Comma-separated commune codes to restrict the pull to.
          schema: {type: string, maxLength: 2000}
      responses:
        200:
          description: A page of changes.
          content:
            application/json:
              schema: PullReplySchema
        401: Unauthorized
        422: Invalid
    """
    cursor = _int_arg("cursor", 0, 0, MAX_VERSION)
    limit = _int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    scope = scope_for(current_user)
    communes = _communes_arg()
    if communes is None:
        body = pull(scope, cursor, limit)
    else:
        body = pull(narrowed(scope, communes), cursor, limit, with_exits=False)
    if request.args.get("reference") == "1" or (cursor == 0 and communes is None):
        body["reference"] = reference_data(scope)
    token = current_device_token()
    if token is not None and not body["has_more"]:
        token.last_sync_at = utcnow()
        db.session.commit()
    return _json_maybe_gzip(body)


def _communes_arg() -> frozenset[str] | None:
    raw = request.args.get("communes")
    if raw is None:
        return None
    codes = frozenset(code.strip() for code in raw.split(",") if code.strip())
    if len(raw) > MAX_COMMUNES_ARG or not codes:
        message = _("List one or more commune codes, separated by commas.")
        raise ValidationError(message, code="bad_parameter", errors={"communes": [message]})
    return codes


def _int_arg(name: str, default: int, minimum: int, maximum: int | None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum or (maximum is not None and value > maximum):
        if maximum is None:
            message = _("%(name)s must be a whole number of at least %(min)d.", name=name, min=minimum)
        else:
            message = _("%(name)s must be a whole number from %(min)d to %(max)d.", name=name, min=minimum, max=maximum)
        raise ValidationError(message, code="bad_parameter", errors={name: [message]})
    return value


def _json_maybe_gzip(body: dict):
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    response = current_app.response_class(payload, mimetype="application/json")
    response.vary.add("Accept-Encoding")
    if len(payload) >= GZIP_MIN_BYTES and request.accept_encodings["gzip"]:
        response.set_data(gzip.compress(payload, compresslevel=5))
        response.headers["Content-Encoding"] = "gzip"
    return response
