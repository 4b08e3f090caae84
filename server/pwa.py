"""The trainer's phone app: static ES modules from pwa/ served at /app/, plus its service worker and icons.

The service worker is served with the shell's version and file list written in front of it, so a
deploy that changes any shell file changes sw.js byte for byte, and browsers offer the update.
"""

import hashlib
import io
import json
import mimetypes
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, send_file, send_from_directory

from server.errors import NotFound

bp = Blueprint("pwa", __name__)

ROOT = Path(__file__).resolve().parent.parent
PWA_DIR = ROOT / "pwa"
# Optional QR decoder for browsers without BarcodeDetector, installed by `npm ci` (package.json).
JSQR_FILE = ROOT / "node_modules" / "jsqr" / "dist" / "jsQR.js"
SHELL_SUFFIXES = (".html", ".js", ".css", ".json", ".webmanifest", ".svg")
ICON_SIZES = (192, 512)
FONTS = ("/fonts/noto-sans-khmer.ttf",)
TYPES = {
    ".webmanifest": "application/manifest+json",
    ".js": "text/javascript",
    ".json": "application/json",
    ".css": "text/css",
    ".html": "text/html",
    ".svg": "image/svg+xml",
}


def shell_files() -> list[Path]:
    """Every file of the app shell under pwa/ (code, styles, catalogues), sorted."""
    files = [p for p in PWA_DIR.rglob("*") if p.is_file() and p.suffix in SHELL_SUFFIXES and p.name != "sw.js"]
    return sorted(files)


def shell_urls() -> list[str]:
    """The URLs the service worker precaches."""
    urls = ["/app/"] + ["/app/" + p.relative_to(PWA_DIR).as_posix() for p in shell_files() if p.name != "index.html"]
    urls += [f"/app/icons/icon-{size}.png" for size in ICON_SIZES]
    urls += [f"/app/locale/{lang}.json" for lang in current_app.config["LANGUAGES"]]
    if JSQR_FILE.exists():
        urls.append("/app/vendor/jsqr.js")
    return urls + list(FONTS)


def shell_version() -> str:
    """A short hash of the shell's content (and of PWA_VERSION_SALT, a test and deploy hook)."""
    digest = hashlib.sha256(str(current_app.config.get("PWA_VERSION_SALT", "")).encode())
    for path in shell_files() + ([JSQR_FILE] if JSQR_FILE.exists() else []):
        digest.update(path.as_posix().encode())
        digest.update(path.read_bytes())
    digest.update((PWA_DIR / "sw.js").read_bytes())
    return digest.hexdigest()[:12]


def _no_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/app")
@bp.get("/app/")
def index():
    """The app's single page."""
    return _no_cache(send_from_directory(PWA_DIR, "index.html", mimetype="text/html", max_age=0))


@bp.get("/app/sw.js")
def service_worker():
    """The service worker, preceded by the shell version and the list of files to precache."""
    header = f"const SHELL_VERSION = {json.dumps(shell_version())};\nconst SHELL_FILES = {json.dumps(shell_urls())};\n"
    body = header + (PWA_DIR / "sw.js").read_text(encoding="utf-8")
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/app/"
    return _no_cache(response)


@bp.get("/app/version.json")
def version():
    """The shell version, so the page can say which version it runs."""
    return _no_cache(Response(json.dumps({"version": shell_version()}), mimetype="application/json"))


@bp.get("/app/locale/<lang>.json")
def locale_data(lang: str):
    """CLDR date words from Babel, for browsers whose Intl lacks the language (Debian's Chromium has no km)."""
    if lang not in current_app.config["LANGUAGES"]:
        raise NotFound()
    return _no_cache(Response(json.dumps(_locale_data(lang), ensure_ascii=False), mimetype="application/json"))


@lru_cache(maxsize=8)
def _locale_data(lang: str) -> dict:
    from babel import Locale

    locale = Locale.parse(lang)
    months = locale.months["format"]["abbreviated"]
    return {"months": [months[i] for i in range(1, 13)], "date_medium": locale.date_formats["medium"].pattern}


@bp.get("/app/icons/icon-<int:size>.png")
def icon(size: int):
    """The app icon drawn with Pillow at one of the manifest's sizes."""
    if size not in ICON_SIZES:
        raise NotFound()
    response = send_file(io.BytesIO(_icon_png(size)), mimetype="image/png", max_age=0)
    return _no_cache(response)


@bp.get("/app/vendor/jsqr.js")
def jsqr():
    """The fallback QR decoder from node_modules, when the set-up installed it."""
    if not JSQR_FILE.exists():
        raise NotFound()
    return _no_cache(send_file(JSQR_FILE, mimetype="text/javascript", max_age=0))


@bp.get("/app/<path:name>")
def asset(name: str):
    """A file of the app shell (modules, styles, manifest, catalogues)."""
    path = (PWA_DIR / name).resolve()
    if PWA_DIR not in path.parents or not path.is_file() or path.suffix not in SHELL_SUFFIXES:
        raise NotFound()
    mimetype = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    # Revalidated every time: the service worker, not the HTTP cache, keeps the offline copy.
    return _no_cache(send_from_directory(PWA_DIR, name, mimetype=mimetype, max_age=0))


@lru_cache(maxsize=len(ICON_SIZES))
def _icon_png(size: int) -> bytes:
    """A market stall under a striped awning on the brand green (maskable: art inside the safe zone)."""
    from PIL import Image, ImageDraw

    scale = size / 512
    image = Image.new("RGB", (size, size), "#0b6e4f")
    draw = ImageDraw.Draw(image)

    def box(x0, y0, x1, y1):
        return [round(x0 * scale), round(y0 * scale), round(x1 * scale), round(y1 * scale)]

    draw.rectangle(box(136, 250, 376, 380), fill="#ffffff")
    draw.rectangle(box(226, 300, 286, 380), fill="#0b6e4f")
    for i in range(5):
        colour = "#ffffff" if i % 2 == 0 else "#f2c14e"
        x0 = 126 + i * 52
        draw.rectangle(box(x0, 150, x0 + 52, 210), fill=colour)
        draw.pieslice(box(x0, 184, x0 + 52, 236), 0, 180, fill=colour)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
