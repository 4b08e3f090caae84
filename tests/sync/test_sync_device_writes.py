"""A phone's up-to-date pulls do not write: its last sync and last use are kept to the minute."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.auth.models import DeviceToken
from server.extensions import db
from server.models_base import utcnow
from tests import factories as f


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


def stored(token_id):
    db.session.remove()
    return db.session.scalar(sa.select(DeviceToken).where(DeviceToken.id == token_id))


def test_up_to_date_pulls_write_the_last_sync_at_most_once_a_minute(tree, trainer, phone_for, monkeypatch):
    phone = phone_for(trainer)
    phone.pull_all()
    first = stored(phone.token.id).last_sync_at
    assert first is not None

    start = utcnow()
    for module in ("server.auth.tokens", "server.sync.api"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: start + timedelta(seconds=30))
    phone.pull_all()
    assert stored(phone.token.id).last_sync_at == first  # half a minute later: unchanged, no write

    later = start + timedelta(minutes=2)
    for module in ("server.auth.tokens", "server.sync.api"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: later)
    phone.pull_all()
    token = stored(phone.token.id)
    assert token.last_sync_at.replace(tzinfo=None) == later.replace(tzinfo=None)  # the devices page shows it
    assert token.last_used_at.replace(tzinfo=None) == later.replace(tzinfo=None)


def test_a_pull_with_more_pages_waiting_is_not_a_sync(tree, trainer, phone_for):
    for n in range(3):
        f.household(tree["commune"], head_name=f"Lan {n}")
    phone = phone_for(trainer)
    page = phone.pull(limit=1)
    assert page["has_more"]
    assert stored(phone.token.id).last_sync_at is None
