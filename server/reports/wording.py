"""How figures are worded for people: forecasts, denominators, and the indicator table as rows."""

from flask_babel import gettext as _

from server.i18n import date as format_date
from server.reports.indicators import Figure, PlaceReport, Progress
from server.vocab import INDICATOR_NAMES, KIND_NAMES


def forecast_text(figure: Figure) -> str:
    """ "Reached", "by <date>", "not this year", or a dash without a target."""
    if figure.forecast == "reached":
        return _("Reached")
    if figure.forecast == "on_track":
        return _("By %(date)s", date=format_date(figure.forecast_on))
    if figure.forecast == "not_this_year":
        return _("Not this year at the current pace")
    return "—"


def denominator_text(progress: Progress) -> str:
    """Which total the percentages are of, saying plainly when it is (partly) the registered households."""
    source, communes = progress.denominator_source, progress.kind == "province"
    if source == "baseline":
        return _("Official farm households (baseline)")
    if source == "children":
        if communes:
            return _("Sum of the communes' official farm households (baselines)")
        return _("Sum of the hamlets' official farm households (baselines)")
    if source == "children_and_registered":
        if communes:
            return _("Communes' official farm households, and registered households where no baseline is entered")
        return _("Hamlets' official farm households, and registered households where no baseline is entered")
    return _("Registered households (no baseline entered)")


def place_name(progress: Progress) -> str:
    """A child row's name; households recorded without a hamlet get a label."""
    return progress.name or _("No hamlet recorded")


def table_header() -> list[str]:
    """Column names of the exported indicator table (one row per place and indicator)."""
    return [
        _("Place"),
        _("Code"),
        _("Level"),
        _("Year"),
        _("Denominator"),
        _("Denominator source"),
        _("Indicator"),
        _("Households"),
        _("Percent"),
        _("Target (%)"),
        _("Households short of target"),
        _("Forecast"),
    ]


def table_rows(report: PlaceReport) -> list[list]:
    """The place then each child, one row per indicator, plus orders reported."""
    rows = []
    for progress in [report.place, *report.children]:
        common = [
            place_name(progress),
            progress.code,
            str(KIND_NAMES[progress.kind]),
            progress.year,
            progress.denominator,
            denominator_text(progress),
        ]
        for figure in progress.figures.values():
            percent = round(figure.percent * 100, 1) if figure.percent is not None else None
            rows.append(
                [
                    *common,
                    str(INDICATOR_NAMES[figure.indicator]),
                    figure.value,
                    percent,
                    figure.target,
                    figure.gap,
                    forecast_text(figure),
                ]
            )
        rows.append([*common, _("Orders reported"), progress.orders, None, None, None, None])
    return rows
