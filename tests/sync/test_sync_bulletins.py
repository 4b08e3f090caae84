"""Bulletins reach their communes' phones with the ordinary pull, leave when withdrawn, and are told at sessions."""

import uuid
from datetime import date, timedelta

from server.bulletins import operations
from server.bulletins.models import Bulletin
from server.extensions import db
from tests import factories as f

TEXTS = {
    "vi": {"title": "Giá dừa khô tuần này", "body": "Dừa loại 1: 95.000 đ một chục\n- Dừa loại 2: 70.000 đ"},
    "km": {"title": "តម្លៃដូងស្ងួតសប្តាហ៍នេះ", "body": "ដូងថ្នាក់ទី១៖ ៩៥.០០០ ដុង"},
}


def published(place, days: int = 7, **fields) -> Bulletin:
    bulletin = Bulletin(
        place_code=place.code,
        kind="market_price",
        expires_on=date.today() + timedelta(days=days),
        texts=TEXTS,
        **fields,
    )
    db.session.add(bulletin)
    db.session.flush()
    operations.publish(bulletin)
    db.session.commit()
    return bulletin


def bulletins_pulled(phone) -> dict[str, dict]:
    """The bulletin rows of a pull from the phone's cursor, by id (tombstones included)."""
    return {c["id"]: c for c in phone.pull_all() if c["entity"] == "bulletin"}


def test_a_commune_bulletin_reaches_its_trainers_and_no_one_else(tree, phone_for):
    mine = phone_for(f.user("trainer", [tree["commune"]]))
    neighbour = phone_for(f.user("trainer", [tree["commune2"]]))
    for_commune = published(tree["commune"])
    for_hamlet = published(tree["hamlet"])
    for_province = published(tree["province"])
    published(tree["other_province"])
    got = bulletins_pulled(mine)
    assert set(got) == {str(for_commune.id), str(for_hamlet.id), str(for_province.id)}
    row = got[str(for_commune.id)]
    assert row["deleted"] is False
    assert row["fields"]["texts"]["km"]["title"] == TEXTS["km"]["title"]
    assert set(bulletins_pulled(neighbour)) == {str(for_province.id)}


def test_drafts_stay_on_the_server(tree, phone_for):
    phone = phone_for(f.user("trainer", [tree["commune"]]))
    draft = Bulletin(place_code=tree["commune"].code, kind="season_weather", expires_on=date.today(), texts=TEXTS)
    db.session.add(draft)
    db.session.commit()
    assert bulletins_pulled(phone) == {}


def test_withdrawn_and_expired_bulletins_leave_the_phone_at_the_next_pull(tree, phone_for):
    phone = phone_for(f.user("trainer", [tree["commune"]]))
    bulletin = published(tree["commune"])
    assert bulletins_pulled(phone)[str(bulletin.id)]["deleted"] is False
    operations.withdraw(db.session.get(Bulletin, bulletin.id))
    db.session.commit()
    assert bulletins_pulled(phone)[str(bulletin.id)]["deleted"] is True
    # Pulled from the start, an expired bulletin comes only as a tombstone.
    expired = published(tree["commune"])
    db.session.get(Bulletin, expired.id).expires_on = date.today() - timedelta(days=1)
    db.session.commit()
    phone.cursor = 0
    assert bulletins_pulled(phone)[str(expired.id)]["deleted"] is True


def _told(phone, bulletin, session):
    fields = {"bulletin_id": str(bulletin.id), "session_id": str(session.id)}
    [result] = phone.results([f.mutation("bulletin_told", uuid.uuid4(), fields, phone.clock())])
    return result


def test_told_at_a_session_and_opened_on_the_phone_show_in_the_bulletin_reach(tree, phone_for):
    trainer = f.user("trainer", [tree["commune"]])
    phone = phone_for(trainer)
    bulletin = published(tree["commune"])
    session = f.training(tree["commune"])
    bulletins_pulled(phone)
    assert operations.reach([bulletin.id])[bulletin.id] == {"received": 1, "opened": 0, "sessions": 0}
    assert _told(phone, bulletin, session)["status"] == "applied"
    body = {"app_version": "1.0.0", "queued": 0, "mutations": [], "shown": [str(bulletin.id)]}
    assert phone.request("post", "/api/v1/sync/push", json=body).status_code == 200
    assert operations.reach([bulletin.id])[bulletin.id] == {"received": 1, "opened": 1, "sessions": 1}
    told = [c for c in phone.pull_all() if c["entity"] == "bulletin_told"]
    assert [(c["fields"]["bulletin_id"], c["fields"]["session_id"]) for c in told] == [
        (str(bulletin.id), str(session.id))
    ]
    # A supervisor's phone reading it is not counted among the trainers' phones.
    supervisor = phone_for(f.user("supervisor", [tree["province"]]))
    assert str(bulletin.id) in bulletins_pulled(supervisor)
    assert operations.reach([bulletin.id])[bulletin.id]["received"] == 1
    # The same fact from a second phone is one session, not two.
    assert _told(phone_for(trainer, "Second phone"), bulletin, session)["status"] == "merged"
    assert operations.reach([bulletin.id])[bulletin.id]["sessions"] == 1


def test_a_bulletin_cannot_be_told_where_it_does_not_reach(tree, phone_for):
    phone = phone_for(f.user("trainer", [tree["commune"], tree["commune2"]]))
    elsewhere = published(tree["commune2"])
    session = f.training(tree["commune"])
    result = _told(phone, elsewhere, session)
    assert (result["status"], result["code"]) == ("rejected", "out_of_scope")
    outsider = phone_for(f.user("trainer", [tree["commune2"]]))
    result = _told(outsider, published(tree["commune"]), session)
    assert (result["status"], result["code"]) == ("rejected", "out_of_scope")
