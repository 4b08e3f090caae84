"""Health check, home page, fonts for Khmer, and the language switch."""

from pathlib import Path

from flask import Blueprint, jsonify, make_response, redirect, render_template, send_from_directory, url_for
from flask_login import current_user

from server.errors import NotFound
from server.webfonts import KHMER_WEB, PACKAGED, khmer_web_font

bp = Blueprint("core", __name__)

FONTS = {name: (path.parent, path.name) for name, path in PACKAGED.items()}
FONT_MAX_AGE = 31536000


@bp.get("/healthz")
def healthz():
    """200 when the app and its database answer, 503 otherwise."""
    from server import database_ok

    if database_ok():
        return jsonify(status="ok", database="ok")
    response = jsonify(status="degraded", database="unreachable")
    response.status_code = 503
    return response


@bp.get("/")
def index():
    """Send people where their role works."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("home.html")


@bp.get("/fonts/<name>")
def font(name: str):
    """Serve the packaged Noto fonts so Khmer renders on desktops without Khmer fonts."""
    if name == KHMER_WEB:
        response = make_response(khmer_web_font())
        response.content_type = "font/woff2"
        response.cache_control.public = True
        response.cache_control.max_age = FONT_MAX_AGE
        return response
    if name not in FONTS:
        raise NotFound()
    folder, filename = FONTS[name]
    return send_from_directory(Path(folder), filename, max_age=FONT_MAX_AGE)
