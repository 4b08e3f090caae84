"""Health check, home page, fonts for Khmer, and the language switch."""

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import fontpkg_noto_sans
import fontpkg_noto_sans_khmer
from flask import Blueprint, jsonify, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user

from server.errors import BadRequest, NotFound
from server.i18n import save_language
from server.security import safe_next

bp = Blueprint("core", __name__)

FONTS = {
    "noto-sans.ttf": (fontpkg_noto_sans.ROOT / "files", "NotoSans[wdth,wght].ttf"),
    "noto-sans-khmer.ttf": (fontpkg_noto_sans_khmer.ROOT / "files", "NotoSansKhmer[wdth,wght].ttf"),
}


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
    if name not in FONTS:
        raise NotFound()
    folder, filename = FONTS[name]
    response = send_from_directory(Path(folder), filename, max_age=31536000)
    return response


@bp.post("/language")
def language():
    """The language setting: saves the chosen language and goes back to the page it was chosen on."""
    if not save_language(request.form.get("lang", "")):
        raise BadRequest()
    target = urlsplit(safe_next(request.form.get("next"), url_for("core.index")))
    kept = urlencode([(key, value) for key, value in parse_qsl(target.query, keep_blank_values=True) if key != "lang"])
    return redirect(target.path + (f"?{kept}" if kept else ""))
