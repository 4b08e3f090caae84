"""Shared set-up for the sync benchmarks: an app on a fresh database, a commune and a signed-in phone."""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from server import create_app
from server.auth.models import DeviceToken, User
from server.collector import settle
from server.extensions import db
from server.models_base import VersionCounter
from server.places.models import Place

COMMUNE = "29461"


def make_app():
    """The app on PostgreSQL (DATABASE_URL or TEST_DATABASE_URL) or a temporary SQLite file."""
    url = os.environ.get("DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if url is None:
        url = "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="lensan-bench-"), "bench.db")
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.add(VersionCounter(id=1, value=0))
        db.session.add(Place(code="86", name="Tỉnh Vĩnh Long", kind="province", province_code="86"))
        db.session.add(Place(code=COMMUNE, name="Xã Trà Cú", kind="commune", parent_code="86", province_code="86"))
        db.session.commit()
    settle()  # as wsgi.py does in a server process once the app is built
    return app, url.split(":", 1)[0]


def phone_token(app) -> tuple[str, str]:
    """A trainer of the commune with a device token: (raw token, device id)."""
    with app.app_context():
        trainer = User(username="bench", role="trainer", display_name="Bench")
        trainer.places = [db.session.get(Place, COMMUNE)]
        trainer.set_password("bench-password")
        token, raw = DeviceToken.issue(trainer, "bench phone")
        db.session.add_all([trainer, token])
        db.session.commit()
        return raw, token.device_id
