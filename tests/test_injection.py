"""Script, markup and spreadsheet formulas stored in every text field stay inert on every page, label and export.

The columns come from the models: every String, Text or JSON column is either user text (USER_TEXT,
filled with the payload in the world below) or listed in NOT_FREE_TEXT with the reason. A new
column fails test_every_text_column_is_classified until it is put in one of them, and a column of
USER_TEXT must then show up, escaped, on some page, JSON answer or export of the world.
"""

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from server.extensions import db
from server.households import import_jobs
from server.public.codes import base_url
from tests import factories as f
from tests import inert
from tests.injection_world import build_world, model, request
from tests.labels.conftest import pdf_pages, read_qr

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
)
# Stored text that people type (on a page, a phone or in an imported file); the world fills every row.
USER_TEXT = (
    "attendance.attendee_name",
    "bulletins.texts",
    "device_tokens.app_version",
    "device_tokens.label",
    "households.ethnicity",
    "households.head_name",
    "households.plus_code",
    "lots.unit",
    "marketplace_accounts.shop_name",
    "places.legacy_names",
    "places.name",
    "producers.name",
    "products.category",
    "products.certifications",
    "products.marketplace_links",
    "products.name",
    "products.ocop_certificate",
    "training_sessions.title",
    "users.display_name",
)
CODE = "a code checked against a fixed list or pattern at every input"
NOT_FREE_TEXT = {
    "access_log.action": CODE,
    "users.username": "lower-case ASCII letters, digits, '.', '_' and '-' only (checked at every input)",
    "access_log.detail": "written by the server only",
    "access_log.entity": CODE,
    "access_log.record_id": "a record id",
    "attendance.method": CODE,
    "baselines.place_code": "a place code",
    "bulletins.category": CODE,
    "bulletins.kind": CODE,
    "bulletins.place_code": "a place code (checked against the writer's scope)",
    "bulletins.price_unit": CODE,
    "bulletins.status": "written by the server",
    "consents.purpose": CODE,
    "device_tokens.device_id": "made by the server",
    "device_tokens.token_hash": "a hash",
    "login_failures.account_key": "a keyed hash of the user name tried",
    "login_failures.address": "the client's address, never shown",
    "web_sessions.key_hash": "a hash",
    "household_merges.changes": "values a merge replaced, written back by undo, never shown",
    "scan_visitors.visitor": "a keyed hash made by the server",
    "households.commune_code": "a place code (checked)",
    "households.hamlet_code": "a place code (checked)",
    "household_summaries.commune_code": "copied from the household's checked place code",
    "household_summaries.hamlet_code": "copied from the household's checked place code",
    "place_day_counts.commune_code": "copied from household_summaries",
    "place_day_counts.metric": "a figure's name, written by the server",
    "place_month_counts.commune_code": "copied from household_summaries",
    "place_month_counts.metric": "a figure's name, written by the server",
    "households.phone": "digits only: normalised at every input",
    "households.preferred_language": CODE,
    "households.search_text": "derived (folded name), never shown",
    "households.smartphone": CODE,
    "households.vnpost_code": "ten ASCII digits, checked at every input (server/field_rules.py)",
    "jobs.error": CODE,
    "jobs.id": "made by the server",
    "jobs.kind": CODE,
    "jobs.params": "checked choices, and a title copied from a place or product name: the world starts batches of both",
    "jobs.result": "written by the server (counts)",
    "jobs.state": CODE,
    "lots.code": "letters, digits, - . _ only (LotForm)",
    "marketplace_accounts.platform": CODE,
    "marketplace_accounts.status": CODE,
    "mutations.client_clock": "a clock (pattern checked)",
    "mutations.conflicts": "copies of pushed values: the world pushes the payloads through sync",
    "mutations.device_id": "made by the server",
    "mutations.entity": CODE,
    "mutations.fields": "copies of pushed values: the world pushes the payloads through sync",
    "mutations.op": CODE,
    "mutations.reply": "written by the server",
    "mutations.result": CODE,
    "mutations.result_code": CODE,
    "payment_accounts.provider": CODE,
    "payment_accounts.status": CODE,
    "places.code": "a place code (official list or made by the server)",
    "places.kind": CODE,
    "places.parent_code": "a place code",
    "places.province_code": "a place code",
    "places.search_text": "derived (folded names), never shown",
    "producers.commune_code": "a place code (checked)",
    "producers.hamlet_code": "a place code (checked)",
    "producers.kind": CODE,
    "producers.phone": "digits only: normalised at every input",
    "producers.search_text": "derived (folded name), never shown",
    "products.gtin": "digits with a check digit (GTIN)",
    "products.search_text": "derived (folded name), never shown",
    "scope_exits.commune_code": "a place code",
    "scope_exits.entity": CODE,
    "targets.indicator": CODE,
    "targets.place_code": "a place code",
    "training_sessions.commune_code": "a place code (checked)",
    "training_sessions.hamlet_code": "a place code (checked)",
    "training_sessions.topics": CODE,
    "user_places.place_code": "a place code (checked)",
    "users.locale": CODE,
    "users.password_hash": "a hash",
    "users.role": CODE,
}
# Every Synced model's per-field clocks: clocks written by phones and the server, pattern checked.
CLOCKS = "field_clocks"
MARKER = "ꙮ"  # a letter no page, token or translation uses: finds a column's value in any output


def text_columns() -> list[str]:
    """Every String, Text or JSON column of every table, as table.column."""
    return [
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, sa.String | sa.JSON)
    ]


def test_every_text_column_is_classified(app):
    columns = {key for key in text_columns() if not key.endswith("." + CLOCKS)}
    assert sorted(columns - set(USER_TEXT) - set(NOT_FREE_TEXT)) == [], "add new text columns to USER_TEXT"
    assert sorted((set(USER_TEXT) | set(NOT_FREE_TEXT)) - columns) == []


def stored_values(payload: str) -> dict[str, tuple[str, str]]:
    """column -> (the value stored there, its marker): the payload, cut to fit, then the column's marker."""
    values = {}
    for number, key in enumerate(USER_TEXT):
        table, name = key.split(".")
        marker = f"{MARKER}{number:02d}"
        length = getattr(model(table).__table__.c[name].type, "length", None) or 200
        value = payload[: length - len(marker) - 2] + marker
        values[key] = (value, marker)
    return values


STATIC = "serves files of the app, no stored text"
POST_ONLY = "POST only"


def _places(path: str):
    return lambda w: [f"{path}?place={w['tree'][k]}" for k in ("province", "commune")]


def _each(template: str, key: str):
    return lambda w: [template.format(item) for item in w["ids"][key]]


def _one(template: str):
    return lambda w: [template.format(**w["ids"])]


GTIN = "08938500000010"
# Every rule of the app -> the URLs that show the world's records, or why it shows no stored text.
PAGES = {
    "/": lambda w: ["/"],
    "/01/<anypath:rest>": lambda w: [
        f"/01/{GTIN}",
        f"/01/{GTIN}?linkType=all",
        f"/01/{GTIN}/10/{w['ids']['lot_code']}",
        f"/01/{GTIN}/10/{w['ids']['lot_code']}?linkType=linkset",
    ],
    "/a/<code>": _one("{address}"),
    "/p/<code>/<lot>": _one("{plain_origin}"),
    "/admin/users": lambda w: ["/admin/users"],
    "/admin/users/<int:user_id>": _each("/admin/users/{}", "users"),
    "/admin/users/<int:user_id>/password": POST_ONLY,
    "/api/v1/auth/token": "POST and DELETE only",
    "/api/v1/labels/batches": POST_ONLY,
    "/api/v1/labels/batches/<job_id>": _each("/api/v1/labels/batches/{}", "jobs"),
    "/api/v1/labels/batches/<job_id>.pdf": _each("/api/v1/labels/batches/{}.pdf", "jobs"),
    "/api/v1/labels/households/<uuid:household_id>.<any(png, svg, pdf):fmt>": lambda w: [
        f"/api/v1/labels/households/{w['ids']['home']}.{fmt}?lang={lang}"
        for fmt in ("png", "svg", "pdf")
        for lang in ("vi", "km")
    ],
    "/api/v1/labels/layouts": "layouts are fixed in the code",
    "/api/v1/labels/lots/<uuid:lot_id>.<any(png, svg, pdf):fmt>": lambda w: [
        f"/api/v1/labels/lots/{w['ids'][lot]}.{fmt}" for fmt in ("png", "svg", "pdf") for lot in ("lot", "plain_lot")
    ],
    "/api/v1/openapi.json": "the API description, fixed in the code",
    "/api/v1/places": lambda w: ["/api/v1/places"]
    + [f"/api/v1/places?parent={w['tree'][k]}" for k in ("province", "commune")],
    "/api/v1/places/search": lambda w: [f"/api/v1/places/search?q={MARKER}"],
    "/api/v1/reports/indicators": _places("/api/v1/reports/indicators"),
    "/api/v1/sync/push": POST_ONLY,
    "/api/v1/sync/pull": lambda w: ["/api/v1/sync/pull?cursor=0"],
    "/app": STATIC,
    "/app/": STATIC,
    "/app/<path:name>": STATIC,
    "/app/icons/icon-<int:size>.png": STATIC,
    "/app/locale/<lang>.json": STATIC,
    "/app/sw.js": STATIC,
    "/app/vendor/jsqr.js": STATIC,
    "/app/version.json": STATIC,
    "/bulletins": lambda w: ["/bulletins"],
    "/bulletins/<uuid:bulletin_id>": _one("/bulletins/{bulletin}"),
    "/bulletins/<uuid:bulletin_id>/<any(publish, withdraw):action>": POST_ONLY,
    "/bulletins/<uuid:bulletin_id>/poster.pdf": _one("/bulletins/{bulletin}/poster.pdf"),
    "/bulletins/new": lambda w: ["/bulletins/new"],
    "/conflicts": lambda w: ["/conflicts"],
    "/dashboard": lambda w: ["/dashboard", *_places("/dashboard")(w)],
    "/dashboard/print": _places("/dashboard/print"),
    "/dashboard/table.<any(xlsx, csv):kind>": lambda w: _places("/dashboard/table.csv")(w)
    + _places("/dashboard/table.xlsx")(w),
    "/dashboard/targets": _places("/dashboard/targets"),
    "/devices": lambda w: ["/devices"],
    "/devices/<int:token_id>/revoke": POST_ONLY,
    "/fonts/<name>": STATIC,
    "/healthz": "a fixed status",
    "/labels": lambda w: ["/labels", "/labels?q=" + MARKER],
    "/labels/batches": POST_ONLY,
    "/labels/batches/<job_id>": _each("/labels/batches/{}", "jobs"),
    "/labels/households/<uuid:household_id>": _one("/labels/households/{home}"),
    "/labels/lots/<uuid:lot_id>": _one("/labels/lots/{lot}"),
    "/language": POST_ONLY,
    "/login": lambda w: ["/login"],
    "/logout": POST_ONLY,
    "/n/<code>": lambda w: [f"{w['ids']['notice']}?lang={language}" for language in ("vi", "km", "en")],
    "/places": lambda w: ["/places", "/places?q=" + MARKER],
    "/places/<code>": lambda w: [f"/places/{w['tree'][k]}" for k in ("province", "commune", "hamlet")],
    "/privacy/access-log": lambda w: ["/privacy/access-log"],
    "/privacy/households/<household_id>/erase": _one("/privacy/households/{home}/erase"),
    "/privacy/households/<household_id>/export.json": _one("/privacy/households/{home}/export.json"),
    "/products": lambda w: ["/products", "/products?q=" + MARKER],
    "/products/items/<uuid:product_id>": _one("/products/items/{product}"),
    "/products/items/<uuid:product_id>/delete": POST_ONLY,
    "/products/items/<uuid:product_id>/lots/new": _one("/products/items/{product}/lots/new"),
    "/products/lots/<uuid:lot_id>": _one("/products/lots/{lot}"),
    "/products/lots/<uuid:lot_id>/delete": POST_ONLY,
    "/products/producers/<uuid:producer_id>": _one("/products/producers/{producer}"),
    "/products/producers/<uuid:producer_id>/delete": POST_ONLY,
    "/products/producers/<uuid:producer_id>/products/new": _one("/products/producers/{producer}/products/new"),
    "/products/producers/new": "an empty form",
    "/records/duplicates": lambda w: ["/records/duplicates", *_places("/records/duplicates")(w)],
    "/records/duplicates/merge": POST_ONLY,
    "/records/households/<uuid:household_id>/merges/<int:merge_id>/undo": POST_ONLY,
    "/records/households": lambda w: [
        "/records/households",
        "/records/households?q=" + MARKER,
        *_places("/records/households")(w),
    ],
    "/records/households.<any(xlsx, csv):kind>": lambda w: _places("/records/households.csv")(w)
    + _places("/records/households.xlsx")(w),
    "/records/households/<uuid:household_id>": lambda w: [
        f"/records/households/{w['ids'][k]}" for k in ("home", "twin")
    ],
    "/records/import": "an upload form",
    "/records/import/<token>": _one("/records/import/{import}"),
    "/records/import/<token>/progress": _one("/records/import/{import}/progress"),
    "/records/import/<token>/run": POST_ONLY,
    "/records/import/<token>/status.json": _one("/records/import/{import}/status.json"),
    "/records/sessions": lambda w: ["/records/sessions", *_places("/records/sessions")(w)],
    "/records/sessions/<uuid:session_id>": _one("/records/sessions/{session}"),
    "/static/<path:filename>": STATIC,
}


def test_every_rule_is_in_pages(app):
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert sorted(rules - set(PAGES)) == [], "add new pages to PAGES: the URLs that show stored text"
    assert sorted(set(PAGES) - rules) == []
    readable = {rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    only = {rule for rule, urls in PAGES.items() if isinstance(urls, str) and "only" in urls}
    assert sorted(readable & only) == [] and sorted(rules - readable - only) == []


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def check(response, url: str, world: dict, seen: set[str]) -> list[str]:
    """What is wrong with one answer, judged by its type."""
    values, body, mimetype = world["values"], response.get_data(), response.mimetype
    if mimetype == "text/html":
        return inert.html_problems(body.decode(), values, seen, url)
    if mimetype == "application/json" or mimetype.endswith("+json"):
        return inert.json_problems(response, values, seen, url)
    if mimetype == "text/csv":
        return inert.csv_problems(body, values, seen, url)
    if mimetype == XLSX:
        return inert.xlsx_problems(body, values, seen, url)
    if mimetype == "image/svg+xml":
        text = inert.svg_text(body.decode())
        drawn = [] if world["payload"][:4] in text else [f"{url}: the payload is not drawn as text: {text!r}"]
        return inert.svg_problems(body.decode(), url) + drawn
    if mimetype == "image/png":
        from PIL import Image

        return _qr_problems(read_qr(Image.open(io.BytesIO(body))), url)
    if mimetype == "application/pdf":
        actions = [
            f"{url}: PDF holds {word!r}" for word in (b"/JavaScript", b"/JS", b"/URI", b"/Launch") if word in body
        ]
        return actions + [p for page, _box in pdf_pages(body) for p in _qr_problems(read_qr(page), url)]
    return [f"{url}: unexpected type {mimetype}"]


def _qr_problems(texts: list[str], url: str) -> list[str]:
    """QR codes hold only the server's own public links, never stored text."""
    if not texts:
        return [f"{url}: no QR code found"]
    return [f"{url}: QR holds {text!r}" for text in texts if not text.startswith(base_url() + "/") or MARKER in text]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_stored_payloads_stay_inert_everywhere(app, ctx, tmp_path, monkeypatch, payload):
    monkeypatch.setitem(app.config, "JOB_FILES_DIR", str(tmp_path / "jobs"))
    world = build_world(app, stored_values(payload)) | {"payload": payload}
    phone = app.test_client()
    seen, problems = set(), []
    for _rule, urls in PAGES.items():
        if isinstance(urls, str):
            continue
        for url in urls(world):
            if url.startswith("/api/v1/sync/"):
                response = request(app, phone, "GET", url, headers=f.bearer(world["ids"]["raw_token"]))
            else:
                response = request(app, world["admin"], "GET", url)
            if response.status_code == 200:
                problems += check(response, url, world, seen)
            else:
                problems.append(f"{url}: {response.status_code}")
            response.close()
    assert problems == [], "\n".join(problems)
    assert sorted(set(USER_TEXT) - seen) == [], "columns no page, answer or export showed: add the page to PAGES"


def _answer_problems(app, client, method: str, url: str, values: dict, seen: set, **kwargs) -> list[str]:
    """Follow one request (and its redirect) and check what came back."""
    response = request(app, client, method, url, **kwargs)
    if response.status_code in (301, 302, 303):
        response = request(app, client, "GET", response.headers["Location"])
    if response.status_code >= 500:
        return [f"{method} {url}: {response.status_code}"]
    world = {"values": values, "payload": ""}
    return check(response, f"{method} {url}", world, seen)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_imported_file_titles_and_cells_stay_inert(app, ctx, payload):
    tree = f.small_tree()
    client = app.test_client()
    f.login(client, f.user("supervisor", [tree["province"]]))
    values = {key: (payload + MARKER + key, MARKER + key) for key in ("title", "name", "hamlet")}
    rows = [
        ["Họ tên", "Xã", "Ấp", values["title"][0]],
        [values["name"][0], "29461", values["hamlet"][0], values["name"][0]],
    ]
    for name, data in (("list.csv", _csv(rows)), ("list.xlsx", _xlsx(rows))):
        upload = request(app, client, "POST", "/records/import", data={"file": (io.BytesIO(data), name)})
        token, seen = upload.headers["Location"].rsplit("/", 1)[1], set()
        mapping = {"map_head_name": "0", "map_commune": "1", "map_hamlet": "2", "create_hamlets": "1"}
        problems = _answer_problems(app, client, "GET", f"/records/import/{token}", values, seen)
        problems += _answer_problems(app, client, "POST", f"/records/import/{token}", values, seen, data=mapping)
        request(app, client, "POST", f"/records/import/{token}/run", data={**mapping, "consent_confirmed": "1"})
        import_jobs.wait(token)
        for url in (
            "/records/households",
            "/records/households.csv?place=29461",
            "/records/households.xlsx?place=29461",
        ):
            problems += _answer_problems(app, client, "GET", url, values, seen)
        assert problems == [], "\n".join(problems)
        assert seen == {"title", "name", "hamlet"}


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode()


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    for row in book.active.iter_rows():
        for cell in row:
            cell.data_type = "s"  # text as people type it, even when it starts with "="
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_values_sent_with_a_request_come_back_inert(app, ctx, payload):
    tree = f.small_tree()
    client = app.test_client()
    admin = f.user("admin")
    f.login(client, admin)
    _device, _raw = f.device(f.user("trainer", [tree["commune"]]), payload + MARKER + "label")
    values = {key: (payload + MARKER + key, MARKER + key) for key in ("q", "hamlet", "display", "user", "label")}
    values["user"] = (values["user"][0].lower(), values["user"][1])
    values["label"] = (payload + MARKER + "label", MARKER + "label")
    q, seen, problems = values["q"][0], set(), []
    for url in ("/records/households", "/places", "/labels", "/products", "/records/duplicates", "/dashboard"):
        problems += _answer_problems(app, client, "GET", url, values, seen, query_string={"q": q, "place": q})
    for url in (f"/records/households/{q}", f"/a/{q}", f"/p/{q}/{q}", f"/01/{q}", f"/places/{q}"):
        problems += _answer_problems(app, client, "GET", url.replace("/", "%2F").replace("%2F", "/", 2), values, seen)
    problems += _answer_problems(
        app, client, "POST", f"/places/{tree['commune'].code}", values, seen, data={"name": values["hamlet"][0]}
    )
    problems += _answer_problems(
        app, client, "POST", "/labels/batches", values, seen, data={"kind": "households", "place_code": q}
    )
    problems += _answer_problems(
        app, client, "POST", "/api/v1/labels/batches", values, seen, json={"kind": "households", "place_code": q}
    )
    user = {
        "username": values["user"][0],
        "display_name": values["display"][0],
        "role": "trainer",
        "password": "long enough pass 1",
    }
    problems += _answer_problems(app, client, "POST", "/admin/users", values, seen, data=user)
    problems += _answer_problems(app, client, "POST", f"/devices/{_device.id}/revoke", values, seen)
    assert problems == [], "\n".join(problems)
    assert {"q", "hamlet", "display", "user", "label"} <= seen
    anonymous = app.test_client()
    request(app, anonymous, "GET", f"/login?next={payload}")
    login = request(
        app, anonymous, "POST", f"/login?next={payload}", data={"username": admin.username, "password": f.PASSWORD}
    )
    assert login.headers["Location"] in ("/", "http://localhost/") or login.headers["Location"].startswith("/")
    assert not login.headers["Location"].lower().startswith(("javascript:", "//"))
