"""Every URL rule × every role, inside and outside the caller's scope.

ACCESS lists every rule of the app: a new endpoint fails test_every_rule_is_in_the_table until
it is added here with who may use it and what it points at.
"""

import re
from datetime import timedelta

import pytest

from server.core import FONTS
from server.extensions import db
from server.models_base import utcnow
from server.public.codes import address_url, base_url, origin_url, public_code
from server.pwa import JSQR_FILE
from tests import factories as f

PUBLIC, SIGNED_IN, STAFF, ADMIN = "public", "signed in", "staff", "admin"
TOKEN, BEARER, LOGOUT = "token request", "bearer only", "logout"
ALLOWED = {SIGNED_IN: {"trainer", "supervisor", "admin"}, STAFF: {"supervisor", "admin"}, ADMIN: {"admin"}}

# rule -> (who may use it, what its URL points at: None, a scoped record kind, "missing", or a fixed value)
ACCESS = {
    "/": (SIGNED_IN, None),
    "/01/<anypath:rest>": (PUBLIC, "gtin"),  # every GS1 Digital Link path: GTIN, lot, serial
    "/a/<code>": (PUBLIC, "address"),
    "/p/<code>/<lot>": (PUBLIC, "origin"),
    "/admin/users": (ADMIN, None),
    "/admin/users/<int:user_id>": (ADMIN, "user"),
    "/admin/users/<int:user_id>/password": (ADMIN, "user"),
    # Only a phone revokes its own token; a browser session has none (tests/auth/test_token_api.py).
    "/api/v1/auth/token": {"POST": (TOKEN, None), "DELETE": (BEARER, None)},
    "/api/v1/labels/batches": (SIGNED_IN, None),
    "/api/v1/labels/batches/<job_id>": (SIGNED_IN, "missing"),
    "/api/v1/labels/batches/<job_id>.pdf": (SIGNED_IN, "missing"),
    "/api/v1/labels/households/<uuid:household_id>.<any(png, svg, pdf):fmt>": (SIGNED_IN, "household"),
    "/api/v1/labels/layouts": (SIGNED_IN, None),
    "/api/v1/labels/lots/<uuid:lot_id>.<any(png, svg, pdf):fmt>": (SIGNED_IN, "lot"),
    "/api/v1/openapi.json": (PUBLIC, None),
    "/api/v1/places": (SIGNED_IN, None),
    "/api/v1/places/search": (SIGNED_IN, None),
    "/api/v1/reports/indicators": (STAFF, "place query"),
    "/api/v1/sync/pull": (SIGNED_IN, None),
    "/api/v1/sync/push": (SIGNED_IN, None),
    "/app": (PUBLIC, None),
    "/app/": (PUBLIC, None),
    "/app/<path:name>": (PUBLIC, "asset"),
    "/app/icons/icon-<int:size>.png": (PUBLIC, "asset"),
    "/app/locale/<lang>.json": (PUBLIC, "asset"),
    "/app/sw.js": (PUBLIC, None),
    "/app/vendor/jsqr.js": (PUBLIC, "installed"),
    "/app/version.json": (PUBLIC, None),
    "/bulletins": (STAFF, None),
    "/bulletins/<uuid:bulletin_id>": (STAFF, "bulletin"),
    "/bulletins/<uuid:bulletin_id>/<any(publish, withdraw):action>": (STAFF, "bulletin"),
    "/bulletins/<uuid:bulletin_id>/poster.pdf": (STAFF, "bulletin"),
    "/bulletins/new": (STAFF, None),
    "/conflicts": (STAFF, None),
    "/dashboard": (STAFF, "place query"),
    "/dashboard/print": (STAFF, "place query"),
    "/dashboard/table.<any(xlsx, csv):kind>": (STAFF, "place query"),
    "/dashboard/targets": (STAFF, "place query"),
    "/devices": (STAFF, None),
    "/devices/<int:token_id>/revoke": (STAFF, "device"),
    "/fonts/<name>": (PUBLIC, "asset"),
    "/healthz": (PUBLIC, None),
    "/labels": (STAFF, None),
    "/labels/batches": (STAFF, None),
    "/labels/batches/<job_id>": (STAFF, "missing"),
    "/labels/households/<uuid:household_id>": (STAFF, "household"),
    "/labels/lots/<uuid:lot_id>": (STAFF, "lot"),
    "/language": (PUBLIC, None),
    "/login": (PUBLIC, None),
    "/n/<code>": (PUBLIC, "notice"),  # a published bulletin's public page
    "/logout": (LOGOUT, None),
    "/places": (STAFF, None),
    "/places/<code>": {"GET": (STAFF, None), "POST": (STAFF, "place")},  # place names are not personal
    "/privacy/access-log": (ADMIN, None),
    "/privacy/households/<household_id>/erase": (STAFF, "household"),
    "/privacy/households/<household_id>/export.json": (STAFF, "household"),
    "/products": (STAFF, None),
    "/products/items/<uuid:product_id>": (STAFF, "product"),
    "/products/items/<uuid:product_id>/delete": (STAFF, "product"),
    "/products/items/<uuid:product_id>/lots/new": (STAFF, "product"),
    "/products/lots/<uuid:lot_id>": (STAFF, "lot"),
    "/products/lots/<uuid:lot_id>/delete": (STAFF, "lot"),
    "/products/producers/<uuid:producer_id>": (STAFF, "producer"),
    "/products/producers/<uuid:producer_id>/delete": (STAFF, "producer"),
    "/products/producers/<uuid:producer_id>/products/new": (STAFF, "producer"),
    "/products/producers/new": (STAFF, None),
    "/records/duplicates": (STAFF, "place query"),
    "/records/duplicates/merge": (STAFF, None),
    "/records/households": (STAFF, "place query"),
    "/records/households.<any(xlsx, csv):kind>": (STAFF, "place query"),
    "/records/households/<uuid:household_id>": (STAFF, "household"),
    # The world holds no merge; undoing one outside the scope: tests/households/test_merge.py.
    "/records/households/<uuid:household_id>/merges/<int:merge_id>/undo": (STAFF, "missing"),
    "/records/import": (STAFF, None),
    "/records/import/<token>": (STAFF, "missing"),
    "/records/import/<token>/progress": (STAFF, "missing"),
    "/records/import/<token>/run": (STAFF, "missing"),
    "/records/import/<token>/status.json": (STAFF, "missing"),
    "/records/sessions": (STAFF, None),
    "/records/sessions/<uuid:session_id>": (STAFF, "session"),
    "/static/<path:filename>": (PUBLIC, "asset"),
}

ASSETS = {
    "/app/<path:name>": "/app/js/main.js",
    "/app/icons/icon-<int:size>.png": "/app/icons/icon-192.png",
    "/app/locale/<lang>.json": "/app/locale/km.json",
    "/fonts/<name>": f"/fonts/{next(iter(FONTS))}",
    "/static/<path:filename>": "/static/css/app.css",
}


def access(rule: str, method: str) -> tuple[str, object]:
    """Who may use the rule with this method, and what it points at."""
    entry = ACCESS[rule]
    return entry[method] if isinstance(entry, dict) else entry


def _rules(app) -> dict[str, set[str]]:
    rules: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        rules.setdefault(rule.rule, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return rules


def test_every_rule_is_in_the_table(app):
    assert sorted(set(_rules(app)) - set(ACCESS)) == [], "add new endpoints to ACCESS"
    assert sorted(set(ACCESS) - set(_rules(app))) == []


def build_world() -> dict:
    """Users of each role and one record of each kind inside and outside their scope."""
    tree = f.small_tree()
    users = {
        "trainer": f.user("trainer", [tree["commune"]]),
        "supervisor": f.user("supervisor", [tree["province"]]),
        "admin": f.user("admin"),
    }
    world = {"users": {role: row.username for role, row in users.items()}, "inside": {}, "outside": {}}
    for side, commune in (("inside", tree["commune"]), ("outside", tree["other_commune"])):
        household = f.household(commune)
        maker = f.producer(commune)
        item = f.product(maker, gtin=None if side == "outside" else "08938500000019")
        lot = f.lot(item)
        device, _raw = f.device(f.user("trainer", [commune]))
        world[side] = {
            "household": household.id,
            "session": f.training(commune, attendees=[household]).id,
            "producer": maker.id,
            "product": item.id,
            "lot": lot.id,
            "device": device.id,
            "place": commune.code,
            "bulletin": (notice := f.bulletin(commune)).id,
            "notice": f"/n/{public_code(notice.id)}",
            "address": address_url(household.id),
            "origin": origin_url(item, lot.code),
            "gtin": f"/01/{item.gtin}/10/{lot.code}" if item.gtin else None,
        }
    world["user"] = users["trainer"].id
    return world


def url_for_rule(rule: str, target, world: dict, side: str) -> str:
    """A concrete URL of the rule pointing at the target on one side of the scope."""
    ids = world[side]
    if target == "asset":
        return ASSETS[rule]
    if target in ("address", "origin"):
        return ids[target].removeprefix(base_url())
    if target == "notice":
        return ids["notice"]
    if target == "gtin":
        return world["inside"]["gtin"]
    url = rule
    for name, value in (
        ("<uuid:household_id>", ids["household"]),
        ("<household_id>", ids["household"]),
        ("<uuid:session_id>", ids["session"]),
        ("<uuid:producer_id>", ids["producer"]),
        ("<uuid:product_id>", ids["product"]),
        ("<uuid:lot_id>", ids["lot"]),
        ("<uuid:bulletin_id>", ids["bulletin"]),
        ("<any(publish, withdraw):action>", "withdraw"),
        ("<int:token_id>", ids["device"]),
        ("<int:user_id>", world["user"]),
        ("<int:merge_id>", 1),
        ("<code>", ids["place"]),
        ("<job_id>", "no-such-job"),
        ("<token>", "no-such-import"),
        ("<any(png, svg, pdf):fmt>", "svg"),
        ("<any(xlsx, csv):kind>", "csv"),
    ):
        url = url.replace(name, str(value))
    if target == "place query":
        url += f"?place={ids['place']}"
    return url


def expected(rule: str, who: str, target, role: str | None, side: str) -> str:
    """What the caller should get: login, 401, 403, 404, or ok (anything below 400 or a 4xx of the request)."""
    if who == LOGOUT:
        return "login"
    if who == BEARER:
        return "401"
    if target == "installed":  # the fallback QR decoder is there only when the set-up installed it
        return "ok" if JSQR_FILE.exists() else "404"
    if who in (PUBLIC, TOKEN):
        return "ok"
    if role is None:
        return "401" if rule.startswith("/api/") else "login"
    if role not in ALLOWED[who]:
        return "403"
    if target == "missing":
        return "404"
    scoped = target not in (None, "missing") and side == "outside" and role != "admin"
    # Outside the scope, some views answer 403 and some 404: both refuse and neither shows the record.
    return "denied" if scoped else "ok"


def outcome(response) -> str:
    """The response seen the way the table states it."""
    if response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return "login"
    if response.status_code in (401, 403, 404) or response.status_code >= 500:
        return str(response.status_code)
    return "ok"


class Callers:
    """A world of records and one signed-in client per role, rebuilt after a write went through."""

    def __init__(self, app, empty_tables):
        self.app, self.empty_tables, self.world = app, empty_tables, None

    def client(self, role: str | None):
        """A client signed in as the role (None: anonymous), on a current world."""
        if self.world is None:
            db.session.remove()  # an open transaction would block the TRUNCATE on PostgreSQL
            self.empty_tables()
            self.world, self.clients = build_world(), {}
            db.session.remove()
        if role not in self.clients:
            self.clients[role] = client = self.app.test_client()
            with self.app.app_context():
                client.get("/login")  # a visitor's session and its CSRF token, signed in or not
            if role:
                with self.app.app_context():
                    form = {"username": self.world["users"][role], "password": f.PASSWORD}
                    signed_in = client.post("/login", data=form)
                    assert signed_in.status_code == 302
        return self.clients[role]

    def wrote(self) -> None:
        """The last request may have changed records: start the next one from a fresh world."""
        self.world = None


@pytest.mark.parametrize("rule", sorted(ACCESS))
def test_each_role_gets_what_the_table_says(app, ctx, empty_tables, rule, monkeypatch):
    # Each role signs in again after every write (a fresh world), and this test is about scope,
    # not the sign-in limit (tests/auth and tests/test_proxy count that): lift it for this test.
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "1000 per minute")
    callers, failures, html_pages = Callers(app, empty_tables), [], []
    for method in sorted(_rules(app)[rule]):
        who, target = access(rule, method)
        sides = (
            ("outside", "inside") if target not in (None, "missing", "asset", "bad link", "installed") else ("inside",)
        )
        for role in (None, "trainer", "supervisor", "admin"):
            for side in sides:
                client = callers.client(role)
                url = url_for_rule(rule, target, callers.world, side)
                with app.app_context():  # each request on its own, as in production (no shared g)
                    response = client.open(url, method=method)
                got, want = outcome(response), expected(rule, who, target, role, side)
                if response.mimetype == "text/html":
                    html_pages.append(
                        (url, response.headers.get("Content-Security-Policy", ""), response.get_data(True))
                    )
                if rule.startswith("/api/") and got == "401":
                    assert response.mimetype == "application/problem+json"
                if got != want and not (want == "denied" and got in ("403", "404")):
                    status = response.status_code
                    failures.append(
                        f"{method} {url} as {role or 'anonymous'} ({side}): got {got} ({status}), want {want}"
                    )
                response.close()
                if method != "GET" and got == "ok":
                    callers.wrote()
    assert failures == []
    for url, policy, html in html_pages:
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_STYLE.search(html), url


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle=|<[a-z][^>]*\son[a-z]+=", re.IGNORECASE)


def test_expired_and_revoked_device_tokens_get_401(app, client, ctx):
    tree = f.small_tree()
    trainer = f.user("trainer", [tree["commune"]])
    expired, expired_raw = f.device(trainer, "Old phone")
    revoked, revoked_raw = f.device(trainer, "Lost phone")
    _live, live_raw = f.device(trainer, "Phone")
    expired.last_used_at = utcnow() - timedelta(days=app.config["DEVICE_TOKEN_IDLE_DAYS"] + 1)
    revoked.revoked_at = utcnow()
    db.session.commit()
    for raw in (expired_raw, revoked_raw, "ls_made-up"):
        for method, url in (("GET", "/api/v1/sync/pull"), ("POST", "/api/v1/sync/push")):
            with app.app_context():  # a request of its own: no user remembered from the last one
                response = client.open(url, method=method, headers=f.bearer(raw), json={"mutations": []})
            assert response.status_code == 401, (raw, url)
            assert response.mimetype == "application/problem+json"
    with app.app_context():
        assert client.get("/api/v1/sync/pull", headers=f.bearer(live_raw)).status_code == 200


def test_session_cookie_is_http_only_same_site_and_secure_over_https(app, ctx):
    admin = f.user("admin")
    for base, secure in (("http://localhost", False), ("https://localhost", True)):
        client = app.test_client()
        with app.app_context():
            client.get("/login", base_url=base)
        with app.app_context():
            response = client.post("/login", base_url=base, data={"username": admin.username, "password": f.PASSWORD})
        cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) == secure


def test_bodies_over_the_limits_get_413_problem_documents(app, client, ctx):
    tree = f.small_tree()
    _token, raw = f.device(f.user("trainer", [tree["commune"]]))
    admin = f.user("admin")
    headers = {**f.bearer(raw), "Content-Type": "application/json"}
    push = client.post("/api/v1/sync/push", data=b" " * (app.config["SYNC_MAX_BODY"] + 1), headers=headers)
    assert push.status_code == 413 and push.mimetype == "application/problem+json"
    token = client.post("/api/v1/auth/token", data=b" " * (app.config["MAX_CONTENT_LENGTH"] + 1), headers=headers)
    assert token.status_code == 413 and token.mimetype == "application/problem+json"
    f.login(client, admin)
    upload = client.post("/records/import", data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert upload.status_code == 413
