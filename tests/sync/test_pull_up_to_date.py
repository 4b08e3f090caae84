"""A phone polling for news while nothing changed is answered from the last version handed out."""

import pytest
from sqlalchemy import event

from server.extensions import db
from tests import factories as f


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


def _statements(app, request) -> tuple[object, list[str]]:
    """What `request()` returned, and the SQL statements it sent."""
    sent = []

    def listener(_conn, _cursor, statement, *_args):
        sent.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", listener)
    try:
        return request(), sent
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", listener)


def test_an_up_to_date_phone_costs_the_token_and_the_last_version_only(app, tree, trainer, phone_for):
    f.household(tree["commune"], head_name="Thạch Sà Rên")
    phone = phone_for(trainer)
    assert [c["fields"]["head_name"] for c in phone.pull_all() if c["entity"] == "household"] == ["Thạch Sà Rên"]
    page, sent = _statements(app, phone.pull)
    assert page == {"records": {}, "exits": {}, "next_cursor": phone.cursor, "has_more": False}
    # The bearer check (token, user, places) and the version counter: no query per kind of record.
    assert len(sent) == 2, sent
    assert "device_tokens" in sent[0] and "version_counter" in sent[1]


def test_a_change_anywhere_makes_the_pull_look_and_only_changes_in_scope_come(app, tree, trainer, phone_for):
    phone = phone_for(trainer)
    phone.pull_all()
    before = phone.cursor
    # Elsewhere: the version moves on, the pull asks every kind, and the phone gets nothing but the cursor.
    f.household(tree["other_commune"], head_name="Lâm Thị Sen")
    page, sent = _statements(app, phone.pull)
    assert page["records"] == {} and page["next_cursor"] > before and not page["has_more"]
    assert len(sent) > 2
    phone.cursor = page["next_cursor"]
    # In the phone's commune: it comes at once.
    f.household(tree["commune"], head_name="Kim Thị Mỹ")
    assert [c["fields"]["head_name"] for c in phone.pull_all() if c["entity"] == "household"] == ["Kim Thị Mỹ"]
