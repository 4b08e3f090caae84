"""A phone's push may travel gzip-compressed, and its reply comes back compressed."""

import gzip
import json
import uuid
import zlib

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.households.models import Household
from tests import factories as f
from tests.sync.conftest import with_programme_consent


@pytest.fixture
def trainer(tree):
    return f.user("trainer", [tree["commune"]])


def _households(phone, count: int) -> list[dict]:
    return with_programme_consent(
        [
            f.mutation(
                "household", uuid.uuid4(), {"head_name": f"Thạch Thị Sa {n}", "commune_code": "29461"}, phone.clock()
            )
            for n in range(count)
        ]
    )


def _push(phone, body: bytes, encoding: str | None = "gzip"):
    headers = {"Content-Type": "application/json", "Accept-Encoding": "gzip"}
    if encoding:
        headers["Content-Encoding"] = encoding
    return phone.request("post", "/api/v1/sync/push", data=body, headers=headers)


def test_a_compressed_push_is_applied_and_answered_compressed(tree, trainer, phone_for):
    phone = phone_for(trainer)
    mutations = _households(phone, 20)
    response = _push(phone, gzip.compress(json.dumps({"mutations": mutations}).encode()))
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    results = json.loads(gzip.decompress(response.get_data()))["results"]
    assert {r["status"] for r in results} == {"applied"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 20


def test_a_compression_bomb_is_refused_without_inflating_it(app, tree, trainer, phone_for):
    phone = phone_for(trainer)
    limit = app.config["SYNC_MAX_BODY"]
    padding = b" " * (limit * 50)  # 100 MB of blanks compress to about 100 KB
    bomb = gzip.compress(b'{"mutations": [' + padding + b"]}")
    assert len(bomb) < limit
    response = _push(phone, bomb)
    assert response.status_code == 413 and response.get_json()["code"] == "too_large"


def test_broken_or_unknown_compression_is_a_clear_problem(tree, trainer, phone_for):
    phone = phone_for(trainer)
    whole = gzip.compress(json.dumps({"mutations": _households(phone, 3)}).encode())
    cut = _push(phone, whole[: len(whole) // 2])
    assert cut.status_code == 400 and cut.get_json()["code"] == "malformed_json"
    deflated = _push(phone, zlib.compress(b'{"mutations": []}'), encoding="br")
    assert deflated.status_code == 415 and deflated.get_json()["code"] == "unsupported_encoding"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 0
