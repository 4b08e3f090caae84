"""The phone app in real headless Chromium against a live server on loopback with a fresh database."""

import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from flask import Flask, request
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import event
from werkzeug.serving import WSGIRequestHandler, make_server

from server import create_app
from server.demo import load_demo
from server.errors import ServiceUnavailable
from server.extensions import db
from server.reports.models import Target
from server.translate import compile_all
from tests import factories
from tests.conftest import close_app, in_process_jobs
from tests.e2e.phone_app import TIMEOUT

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
DEMO_HOUSEHOLDS = 60  # enough for every list page, quick to load

# What a person sees may take a while to appear on a loaded machine (two test workers and their
# browsers on two cores); a wrong screen still fails, only later.
expect.set_options(timeout=TIMEOUT)


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

    def fail_next_push(self):
        """The next /api/v1/sync/push is answered 503 (busy) before it reaches the sync code."""
        self.app.config["E2E_FAIL_NEXT_PUSH"] = True

    def database_down(self, down: bool = True):
        """Make the database refuse new connections (or accept them again) and drop the open ones."""
        self.app.config["E2E_DATABASE_DOWN"] = down
        with self.app.app_context():
            db.engine.dispose()

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
    """Trà Cú for the trainer: a hamlet, four households (one with a smartphone) and a target."""
    places = factories.small_tree()
    trainer = factories.user("trainer", [places["commune"]], username="trang")
    trainer.display_name = "Trần Thị Trang"
    target = Target(place_code=places["commune"].code, year=date.today().year, indicator="smartphone", percent=50)
    db.session.add(target)
    db.session.commit()
    households = [
        factories.household(places["commune"], places["hamlet"], head_name=name, phone=phone, smartphone=smartphone)
        for name, phone, smartphone in (
            ("Nguyễn Văn Ánh", "0912345671", "unknown"),
            ("Thạch Sô Phi", "0912345672", "unknown"),
            ("Lê Thị Đào", "0912345673", "yes"),
            ("Kim Sóc Khanh", "0912345674", "unknown"),
        )
    ]
    factories.household(places["other_commune"], head_name="Ngoài Phạm Vi")
    return places, trainer, households


def _fail_one_push(app):
    """Test hook: answer one push with 503 when armed by LiveServer.fail_next_push()."""

    @app.before_request
    def _busy():
        if request.path == "/api/v1/sync/push" and app.config.pop("E2E_FAIL_NEXT_PUSH", False):
            raise ServiceUnavailable(code="busy")


def _refusable_database(app):
    """Test hook: while E2E_DATABASE_DOWN is set, connecting to the database fails as with a dead server."""

    @event.listens_for(db.engine, "do_connect")
    def _refuse(*_args):
        if app.config.get("E2E_DATABASE_DOWN"):
            raise sqlite3.OperationalError("unable to open database file")


@pytest.fixture
def live_server(tmp_path, catalogues):
    """The app with its real sync API, served on 127.0.0.1 at a free port."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "e2e.db"),
            "SECRET_KEY": "e2e-secret",
            # The limiter stays on (it is shared by every app in this process); the phones here sign in often.
            "LOGIN_RATE_LIMIT": "1000 per minute",
            "WTF_CSRF_ENABLED": True,  # the token endpoint is exempt; API calls carry a bearer token
            "PUBLIC_BASE_URL": "https://lensan.example",
            **in_process_jobs(tmp_path / "jobs"),
        }
    )
    _fail_one_push(app)
    with app.app_context():
        _refusable_database(app)
        db.create_all()
        places, trainer, households = _seed()
        server_objects = (places, trainer, households)
        for row in [trainer, *households, *places.values()]:
            db.session.refresh(row)
        db.session.expunge_all()
    with serving(app) as url:
        yield LiveServer(app, url, *server_objects)


@contextmanager
def serving(app):
    """Serve the app on 127.0.0.1 at a free port in a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        close_app(app)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory, catalogues):
    """The app with a small demo (server/demo) for the run's web-page tests, which never rely on each other's edits."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path_factory.mktemp("demo") / "demo.db"),
            "SECRET_KEY": "e2e-demo-secret",
            "LOGIN_RATE_LIMIT": "1000 per minute",
            "WTF_CSRF_ENABLED": True,
            "PUBLIC_BASE_URL": "https://lensan.example",
            **in_process_jobs(tmp_path_factory.mktemp("demo-jobs")),
        }
    )
    with app.app_context():
        db.create_all()
        load_demo(households=DEMO_HOUSEHOLDS)
        db.session.remove()
    with serving(app) as url:
        yield LiveServer(app, url, {}, None, [])


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
