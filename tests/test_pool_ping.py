"""A connection the database dropped (a restart, an idle timeout) is replaced before a request uses it."""

import pytest
import sqlalchemy as sa

from server.extensions import db

pytestmark = pytest.mark.postgres_only

ALL_BUT_ME = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def test_a_pooled_connection_the_database_ended_is_replaced_before_the_request(app, client, monkeypatch):
    assert client.get("/healthz").status_code == 200  # the pool now holds a connection
    # Idle longer than the setting (0 s here, 10 s by default): checked before it is handed out.
    monkeypatch.setitem(app.config, "POOL_PING_IDLE_SECONDS", 0)
    with app.app_context():
        url = db.engine.url
    ender = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with ender.connect() as conn:  # as a restart of the database would, end every connection of the app
        assert conn.execute(sa.text(ALL_BUT_ME)).all()
    ender.dispose()
    try:
        response = client.get("/healthz")
        assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}
    finally:
        with app.app_context():
            db.engine.dispose()  # other ended connections of the pool, before the tables are emptied
