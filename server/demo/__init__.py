"""Demo data for `make run`: believable places, people, households, training and products."""

import sqlalchemy as sa

from server.auth.models import User
from server.extensions import db
from server.households.models import Household
from server.places.loader import load_official_places
from server.places.models import Place

DEMO_LOGINS = (
    ("admin", "admin-demo-2026", "admin"),
    ("giamsat", "giamsat-demo-2026", "supervisor"),
    ("taphuan1", "taphuan-demo-2026", "trainer"),
    ("taphuan2", "taphuan-demo-2026", "trainer"),
)


def load_demo(households: int = 2000, only_if_empty: bool = False) -> bool:
    """Load the demo; returns False when skipped because households exist."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Place)) == 0:
        load_official_places()
    if only_if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Household)):
        return False
    from server.auth.operations import create_user

    for username, password, role in DEMO_LOGINS:
        if db.session.scalar(sa.select(User).where(User.username == username.lower())) is None:
            places = {"admin": [], "supervisor": ["86", "92"], "trainer": ["29461"]}[role]
            create_user(username, password, role, places)
    return True
