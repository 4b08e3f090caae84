"""Health check, home page, fonts for Khmer, versioned static URLs, and the language switch."""

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import (
    Blueprint,
    Flask,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user

from server.errors import BadRequest, NotFound
from server.i18n import save_language
from server.security import safe_next
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


def static_version(folder: str, filename: str) -> str | None:
    """A short hash of a static file's content, or None when there is no such file."""
    path = os.path.join(folder, filename)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _content_hash(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _content_hash(path: str, _mtime_ns: int, _size: int) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:12]


def init_static_versions(app: Flask) -> None:
    """url_for("static") adds ?v=<content hash>, so a proxy may cache /static for a year (deploy/nginx)."""

    @app.url_defaults
    def _static_version(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = static_version(app.static_folder, values["filename"])
            if version:
                values["v"] = version


@bp.post("/language")
def language():
    """The language setting: saves the chosen language and goes back to the page it was chosen on."""
    if not save_language(request.form.get("lang", "")):
        raise BadRequest()
    target = urlsplit(safe_next(request.form.get("next"), url_for("core.index")))
    kept = urlencode([(key, value) for key, value in parse_qsl(target.query, keep_blank_values=True) if key != "lang"])
    return redirect(target.path + (f"?{kept}" if kept else ""))
