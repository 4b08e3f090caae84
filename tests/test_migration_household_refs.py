"""Migration 0015: households stored before it get refs, unique and below every version to come."""

import uuid

import sqlalchemy as sa
from flask_migrate import upgrade

from server import create_app
from server.extensions import db
from server.households.models import Household
from server.places.models import Place


def test_stored_households_get_unique_refs_below_the_next_version(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "m.db"), "SECRET_KEY": "m", "TESTING": True}
    )
    try:
        with app.app_context():
            upgrade(revision="0013")
            with db.engine.begin() as conn:
                conn.execute(
                    sa.insert(Place.__table__).values(
                        code="29461", name="Xã Trà Cú", kind="commune", province_code="86"
                    )
                )
                conn.execute(sa.text("UPDATE version_counter SET value = 30 WHERE id = 1"))
                # Two rows share version 20 (written outside the app); the others have their own.
                for n, version in enumerate((10, 20, 20, 30)):
                    conn.execute(
                        sa.insert(Household.__table__).values(
                            id=uuid.UUID(int=n),
                            head_name=f"Hộ {n}",
                            commune_code="29461",
                            version=version,
                            field_clocks={},
                        )
                    )
            upgrade(revision="0015")
            with db.engine.connect() as conn:
                refs = dict(conn.execute(sa.text("SELECT id, ref FROM households")).all())
                counter = conn.execute(sa.text("SELECT value FROM version_counter")).scalar()
        assert refs[uuid.UUID(int=0).hex] == 10 and refs[uuid.UUID(int=3).hex] == 30
        assert len(set(refs.values())) == 4 and None not in refs.values()
        assert max(refs.values()) <= counter  # every version handed out from now on is above every ref
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
