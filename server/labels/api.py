"""/api/v1/labels: single labels as PNG, SVG or PDF, and batch PDFs with progress."""

from flask import Blueprint, Response, jsonify, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.apiargs import json_body, query
from server.auth.scope import scope_for
from server.errors import NotFound, ValidationError, problem
from server.i18n import locale_code
from server.labels import fonts, jobs
from server.labels import operations as labels
from server.labels.layouts import LAYOUTS
from server.labels.schemas import BatchDumpSchema, BatchLoadSchema, LabelQueryLoadSchema, LayoutDumpSchema

bp = Blueprint("labels_api", __name__, url_prefix="/api/v1/labels")
FORMATS = "any(png, svg, pdf)"
MAX_BATCH_BODY = 16 * 1024


@bp.record_once
def _check_raqm(state):
    """Say at startup, in the log, why labels would not render."""
    try:
        fonts.require_raqm()
    except fonts.LabelRenderingUnavailable as error:
        state.app.logger.error("%s", error)


@bp.errorhandler(fonts.LabelRenderingUnavailable)
def _unavailable(error):
    return problem(503, "labels_unavailable", _("Labels cannot be printed on this server."), str(error))


def _file(body: bytes, fmt: str, name: str) -> Response:
    response = Response(body, mimetype=labels.MIME_TYPES[fmt])
    response.headers["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/layouts")
@login_required
def layouts():
    """Label layouts the server can print.
    ---
    get:
      summary: Label layouts the server can print
      responses:
        200:
          description: Layouts
          content:
            application/json:
              schema:
                type: object
                properties:
                  layouts:
                    type: array
                    items: LayoutDumpSchema
    """
    return jsonify(layouts=LayoutDumpSchema(many=True).dump(LAYOUTS.values()))


@bp.get(f"/households/<uuid:household_id>.<{FORMATS}:fmt>")
@login_required
@query(LabelQueryLoadSchema)
def household_label(args, household_id, fmt):
    """A household's digital-address label.
    ---
    get:
      summary: A household's digital-address label as PNG, SVG or PDF
      parameters:
        - {name: household_id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: fmt, in: path, required: true, schema: {type: string, enum: [png, svg, pdf]}}
        - in: query
          schema: LabelQueryLoadSchema
      responses:
        200:
          description: The label (PNG at the printer's exact dots, SVG in mm, or PDF)
          content:
            image/png: {schema: {type: string, format: binary}}
            image/svg+xml: {schema: {type: string}}
            application/pdf: {schema: {type: string, format: binary}}
        403: {description: Outside the caller's places}
        404: {description: No such household}
        422: {description: "Bad layout or language"}
    """
    household = labels.household_for_label(scope_for(current_user), household_id)
    contents = labels.household_contents([household], args.get("lang"))
    body = labels.render(contents, labels.layout_named(args["layout"]), fmt)
    return _file(body, fmt, f"address-{args['layout']}")


@bp.get(f"/lots/<uuid:lot_id>.<{FORMATS}:fmt>")
@login_required
@query(LabelQueryLoadSchema)
def lot_label(args, lot_id, fmt):
    """A lot's product-origin label.
    ---
    get:
      summary: A lot's product-origin label as PNG, SVG or PDF (count labels in the PDF)
      parameters:
        - {name: lot_id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: fmt, in: path, required: true, schema: {type: string, enum: [png, svg, pdf]}}
        - in: query
          schema: LabelQueryLoadSchema
      responses:
        200:
          description: The label
          content:
            image/png: {schema: {type: string, format: binary}}
            image/svg+xml: {schema: {type: string}}
            application/pdf: {schema: {type: string, format: binary}}
        403: {description: Outside the caller's places}
        404: {description: No such lot}
        422: {description: "Bad layout, language or count"}
    """
    lot = labels.lot_for_label(scope_for(current_user), lot_id)
    count = args["count"] if fmt == "pdf" else 1
    body = labels.render(labels.lot_contents(lot, count, args.get("lang")), labels.layout_named(args["layout"]), fmt)
    return _file(body, fmt, f"lot-{lot.code}-{args['layout']}")


def start_batch(data: dict) -> str:
    """Check scope and limits and queue the PDF job (the worker renders it); returns the job id."""
    scope = scope_for(current_user)
    layout = labels.layout_named(data["layout"])
    params = {"kind": data["kind"], "layout": layout.key}
    if data["kind"] == "households":
        place, households = labels.households_of_place(scope, data["place_code"])
        if not households:
            raise ValidationError(_("There are no households in %(place)s.", place=place.name), code="empty")
        count, title = len(households), place.name
        params.update(place_code=place.code, lang=data["lang"])
    else:
        if data["lot_id"] is None:
            raise ValidationError(_("Choose a lot."), code="no_lot")
        lot = labels.lot_for_label(scope, data["lot_id"])
        count, title = data["count"], f"{lot.product.name} · {lot.code}"
        params.update(lot_id=str(lot.id), count=count, lang=data["lang"] or locale_code())
    pages_total = -(-count // layout.per_page) if layout.is_sheet else count
    return jobs.start(current_user.id, params, count, pages_total, title)


def batch_dump(job_id: str, status: dict) -> dict:
    """A job's status with its links."""
    done = status["state"] == "done"
    return BatchDumpSchema().dump(
        dict(
            status,
            job_id=job_id,
            status_url=url_for("labels_api.batch_status", job_id=job_id),
            download_url=url_for("labels_api.batch_pdf", job_id=job_id) if done else None,
        )
    )


@bp.post("/batches")
@login_required
@json_body(BatchLoadSchema, MAX_BATCH_BODY, require_json_type=True)
def batches(batch: dict):
    """Start a batch PDF.
    ---
    post:
      summary: Start a PDF of every household of a hamlet or commune, or N labels of a lot
      requestBody:
        required: true
        content:
          application/json:
            schema: BatchLoadSchema
      responses:
        202:
          description: Started; poll status_url
          content:
            application/json:
              schema: BatchDumpSchema
        400: MalformedJson
        403: {description: Outside the caller's places}
        404: {description: No such place or lot}
        413: TooLarge
        415: NotJson
        422: Invalid
        429: {description: "Too many batches at once or in the last hour; see Retry-After"}
    """
    job_id = start_batch(batch)
    response = jsonify(batch_dump(job_id, jobs.status(job_id, current_user.id)))
    response.status_code = 202
    response.headers["Location"] = url_for("labels_api.batch_status", job_id=job_id)
    return response


@bp.get("/batches/<job_id>")
@login_required
def batch_status(job_id):
    """Progress of a batch PDF.
    ---
    get:
      summary: Progress of a batch PDF
      parameters:
        - {name: job_id, in: path, required: true, schema: {type: string}}
      responses:
        200:
          description: Progress; download_url is set when done
          content:
            application/json:
              schema: BatchDumpSchema
        404: {description: No such job for this user}
    """
    status = jobs.status(job_id, current_user.id)
    if status is None:
        raise NotFound()
    response = jsonify(batch_dump(job_id, status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/batches/<job_id>.pdf")
@login_required
def batch_pdf(job_id):
    """The finished batch PDF.
    ---
    get:
      summary: The finished batch PDF
      parameters:
        - {name: job_id, in: path, required: true, schema: {type: string}}
      responses:
        200:
          description: The PDF
          content:
            application/pdf: {schema: {type: string, format: binary}}
        404: {description: "No such job, or not finished"}
    """
    status = jobs.status(job_id, current_user.id)
    if status is None or status["state"] != "done":
        raise NotFound()
    return send_file(jobs.pdf_path(job_id), mimetype="application/pdf", download_name=f"labels-{job_id}.pdf")
