"""/api/v1/reports: indicator figures as JSON (the same figures as the dashboard)."""

from datetime import date

from flask import Blueprint, jsonify
from flask_login import current_user, login_required

from server.apiargs import query
from server.auth.decorators import role_required
from server.auth.scope import scope_for
from server.reports import access
from server.reports.indicators import place_report
from server.reports.schemas import IndicatorQueryLoadSchema, IndicatorReportDumpSchema
from server.reports.trend import monthly_trend

bp = Blueprint("reports_api", __name__)


@bp.get("/api/v1/reports/indicators")
@login_required
@role_required("admin", "supervisor")
@query(IndicatorQueryLoadSchema)
def indicators(args: dict):
    """Indicator figures of a place and its children for a year.
    ---
    get:
      summary: Indicator figures of a place and its children for a year
      description: >
        Distinct households per indicator, percent of the baseline (or, without one, of
        the children's baselines summed, or of registered households; denominator_source
        says which), inherited target, gap and the date the
        target is reached at the pace of the last 90 days; children furthest behind first;
        monthly trend of the place.
      tags: [reports]
      parameters:
        - in: query
          schema: IndicatorQueryLoadSchema
      responses:
        200:
          description: The figures
          content:
            application/json:
              schema: IndicatorReportDumpSchema
        403:
          description: The place is outside the caller's scope
        404:
          description: No such place
        422:
          description: Missing or invalid parameters
    """
    place = access.visible_place(args["place"], scope_for(current_user))
    year = args.get("year") or date.today().year
    report = place_report(place, year)
    trend = [{"month_end": end, "values": values} for end, values in monthly_trend(place, year)]
    return jsonify(
        IndicatorReportDumpSchema().dump({"place": report.place, "children": report.children, "trend": trend})
    )
