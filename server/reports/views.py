"""Dashboard pages: progress against targets, drill-down, print view, exports, baselines and targets."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError as SchemaError

from server.auth.decorators import role_required
from server.auth.scope import scope_for
from server.errors import ValidationError
from server.forms import form_values
from server.households.lists import FOLLOW_UPS, export_rows, household_query
from server.reports import access, charts, operations, tables, targets, wording
from server.reports.indicators import follow_up_count, place_report
from server.reports.models import INDICATORS
from server.reports.schemas import BaselineTargetsLoadSchema
from server.reports.trend import monthly_trend

bp = Blueprint("reports", __name__)
STAFF = ("admin", "supervisor")
FOLLOW_UP_SHOWN = 10


def _year() -> int:
    this_year = date.today().year
    year = request.args.get("year", type=int) or this_year
    return year if 2000 <= year <= this_year + 1 else this_year


def _years() -> list[int]:
    this_year = date.today().year
    return list(range(this_year + 1, this_year - 4, -1))


def _figures_context(place, year: int) -> dict:
    report = place_report(place, year)
    months = monthly_trend(place, year)
    figures = report.place.figures
    trends = (
        [charts.trend(i, months, report.place.denominator, figures[i].target) for i in INDICATORS] if months else []
    )
    context = {"report": report, "trends": trends, "bar_svg": charts.bar_svg, "wording": wording}
    return {**context, "year": year, "place": place}


def _follow_ups(scope, place) -> list[dict]:
    lists = []
    for name in FOLLOW_UPS:
        query = household_query(scope, place, follow_up=name)
        rows = list(export_rows(query, limit=FOLLOW_UP_SHOWN))
        lists.append({"name": name, "count": follow_up_count(place, scope.commune_filter, name), "rows": rows})
    return lists


@bp.get("/dashboard")
@login_required
@role_required(*STAFF)
def dashboard():
    """Progress of a place against its targets, its children furthest behind first, follow-up lists."""
    scope = scope_for(current_user)
    code = request.args.get("place")
    if not code:
        starts = access.starting_places(scope)
        if len(starts) != 1:
            return render_template("reports/choose.html", places=starts, year=_year())
        code = starts[0].code
    place = access.visible_place(code, scope)
    context = _figures_context(place, _year())
    return render_template(
        "reports/dashboard.html",
        **context,
        breadcrumb=access.breadcrumb(place, scope),
        years=_years(),
        follow_ups=_follow_ups(scope, place),
    )


@bp.get("/dashboard/print")
@login_required
@role_required(*STAFF)
def print_report():
    """The indicator table and trend on a page made for printing."""
    place = access.visible_place(request.args.get("place"), scope_for(current_user))
    return render_template("reports/print.html", **_figures_context(place, _year()), today=date.today())


@bp.get("/dashboard/table.<any(xlsx, csv):kind>")
@login_required
@role_required(*STAFF)
def export_table(kind: str):
    """The indicator table of a place and its children as XLSX or CSV."""
    place = access.visible_place(request.args.get("place"), scope_for(current_user))
    year = _year()
    report = place_report(place, year)
    name = f"indicators-{place.code}-{year}"
    return tables.download(kind, name, _("Indicators"), wording.table_header(), wording.table_rows(report))


def _form_values(form) -> dict:
    raw = {"farm_households": form.get("farm_households", "").strip() or None, "targets": {}}
    for indicator in INDICATORS:
        raw["targets"][indicator] = form.get(f"target_{indicator}", "").strip().replace(",", ".") or None
    try:
        return BaselineTargetsLoadSchema().load(raw)
    except SchemaError as error:
        raise ValidationError(_("Please check the numbers: percentages are between 0 and 100.")) from error


@bp.route("/dashboard/targets", methods=["GET", "POST"])
@login_required
@role_required(*STAFF)
def edit_targets():
    """Enter the official number of farm households and the place's own targets for a year."""
    place = access.visible_place(request.args.get("place"), scope_for(current_user))
    year = _year()
    if request.method == "POST":
        try:
            values = _form_values(form_values())
        except ValidationError as error:
            flash(error.detail, "error")
        else:
            operations.save_baseline_and_targets(place, year, values["farm_households"], values["targets"])
            flash(_("Baseline and targets saved."), "success")
            return redirect(url_for("reports.dashboard", place=place.code, year=year))
    baseline = targets.baselines([place.code], year).get(place.code)
    rules = targets.targets([place], year)[place.code]
    return render_template(
        "reports/targets.html", place=place, year=year, years=_years(), baseline=baseline, rules=rules
    )
