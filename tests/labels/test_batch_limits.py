"""Issue #12: a user may have only so many label batches unfinished at once, and start so many an hour."""

from datetime import timedelta

import pytest

from server.extensions import db
from server.jobs.models import Job
from server.models_base import utcnow
from tests import factories as f


@pytest.fixture
def no_worker(monkeypatch):
    """The workers are busy: batches started stay queued."""
    monkeypatch.setattr("server.jobs.queue.enqueue", lambda job_id: None)


def _lot(client, role="trainer"):
    tree = f.small_tree()
    user = f.user(role, [tree["province"]] if role == "supervisor" else [tree["commune"]])
    f.login(client, user)
    return user, f.lot(f.product(f.producer(tree["commune"]), name="Bưởi"), "B1")


def _batch(client, lot):
    return client.post("/api/v1/labels/batches", json={"kind": "lot", "lot_id": str(lot.id), "count": 5})


def test_a_third_batch_at_once_is_refused_with_retry_after(client, ctx, app, monkeypatch, no_worker):
    monkeypatch.setitem(app.config, "LABEL_BATCHES_AT_ONCE", 2)
    _user, lot = _lot(client)
    assert [_batch(client, lot).status_code for _ in range(2)] == [202, 202]
    refused = _batch(client, lot)
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.headers["Retry-After"] == "30"
    body = refused.get_json()
    assert body["code"] == "batches_at_once"
    assert body["detail"] == (
        "You already have 2 label PDFs being made. Wait until one is finished, then start the next."
    )
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    f.login(other, f.user("admin"))
    assert _batch(other, lot).status_code == 202  # the limit is each user's own


def test_the_limit_at_once_counts_only_unfinished_batches(client, ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "LABEL_BATCHES_AT_ONCE", 1)
    from server.labels import jobs

    _user, lot = _lot(client)
    for _ in range(3):
        started = _batch(client, lot)
        assert started.status_code == 202
        assert jobs.wait(started.get_json()["job_id"]) == "done"


def test_batches_per_hour_are_limited_until_the_oldest_is_an_hour_old(client, ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "LABEL_BATCHES_PER_HOUR", 3)
    user, lot = _lot(client)
    for minutes in (40, 20, 10):
        at = utcnow() - timedelta(minutes=minutes)
        db.session.add(
            Job(id=f"{minutes:024d}", kind="labels", owner_id=user.id, state="done", params={}, created_at=at)
        )
    db.session.commit()
    refused = _batch(client, lot)
    assert refused.status_code == 429
    assert 19 * 60 <= int(refused.headers["Retry-After"]) <= 20 * 60
    assert refused.get_json()["detail"] == (
        "You have started 3 label PDFs in the last hour, the most allowed. Please try again in 20 minutes."
    )


def test_the_batch_form_says_why_it_refused_in_the_users_language(app, ctx, monkeypatch, no_worker):
    monkeypatch.setitem(app.config, "LABEL_BATCHES_AT_ONCE", 1)
    client = app.test_client()
    _user, lot = _lot(client, role="supervisor")
    assert client.get("/labels?lang=vi").status_code == 200
    form = {"kind": "lot", "lot_id": str(lot.id), "count": "5", "layout": "a4-3x8"}
    assert client.post("/labels/batches", data=form).status_code == 302
    refused = client.post("/labels/batches", data=form)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert "Bạn đang có 1 tệp PDF nhãn đang được tạo." in refused.get_data(as_text=True)
