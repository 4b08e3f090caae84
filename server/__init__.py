"""Lên Sàn server: create_app builds the Flask application."""

import contextlib
import os
import sqlite3
import time
from functools import cached_property
from types import FunctionType

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from server.config import Config
from server.extensions import babel, csrf, db, limiter, login_manager, migrate
from server.sync.rowjson import sqlite_functions

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "km": "ភាសាខ្មែរ", "en": "English"}


class App(Flask):
    """Flask, with each handler's async check made once.

    Flask asks inspect.iscoroutinefunction again for every view, before/after-request and teardown
    handler and context processor of every request (a dozen, 6 µs each); the answer for a plain
    function never changes, so it is kept. Anything else is asked as Flask asks it.
    """

    def ensure_sync(self, func):
        if type(func) is not FunctionType:
            return super().ensure_sync(func)
        try:
            return self._sync_handlers[func]
        except KeyError:
            found = self._sync_handlers[func] = super().ensure_sync(func)
            return found

    @cached_property
    def _sync_handlers(self) -> dict:
        return {}


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides settings (tests pass their own)."""
    app = App(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_object(Config(app.instance_path, **(config or {})))
    _trust_proxies(app)

    from server import models  # noqa: F401  (registers every table)
    from server.auth.tokens import load_user_from_bearer
    from server.core import init_static_versions
    from server.i18n import init_formatting, select_locale
    from server.models_base import json_text
    from server.navigation import init_navigation
    from server.vocab import init_vocab

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"json_serializer": json_text, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    _sqlite_pragmas(app)
    _ping_idle_connections(app)
    init_formatting(app)
    init_vocab(app)
    init_navigation(app)
    init_static_versions(app)
    login_manager.request_loader(load_user_from_bearer)
    app.jinja_env.globals["language_names"] = LANGUAGE_NAMES

    from server.errors import register_error_handlers
    from server.security import init_security
    from server.transaction import init_request_transaction

    register_error_handlers(app)
    init_security(app)
    init_request_transaction(app)  # registered last: the commit runs before the headers are added
    _register_blueprints(app)
    _register_commands(app)
    from server.jobs.queue import init_queue

    init_queue(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from server.auth.api import bp as auth_api
    from server.auth.views import bp as auth_bp
    from server.bulletins.views import bp as bulletins_bp
    from server.core import bp as core_bp
    from server.households import duplicate_views, import_views, views  # noqa: F401  (their pages)
    from server.households.pages import bp as households_bp
    from server.labels.api import bp as labels_api
    from server.labels.views import bp as labels_bp
    from server.openapi import bp as openapi_bp
    from server.places.api import bp as places_api
    from server.privacy.views import bp as privacy_bp
    from server.products.views import bp as products_bp
    from server.public.views import bp as public_bp
    from server.pwa import bp as pwa_bp
    from server.reports.api import bp as reports_api
    from server.reports.views import bp as reports_bp
    from server.sync.api import bp as sync_api
    from server.sync.views import bp as sync_bp
    from server.training.views import bp as training_bp

    blueprints = (
        *(core_bp, auth_bp, auth_api, places_api, privacy_bp, products_bp, labels_bp, labels_api, public_bp),
        *(sync_api, sync_bp, openapi_bp, reports_bp, reports_api, households_bp, training_bp, pwa_bp),
        bulletins_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from server.auth.cli import create_user
    from server.backup import backup_command, restore_command
    from server.cli import demo_data_command, load_places_command, rebuild_summaries_command, web_fonts_command
    from server.jobs.queue import worker_command
    from server.translate import translate

    commands = (create_user, demo_data_command, load_places_command, translate, backup_command, restore_command)
    commands += (rebuild_summaries_command, web_fonts_command, worker_command)
    for command in commands:
        app.cli.add_command(command)


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, take the client's address and scheme from their X-Forwarded-* headers.

    The address keys the sign-in rate limit; the scheme marks cookies Secure and adds HSTS.
    """
    hops = app.config["TRUSTED_PROXIES"]
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)


def _sqlite_pragmas(app: Flask) -> None:
    """WAL and foreign keys on every SQLite connection, the query planner's statistics kept, and the
    functions of the pull's SQL (`rowjson.sqlite_functions`)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    in_memory = ":memory:" in app.config["SQLALCHEMY_DATABASE_URI"]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        sqlite_functions(dbapi_connection)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            _analyze_if_never_analyzed(cursor)
        cursor.close()

    @event.listens_for(engine, "close")
    def _on_close(dbapi_connection, _record):
        if not in_memory:
            _optimize(dbapi_connection)


def _analyze_if_never_analyzed(cursor) -> None:
    """ANALYZE a database whose statistics miss a table that has rows (a copied file, one filled
    outside the app, or in bulk after a new file's first connection analyzed its empty tables:
    PRAGMA optimize then analyzes only the tables its connection's queries used).

    Without them SQLite reads the dashboard's follow-up lists along the wrong index: 20-30 s at
    a million households instead of a fraction of one (9 s with the statistics of every table but
    the households). A full ANALYZE takes about 3 s there; a limited one (analysis_limit) guesses
    the households per commune ten times too few and leads the planner to the same wrong index.
    Only the tables missing are analyzed (ANALYZE gives a table with rows its statistics, so
    each once): a small table's first rows do not cost a full ANALYZE. PostgreSQL keeps its own
    by autovacuum.
    """
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    if cursor.fetchone() is None:
        cursor.execute("ANALYZE")
        return
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT IN (SELECT tbl FROM sqlite_stat1)"
    )
    for (table,) in cursor.fetchall():
        quoted = '"' + table.replace('"', '""') + '"'  # a name from the schema itself, quoted
        cursor.execute(f"SELECT 1 FROM {quoted} LIMIT 1")  # noqa: S608
        if cursor.fetchone() is not None:
            cursor.execute(f"ANALYZE {quoted}")


def _optimize(dbapi_connection) -> None:
    """PRAGMA optimize as a connection closes, as SQLite advises: it analyzes again the tables
    this connection's queries used that have grown 25-fold since, or gained an index (SQLite 3.40)."""
    with contextlib.suppress(sqlite3.Error):  # busy, or gone as the process ends: the next close tries
        dbapi_connection.execute("PRAGMA optimize")


def keep_statistics(conn: sa.Connection) -> None:
    """Renew the query planner's statistics after a bulk change (demo data, rebuilt summaries)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("ANALYZE")


def _ping_idle_connections(app: Flask) -> None:
    """Check a pooled connection before use when it has been idle a while (the database may have
    restarted meanwhile): a dead one is replaced before the request sees it.

    SQLAlchemy's pool_pre_ping did so before every use, a round trip on every request; a
    connection used within the last POOL_PING_IDLE_SECONDS is taken as it is (if the database went
    away in that window, the request fails and the pool drops every connection of that time).
    """
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):
        if time.monotonic() - record.info.get("checked_in", 0) < app.config["POOL_PING_IDLE_SECONDS"]:
            return
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        except Exception as error:  # whatever the driver raises for a dead connection
            raise sa.exc.DisconnectionError() from error  # the pool opens a new one and tries again
        finally:
            cursor.close()


def database_ok() -> bool:
    """Whether the database answers a trivial query."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return False
