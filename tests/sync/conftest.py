"""Fixtures for sync tests: places, a trainer with a phone, and helpers to push and pull."""

import gzip
import json
import uuid

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

    def push(self, mutations, queued=0, app_version="1.0.0", consent=True):
        """POST a batch; returns the response.

        As the phone's registration form does, a household sent with its commune is followed by
        the household's "yes" to the programme, unless the batch answers it or `consent` is False.
        """
        if consent:
            mutations = with_programme_consent(mutations)
        body = {"app_version": app_version, "queued": queued, "mutations": mutations}
        return self.request("post", "/api/v1/sync/push", json=body)

    def request(self, method: str, path: str, **kwargs):
        """A request with this phone's token, in a fresh app context."""
        headers = {**f.bearer(self.raw), **kwargs.pop("headers", {})}
        with self.client.application.app_context():
            return getattr(self.client, method)(path, headers=headers, **kwargs)

    def results(self, mutations, **kwargs) -> list[dict]:
        """Push and return the results of `mutations` (not of added consents), asserting the batch was accepted."""
        response = self.push(mutations, **kwargs)
        assert response.status_code == 200, response.get_data(as_text=True)
        sent = {m.get("mutation_id") for m in mutations if isinstance(m, dict)}
        return [r for r in response.get_json()["results"] if r["mutation_id"] in sent or r["mutation_id"] is None]

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


def with_programme_consent(mutations: list) -> list:
    """The batch with a programme consent after each household registered in it without one."""
    answered = {
        m["fields"].get("household_id")
        for m in mutations
        if isinstance(m, dict)
        and m.get("entity") == "consent"
        and isinstance(m.get("fields"), dict)
        and m["fields"].get("purpose") == "programme"
    }
    batch = []
    for m in mutations:
        batch.append(m)
        if not _registers_household(m) or m["record_id"] in answered:
            continue
        answered.add(m["record_id"])
        # Derived ids: the same batch sent again sends the same consent again.
        batch.append(
            {
                "mutation_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"consent/{m['mutation_id']}")),
                "entity": "consent",
                "record_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"consent/{m['record_id']}")),
                "op": "upsert",
                "base_version": None,
                "clock": m["clock"],
                "fields": {
                    "household_id": m["record_id"],
                    "purpose": "programme",
                    "given": True,
                    "recorded_at": "2026-01-01T00:00:00+00:00",
                },
            }
        )
    return batch


def _registers_household(m) -> bool:
    return (
        isinstance(m, dict)
        and m.get("entity") == "household"
        and m.get("op") == "upsert"
        and isinstance(m.get("fields"), dict)
        and {"head_name", "commune_code"} <= m["fields"].keys()
        and isinstance(m.get("record_id"), str)
        and isinstance(m.get("mutation_id"), str)
    )


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
