"""Household names keep their letters but lose zero-width and direction-control characters, on
every write path (phone push, correction page, import) and in search."""

import io
import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.households import import_jobs
from server.households.models import Household
from tests import factories as f

# A zero-width space, a right-to-left override, a word joiner, a byte-order mark, a left-to-right mark.
HIDDEN = "Th\u200bạch\u202e Sa\u2060 Rinh\ufeff\u200e"
SHOWN = "Thạch Sa Rinh"


@pytest.fixture
def supervisor(client, tree):
    user = f.user("supervisor", [tree["province"]])
    f.login(client, user)
    return user


def _names() -> list[str]:
    db.session.remove()
    return db.session.scalars(sa.select(Household.head_name)).all()


def test_a_phones_push_stores_the_name_without_invisible_characters(tree, phone_for):
    phone = phone_for(f.user("trainer", [tree["commune"]]))
    mutation = f.mutation("household", uuid.uuid4(), {"head_name": HIDDEN, "commune_code": "29461"}, phone.clock())
    [result] = phone.results([mutation])
    assert result["status"] == "applied"
    assert _names() == [SHOWN]


def test_a_name_of_invisible_characters_only_is_refused_as_missing(tree, phone_for):
    phone = phone_for(f.user("trainer", [tree["commune"]]))
    mutation = f.mutation(
        "household", uuid.uuid4(), {"head_name": "\u200b\u200d\ufeff", "commune_code": "29461"}, phone.clock()
    )
    [result] = phone.results([mutation])
    assert result["status"] == "rejected"
    assert _names() == []


def test_a_correction_page_stores_the_name_without_invisible_characters(client, tree, supervisor):
    household = f.household(tree["commune"], head_name="Tên cũ")
    path = f"/records/households/{household.id}"
    assert client.get(path).status_code == 200
    assert client.post(f"{path}?lang=en", data={"head_name": HIDDEN}).status_code == 302
    assert _names() == [SHOWN]


def test_an_import_stores_the_name_without_invisible_characters(client, tree, supervisor):
    data = f"Họ tên chủ hộ;Xã\n{HIDDEN};Xã Trà Cú\n".encode()
    assert client.get("/records/import").status_code == 200
    upload = client.post(
        "/records/import", data={"file": (io.BytesIO(data), "ds.csv")}, content_type="multipart/form-data"
    )
    token = upload.headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"/records/import/{token}").status_code == 200
    form = {"map_head_name": "0", "map_commune": "1", "consent_confirmed": "1"}
    assert client.post(f"/records/import/{token}/run", data=form).status_code == 302
    import_jobs.wait(token)
    assert _names() == [SHOWN]


def test_a_search_with_invisible_characters_finds_the_name(client, tree, supervisor):
    f.household(tree["commune"], head_name=SHOWN)
    page = client.get("/records/households", query_string={"q": "Rin\u200bh"}).get_data(as_text=True)
    assert SHOWN in page
