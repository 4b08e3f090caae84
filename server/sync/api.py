"""/api/v1/sync: push a phone's changes, pull everything in scope since a cursor."""

import sqlalchemy as sa
from flask import Blueprint, current_app
from flask_login import current_user, login_required

from server.apiargs import json_body, query
from server.auth.scope import scope_for
from server.auth.tokens import current_device_token, minute_passed
from server.bulletins.operations import record_pulled
from server.errors import ServiceUnavailable
from server.extensions import db
from server.jsonbody import encoded_json_reply, json_reply
from server.models_base import utcnow
from server.sync import operations
from server.sync.pull import narrowed, pull
from server.sync.reference import reference_data
from server.sync.rowjson import page_json
from server.sync.schemas import PullQuerySchema, PushEnvelopeSchema

bp = Blueprint("sync_api", __name__)

# A pull writes the phone's last sync at most this often: a COMMIT on every empty pull (a phone
# polling for news) was a tenth of its cost, and the Devices page shows it to the minute.


@bp.post("/api/v1/sync/push")
@login_required
@json_body(PushEnvelopeSchema, lambda: current_app.config["SYNC_MAX_BODY"])
def push(envelope: dict):
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
        phone's date is right, see the Date header). The body may be gzip-compressed
        (Content-Encoding: gzip; the size limit applies to it inflated), and the reply is
        gzip-compressed when the request accepts it.
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
          links:
            ChangesSince:
              operationRef: "#/paths/~1api~1v1~1sync~1pull/get"
              parameters: {cursor: "$response.body#/cursor_hint"}
            HouseholdLabel:
              operationRef: "#/paths/~1api~1v1~1labels~1households~1{household_id}.{fmt}/get"
              parameters: {household_id: "$response.body#/results/0/record_id"}
        400: MalformedJson
        401: Unauthorized
        413: TooLarge
        415: UnsupportedEncoding
        422: Invalid
        503: Unavailable
    """
    try:
        reply = operations.push(current_user, current_device_token(), envelope, envelope["mutations"])
    except (sa.exc.OperationalError, sa.exc.IntegrityError) as error:
        # A deadlock or lock timeout with another push, or another token logging the same
        # mutation id at the same moment: nothing was kept, and sending again is safe.
        db.session.rollback()
        raise ServiceUnavailable(code="busy") from error
    return json_reply(reply)


@bp.get("/api/v1/sync/pull")
@login_required
@query(PullQuerySchema)
def pull_changes(args: dict):
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
        or with cursor=0 when no communes are given. With refs=1, attendance rows name their household
        by its short "ref" (household rows carry it) wherever the phone holds that household by the
        end of the page, else by its UUID. Gzip-compressed when the request accepts it.
      security: [{bearerAuth: []}]
      parameters:
        - in: query
          schema: PullQuerySchema
      responses:
        200:
          description: A page of changes.
          content:
            application/json:
              schema: PullReplySchema
          links:
            NextPage:
              operationRef: "#/paths/~1api~1v1~1sync~1pull/get"
              parameters: {cursor: "$response.body#/next_cursor"}
        401: Unauthorized
        422: Invalid
    """
    cursor, limit, communes = args["cursor"], args["limit"], args.get("communes")
    scope = scope_for(current_user)
    refs = args["refs"] == 1
    if communes is None:
        body = pull(scope, cursor, limit, refs=refs)
    else:
        body = pull(narrowed(scope, communes), cursor, limit, with_exits=False, refs=refs)
    if args["reference"] == 1 or (cursor == 0 and communes is None):
        body["reference"] = reference_data(scope)
    token = current_device_token()
    if token is not None and not body["has_more"] and minute_passed(token.last_sync_at):
        token.last_sync_at = utcnow()  # at most once a minute: an up-to-date pull then writes nothing
    record_pulled(token, body["records"])
    return encoded_json_reply(page_json(body))
