"""Serving the phone app: pages, types, service worker headers and the shell version."""

import io
import re

import pytest
from PIL import Image

from server.pwa import PWA_DIR, shell_urls
from server.translate import compile_all


@pytest.fixture(scope="module", autouse=True)
def catalogues():
    compile_all()


def fetch(client, path):
    """GET a path, read the body and close the file behind it."""
    response = client.get(path)
    response.get_data()
    response.close()
    return response


def test_app_page_loads_only_external_module_scripts(client):
    response = fetch(client, "/app/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<script type="module" src="/app/js/main.js"></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    assert "style=" not in html and "<style" not in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [
        ("/app/manifest.webmanifest", "application/manifest+json"),
        ("/app/js/main.js", "text/javascript"),
        ("/app/css/app.css", "text/css"),
        ("/app/i18n/km.json", "application/json"),
        ("/app/sw.js", "text/javascript"),
    ],
)
def test_files_have_their_content_type(client, path, mimetype):
    response = fetch(client, path)
    assert response.status_code == 200
    assert response.mimetype == mimetype


def test_service_worker_may_control_the_app_and_is_never_cached(client):
    response = fetch(client, "/app/sw.js")
    assert response.headers["Service-Worker-Allowed"] == "/app/"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert body.startswith("const SHELL_VERSION = ")
    for url in ("/app/", "/app/js/db.js", "/app/i18n/vi.json", "/app/icons/icon-192.png", "/fonts/noto-sans-khmer.ttf"):
        assert f'"{url}"' in body


def test_every_precached_file_is_served(ctx, client):
    for url in shell_urls():
        assert fetch(client, url).status_code == 200, url


def test_a_deploy_changes_the_service_worker(app, client):
    before = fetch(client, "/app/sw.js").get_data(as_text=True)
    app.config["PWA_VERSION_SALT"] = "another deploy"
    try:
        after = fetch(client, "/app/sw.js").get_data(as_text=True)
    finally:
        app.config.pop("PWA_VERSION_SALT")
    version = re.compile(r'SHELL_VERSION = "(\w+)"')
    assert version.search(before).group(1) != version.search(after).group(1)


def test_changing_a_shell_file_changes_the_version(client, tmp_path, monkeypatch):
    import server.pwa as pwa

    before = fetch(client, "/app/version.json").get_json()["version"]
    copy = tmp_path / "pwa"
    import shutil

    shutil.copytree(PWA_DIR, copy)
    (copy / "css" / "app.css").write_text("/* changed */", encoding="utf-8")
    monkeypatch.setattr(pwa, "PWA_DIR", copy)
    assert fetch(client, "/app/version.json").get_json()["version"] != before


@pytest.mark.parametrize("size", [192, 512])
def test_icons_are_pngs_of_their_size(client, size):
    response = fetch(client, f"/app/icons/icon-{size}.png")
    assert response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (size, size)


@pytest.mark.parametrize(
    "path", ["/app/../server/config.py", "/app/%2e%2e/setup.cfg", "/app/nothing.js", "/app/icons/icon-7.png"]
)
def test_nothing_outside_the_app_is_served(client, path):
    assert fetch(client, path).status_code == 404


def test_manifest_makes_the_app_installable(client):
    manifest = fetch(client, "/app/manifest.webmanifest").get_json(force=True)
    assert manifest["start_url"] == "/app/" and manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#")
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
