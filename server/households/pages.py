"""What the household pages share: their blueprint, who may open them, the place and page asked for."""

from flask import Blueprint, request

from server.errors import NotFound
from server.extensions import db
from server.households.models import Household
from server.reports import access

bp = Blueprint("households", __name__)
STAFF = ("admin", "supervisor")
PAGE = 50


def place_asked(scope):
    """The place named by ?place=, checked against the scope, or None."""
    code = request.args.get("place")
    return access.visible_place(code, scope) if code else None


def page_asked() -> int:
    """The page number named by ?page= (1 at least)."""
    return max(request.args.get("page", 1, type=int), 1)


def household_in_scope(household_id, scope) -> Household:
    """The household, if it exists and the scope covers its commune."""
    household = db.session.get(Household, household_id)
    if household is None:
        raise NotFound()
    scope.require_commune(household.commune_code)
    return household
