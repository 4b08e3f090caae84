"""The phone app in real headless Chromium against a live server on loopback with a fresh database."""

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from server import create_app
from server.extensions import db
from server.translate import compile_all
from tests import factories
from tests.e2e.fake_sync_api import fake_bp

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path("/tmp/pwa-shots")  # noqa: S108 (where people look at the screenshots)
PHONE = {"width": 360, "height": 740}


class QuietHandler(WSGIRequestHandler):
    """No access log on the test output."""

    def log_request(self, *args, **kwargs):
        pass


@dataclass
class LiveServer:
    """A running app: its Flask object (for database checks) and its base URL."""

    app: Flask
    url: str
    places: dict
    trainer: object
    households: list

    def query(self, fn):
        """Run fn() in an app context (to look at what reached the server)."""
        with self.app.app_context():
            try:
                return fn()
            finally:
                db.session.remove()


@pytest.fixture(scope="session")
def catalogues():
    """The JSON catalogues the app loads, as `flask translate compile` writes them."""
    compile_all()


def _seed():
    places = factories.small_tree()
    trainer = factories.user("trainer", [places["commune"]], username="trang")
    trainer.display_name = "Trần Thị Trang"
    db.session.commit()
    households = [
        factories.household(places["commune"], places["hamlet"], head_name=name, phone=phone)
        for name, phone in (
            ("Nguyễn Văn Ánh", "0912345671"),
            ("Thạch Sô Phi", "0912345672"),
            ("Lê Thị Đào", "0912345673"),
            ("Kim Sóc Khanh", "0912345674"),
        )
    ]
    factories.household(places["other_commune"], head_name="Ngoài Phạm Vi")
    return places, trainer, households


@pytest.fixture
def live_server(tmp_path, catalogues):
    """The app with the fake sync API, served on 127.0.0.1 at a free port."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "e2e.db"),
            "SECRET_KEY": "e2e-secret",
            "RATELIMIT_ENABLED": False,
            # security.py checks CSRF with csrf.protect(), which ignores csrf.exempt, and the
            # sign-in POST carries no bearer token yet; the real token endpoint must be let through.
            "WTF_CSRF_ENABLED": False,
            "PUBLIC_BASE_URL": "https://lensan.example",
        }
    )
    app.register_blueprint(fake_bp)
    with app.app_context():
        db.create_all()
        places, trainer, households = _seed()
        server_objects = (places, trainer, households)
        for row in [trainer, *households, *places.values()]:
            db.session.refresh(row)
        db.session.expunge_all()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", *server_objects)
    server.shutdown()
    thread.join()
    server.server_close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def playwright_driver():
    """The Playwright driver for the run."""
    with sync_playwright() as playwright:
        yield playwright


def launch(playwright, extra_args=()):
    """Debian's headless Chromium with the project's flags."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *extra_args])


@pytest.fixture(scope="session")
def browser(playwright_driver):
    """One headless Chromium for the run."""
    browser = launch(playwright_driver)
    yield browser
    browser.close()


@pytest.fixture
def phone(browser, live_server):
    """A new phone: a fresh browser context at 360 px, camera and GPS allowed."""
    context = browser.new_context(
        viewport=PHONE,
        base_url=live_server.url,
        permissions=["camera", "geolocation"],
        geolocation={"latitude": 9.8806, "longitude": 106.4198},
        service_workers="allow",
    )
    context.set_default_timeout(10000)
    yield context
    context.close()
