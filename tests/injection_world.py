"""The world of the injection sweep: every kind of record, stored through the phone sync and the pages."""

import io
import uuid
from datetime import date

import sqlalchemy as sa
from openpyxl import Workbook

from server.extensions import db
from server.households.models import Household
from server.labels import jobs
from server.places.models import Place
from server.public.codes import address_url, base_url, origin_url, public_code
from server.text import fold
from tests import factories as f


def model(table_name: str):
    """The model class of a table."""
    return next(m.class_ for m in db.Model.registry.mappers if m.local_table.name == table_name)


def request(app, client, method: str, url: str, **kwargs):
    """One request in its own app context, as in production (no user remembered in `g`)."""
    with app.app_context():
        return client.open(url, method=method, **kwargs)


class Phone:
    """A trainer's phone pushing with its device token."""

    def __init__(self, app, user, label: str):
        self.app, self.client = app, app.test_client()
        self.token, self.raw = f.device(user, label)

    def push(self, app_version: str, *mutations) -> list[dict]:
        """Push mutations; every one must be applied or merged."""
        body = {"app_version": app_version, "queued": 0, "mutations": list(mutations)}
        response = request(self.app, self.client, "POST", "/api/v1/sync/push", json=body, headers=f.bearer(self.raw))
        assert response.status_code == 200, response.get_data(as_text=True)
        results = response.get_json()["results"]
        assert {r["status"] for r in results} <= {"applied", "merged"}, results
        return results


def _push_households(app, tree, trainer, values) -> dict:
    """Two households with the same name, their accounts, consents, a session with attendance, and a conflict."""
    text = {key: value for key, (value, _marker) in values.items()}
    phone = Phone(app, trainer, text["device_tokens.label"])
    other = Phone(app, trainer, text["device_tokens.label"])
    commune, hamlet = tree["commune"].code, tree["hamlet"].code
    ids = {name: uuid.uuid4() for name in ("home", "twin", "shop", "wallet", "session", "present")}
    fields = {
        "head_name": text["households.head_name"],
        "commune_code": commune,
        "hamlet_code": hamlet,
        "ethnicity": text["households.ethnicity"],
        "plus_code": text["households.plus_code"],
        "vnpost_code": "8629461001",
        "latitude": 9.88,
        "longitude": 106.35,
        "smartphone": "yes",
    }
    now = "2025-06-01T08:00:00+00:00"
    mutations = [f.mutation("household", ids["home"], fields, f.hlc(1_000, "A"))]
    mutations.append(f.mutation("household", ids["twin"], {**fields, "plus_code": None}, f.hlc(1_001, "A")))
    mutations += [
        f.mutation(
            "consent",
            uuid.uuid4(),
            {"household_id": str(ids["home"]), "purpose": p, "given": True, "recorded_at": now},
            f.hlc(1_002, "A"),
        )
        for p in ("programme", "contact", "location", "ethnicity", "publish")
    ]
    mutations += [
        f.consent_mutation(ids["twin"], p, True, f.hlc(1_002, "A")) for p in ("programme", "location", "ethnicity")
    ]
    account = {
        "household_id": str(ids["home"]),
        "platform": "postmart",
        "shop_name": text["marketplace_accounts.shop_name"],
    }
    mutations.append(f.mutation("marketplace_account", ids["shop"], account, f.hlc(1_003, "A")))
    wallet = {"household_id": str(ids["home"]), "provider": "momo"}
    mutations.append(f.mutation("payment_account", ids["wallet"], wallet, f.hlc(1_004, "A")))
    session = {
        "commune_code": commune,
        "hamlet_code": hamlet,
        "held_on": "2025-06-01",
        "topics": ["digital_skills"],
        "title": text["training_sessions.title"],
    }
    mutations.append(f.mutation("training_session", ids["session"], session, f.hlc(1_005, "A")))
    present = {
        "session_id": str(ids["session"]),
        "household_id": str(ids["home"]),
        "attendee_name": text["attendance.attendee_name"],
    }
    mutations.append(f.mutation("attendance", ids["present"], present, f.hlc(1_006, "A")))
    results = phone.push(text["device_tokens.app_version"], *mutations)
    base = results[0]["version"]
    # Two phones change the name at once: the conflicts page shows both values.
    phone.push(
        text["device_tokens.app_version"],
        f.mutation(
            "household",
            ids["home"],
            {"head_name": text["households.head_name"] + "2"},
            f.hlc(9_000, "A"),
            base_version=base,
        ),
    )
    other.push(
        text["device_tokens.app_version"],
        f.mutation(
            "household", ids["home"], {"head_name": text["households.head_name"]}, f.hlc(8_000, "B"), base_version=base
        ),
    )
    return {**ids, "raw_token": phone.raw, "device": phone.token.id}


def _products(tree) -> dict:
    """A cooperative with a product with a GTIN and one without, each with a lot."""
    maker = f.producer(tree["commune"], hamlet_code=tree["hamlet"].code, phone="0912345678", publish_contact=True)
    rated = {"ocop_stars": 4, "ocop_certificate": "x", "ocop_year": 2024}
    with_gtin = f.product(maker, gtin="08938500000010", category="x", **rated)
    without = f.product(maker, category="x")
    lots = [f.lot(item, harvested_on=date(2025, 5, 1), unit="kg") for item in (with_gtin, without)]
    plain_origin = origin_url(without, lots[1].code).removeprefix(base_url())
    ids = {"producer": maker.id, "product": with_gtin.id, "lot": lots[0].id, "lot_code": lots[0].code}
    return ids | {"plain_lot": lots[1].id, "plain_origin": plain_origin}


def _fill(values: dict) -> None:
    """Write each column's value into every row of its table."""
    text = {key: value for key, (value, _marker) in values.items()}
    for key in values:
        table, name = key.split(".")
        for row in db.session.scalars(sa.select(model(table))).all():
            value = text[key]
            if name == "certifications":
                value = [{"name": value, "number": value}]
            elif name == "marketplace_links":
                value = [{"platform": "postmart", "url": value}]
            elif name == "texts":  # a bulletin's title and bullet line in both of its languages
                value = {language: {"title": value, "body": "- " + value} for language in ("vi", "km")}
            setattr(row, name, value)
    for kind, column in (
        (Household, "head_name"),
        (Place, "name"),
        *tuple((model(t), "name") for t in ("producers", "products")),
    ):
        for row in db.session.scalars(sa.select(kind)):
            row.search_text = fold(getattr(row, column))
    db.session.commit()


def _upload(app, client, values: dict) -> str:
    """An import file whose titles and cells are the payloads; returns its token."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ tên", "Xã", "Ấp", values["households.head_name"][0]])
    sheet.append(
        [values["households.head_name"][0], "29461", values["places.name"][0], values["households.ethnicity"][0]]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    data = {"file": (io.BytesIO(buffer.getvalue()), "list.xlsx")}
    response = request(app, client, "POST", "/records/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def _batches(app, client, tree, ids: dict) -> list[str]:
    """A batch PDF of a hamlet's households and one of a lot (their titles are place and product names)."""
    found = []
    for body in (
        {"kind": "households", "place_code": tree["hamlet"].code},
        {"kind": "lot", "lot_id": str(ids["lot"]), "count": 3},
    ):
        response = request(app, client, "POST", "/api/v1/labels/batches", json=body)
        assert response.status_code == 202, response.get_data(as_text=True)
        found.append(response.get_json()["job_id"])
        jobs.wait(found[-1])
    return found


def build_world(app, values: dict[str, tuple[str, str]]) -> dict:
    """Every kind of record, with each column's (value, marker) of `values` in every row, and an admin signed in."""
    tree = f.small_tree()
    trainer = f.user("trainer", [tree["commune"]])
    admin = f.user("admin")
    f.user("supervisor", [tree["province"]])
    ids = _push_households(app, tree, trainer, values)
    ids.update(_products(tree))
    ids["address"] = address_url(ids["home"]).removeprefix(base_url())
    ids["users"] = list(db.session.scalars(sa.select(model("users").id)))
    ids["bulletin"] = f.bulletin(tree["commune"]).id
    ids["notice"] = f"/n/{public_code(ids['bulletin'])}"
    _fill(values)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with app.app_context():
        assert f.login(client, admin).status_code == 302
    ids["import"] = _upload(app, client, values)
    ids["jobs"] = _batches(app, client, tree, ids)
    request(app, client, "GET", f"/privacy/households/{ids['home']}/export.json")  # an access log line
    return {"values": values, "ids": ids, "tree": {k: p.code for k, p in tree.items()}, "admin": client}
