"""The main menu: an entry shows once its endpoint exists and the user's role allows it."""

from flask import current_app
from flask_babel import lazy_gettext as _l

STAFF = ("admin", "supervisor")
NAV = [
    ("reports.dashboard", _l("Dashboard"), STAFF),
    ("households.households", _l("Households"), STAFF),
    ("training.sessions", _l("Training sessions"), STAFF),
    ("bulletins.bulletins", _l("Bulletins"), STAFF),
    ("products.producers", _l("Products"), STAFF),
    ("labels.index", _l("Labels"), STAFF),
    ("places.search_page", _l("Places"), STAFF),
    ("sync.devices", _l("Devices"), STAFF),
    ("auth.users", _l("Users"), ("admin",)),
    ("privacy.access_log", _l("Access log"), ("admin",)),
]


def nav_links():
    """Menu entries whose page exists in this app."""
    return [entry for entry in NAV if entry[0] in current_app.view_functions]


def init_navigation(app) -> None:
    """Expose the menu to templates."""
    app.jinja_env.globals["nav_links"] = nav_links
