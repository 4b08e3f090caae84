"""Fixtures for sync tests: places, a trainer with a phone, and helpers to push and pull."""

import gzip
import json

import pytest

from tests import factories as f


@pytest.fixture
def tree(ctx):
    """The small place tree."""
    return f.small_tree()


class Phone:
    """A signed-in phone: pushes and pulls with its device token.

    Each request runs in its own app context, as in production: the test's context would
    otherwise share `g` (the signed-in user and token) and the session between requests.
    """

    def __init__(self, client, user, label="Phone"):
        self.client, self.user = client, user
        self.token, self.raw = f.device(user, label)
        self.device_id = self.token.device_id
        self.ms = 1_760_000_000_000
        self.counter = 0
        self.cursor = 0

    def clock(self) -> str:
        """The next clock of this phone."""
        self.counter += 1
        return f.hlc(self.ms, self.device_id, self.counter)

    def push(self, mutations, queued=0, app_version="1.0.0"):
        """POST a batch; returns the response."""
        body = {"app_version": app_version, "queued": queued, "mutations": mutations}
        return self.request("post", "/api/v1/sync/push", json=body)

    def request(self, method: str, path: str, **kwargs):
        """A request with this phone's token, in a fresh app context."""
        headers = {**f.bearer(self.raw), **kwargs.pop("headers", {})}
        with self.client.application.app_context():
            return getattr(self.client, method)(path, headers=headers, **kwargs)

    def results(self, mutations, **kwargs) -> list[dict]:
        """Push and return the results, asserting the batch itself was accepted."""
        response = self.push(mutations, **kwargs)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["results"]

    def pull(self, cursor=None, limit=500, **params):
        """GET one page; returns the decoded body."""
        query = {"cursor": self.cursor if cursor is None else cursor, "limit": limit, **params}
        response = self.request("get", "/api/v1/sync/pull", query_string=query)
        assert response.status_code == 200, response.get_data(as_text=True)
        data = response.get_data()
        if response.headers.get("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        return json.loads(data)

    def pull_all(self, limit=500) -> list[dict]:
        """Pull every page from the phone's cursor on; returns all changes (see `changes_of`)."""
        changes = []
        while True:
            page = self.pull(limit=limit)
            changes.extend(changes_of(page))
            self.cursor = page["next_cursor"]
            if not page["has_more"]:
                return changes


def changes_of(page: dict) -> list[dict]:
    """A page's records, oldest first, then its exits, each as {entity, id?, version, deleted, fields, reason?}.

    Attendance has no id on the wire: its fields session_id and household_id identify it.
    """
    changes = []
    for entity, block in page["records"].items():
        for row in block["rows"]:
            fields = dict(zip(block["columns"], row, strict=True))
            change = {"entity": entity, "version": fields.pop("version"), "deleted": fields.pop("deleted")}
            if "id" in fields:
                change["id"] = fields.pop("id")
            changes.append({**change, "fields": fields})
    changes.sort(key=lambda change: change["version"])
    for entity, block in page["exits"].items():
        for row in block["rows"]:
            fields = dict(zip(block["columns"], row, strict=True))
            change = {"entity": entity, "deleted": True, "reason": "out_of_scope"}
            if "id" in fields:
                change["id"] = fields.pop("id")
            changes.append({**change, "fields": fields})
    return changes


@pytest.fixture
def phone_for(client):
    """Make a phone for a user."""
    return lambda user, label="Phone": Phone(client, user, label)
