"""/api/v1/places: browse and search the place tree; supervisors add hamlets."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.apiargs import query
from server.auth.decorators import role_required
from server.auth.scope import scope_for
from server.errors import AppError, Forbidden, NotFound
from server.extensions import db
from server.places import operations
from server.places.models import Place
from server.places.schemas import PlaceListQuerySchema, PlaceSearchQuerySchema

bp = Blueprint("places", __name__)


@bp.get("/api/v1/places")
@login_required
@query(PlaceListQuerySchema)
def list_places(args: dict):
    """Children of ?parent= (provinces when absent).
    ---
    get:
      summary: Children of a place, or the provinces
      parameters:
        - in: query
          schema: PlaceListQuerySchema
      responses:
        200:
          description: The places directly under the parent, by name.
          content:
            application/json:
              schema: PlaceListSchema
          links:
            Children:
              operationRef: "#/paths/~1api~1v1~1places/get"
              parameters: {parent: "$response.body#/places/0/code"}
            Figures:
              operationRef: "#/paths/~1api~1v1~1reports~1indicators/get"
              parameters: {place: "$response.body#/places/0/code"}
        401: Unauthorized
        404: NotFound
        422: Invalid
    """
    parent = args.get("parent") or None
    if parent and db.session.get(Place, parent) is None:
        raise NotFound(_("There is no place with code %(code)s.", code=parent))
    return jsonify(places=[operations.place_dump(p) for p in operations.children(parent)])


@bp.get("/api/v1/places/search")
@login_required
@query(PlaceSearchQuerySchema)
def search_places(args: dict):
    """Places matching ?q= by new or old name, ignoring diacritics.
    ---
    get:
      summary: Places whose new or former name contains every word of q
      parameters:
        - in: query
          schema: PlaceSearchQuerySchema
      responses:
        200:
          description: Matching places, provinces first.
          content:
            application/json:
              schema: PlaceListSchema
          links:
            Figures:
              operationRef: "#/paths/~1api~1v1~1reports~1indicators/get"
              parameters: {place: "$response.body#/places/0/code"}
        401: Unauthorized
        422: Invalid
    """
    return jsonify(places=[operations.place_dump(p) for p in operations.search(args["q"], kind=args.get("kind"))])


@bp.route("/places/<code>", methods=["GET", "POST"])
@login_required
@role_required("admin", "supervisor")
def place_page(code: str):
    """A place with its children; supervisors add hamlets to communes in their scope."""
    place = db.get_or_404(Place, code)
    scope = scope_for(current_user)
    if request.method == "POST":
        if place.kind != "commune" or not scope.covers_commune(place.code):
            raise Forbidden()
        try:
            hamlet = operations.add_hamlet(place.code, request.form.get("name", ""))
        except AppError as error:
            db.session.rollback()
            flash(error.detail, "error")
        else:
            flash(_("Hamlet %(name)s added.", name=hamlet.name), "success")
            return redirect(url_for("places.place_page", code=place.code))
    return render_template(
        "places/place.html",
        place=place,
        children=operations.children(place.code),
        can_add=scope.covers_commune(place.code),
    )


@bp.get("/places")
@login_required
@role_required("admin", "supervisor")
def search_page():
    """Search places by new or old name."""
    q = request.args.get("q", "")[:100]
    places = operations.search(q, limit=50) if q else operations.children(None)
    return render_template("places/search.html", q=q, places=places)
