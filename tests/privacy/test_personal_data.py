"""Personal data on request: export one household, erase it with the counts kept, log every access."""

import uuid
from datetime import date

import sqlalchemy as sa

from server.extensions import db
from server.households.models import Household
from server.mutations.models import Mutation
from server.privacy.models import AccessLog
from server.reports.indicators import commune_progress
from server.training.models import Attendance
from tests import factories


def _figures(commune_code):
    """The commune's training and account figures, as the dashboard counts them."""
    (row,) = commune_progress([commune_code], date.today().year)
    return {i["indicator"]: i["value"] for i in row["indicators"] if i["indicator"] != "digital_address"}


def _setup():
    tree = factories.small_tree()
    supervisor = factories.user("supervisor", [tree["province"]])
    outsider = factories.user("supervisor", [tree["other_province"]])
    household = factories.household(tree["commune"], tree["hamlet"], head_name="Thạch Sô Phal", phone="0912345678")
    household.ethnicity = "Khmer"
    household.latitude, household.longitude, household.plus_code = 9.88, 106.26, "7P2875QX+22"
    factories.consent(household, "location")
    factories.seller_account(household, "postmart", shop_name="Sô Phal Farm", products_listed=3)
    factories.training(tree["commune"], attendees=[household])
    db.session.add(
        Mutation(
            mutation_id=uuid.uuid4(),
            entity="household",
            record_id=household.id,
            op="upsert",
            fields={"head_name": "Thạch Sô Phal", "phone": "0912345678", "smartphone": "yes"},
            result="applied",
            reply={},
        )
    )
    db.session.commit()
    return tree, supervisor, outsider, household


def test_export_gives_the_households_data_and_is_logged(ctx, client):
    _tree, supervisor, _outsider, household = _setup()
    hid = str(household.id)
    factories.login(client, supervisor)
    response = client.get(f"/privacy/households/{hid}/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["household"]["head_name"] == "Thạch Sô Phal"
    assert [a["platform"] for a in data["marketplace_accounts"]] == ["postmart"]
    assert len(data["attendance"]) == 1
    assert data["history"][0]["fields"]["phone"] == "0912345678"
    log = db.session.scalars(sa.select(AccessLog)).all()
    assert [(e.action, e.record_id, e.user_id) for e in log] == [("export", hid, supervisor.id)]


def test_supervisor_outside_scope_cannot_export_or_erase(ctx, client):
    _tree, _supervisor, outsider, household = _setup()
    hid = str(household.id)
    factories.login(client, outsider)
    assert client.get(f"/privacy/households/{hid}/export.json").status_code == 403
    assert client.post(f"/privacy/households/{hid}/erase", data={"confirm": "yes"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Household, uuid.UUID(hid)).head_name == "Thạch Sô Phal"


def test_erasure_removes_personal_fields_everywhere_but_keeps_counts(ctx, client):
    _tree, supervisor, _outsider, household = _setup()
    hid = household.id
    version_before = household.version
    figures_before = _figures(household.commune_code)
    factories.login(client, supervisor)
    unconfirmed = client.post(f"/privacy/households/{hid}/erase", data={}, headers={"Accept-Language": "en"})
    assert "Tick the box" in unconfirmed.get_data(as_text=True)
    response = client.post(f"/privacy/households/{hid}/erase", data={"confirm": "yes"}, follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    erased = db.session.get(Household, hid)
    assert erased.head_name == "—"
    assert (erased.phone, erased.ethnicity, erased.latitude, erased.plus_code) == (None, None, None, None)
    assert erased.erased_at is not None
    assert erased.version > version_before  # phones receive the anonymised record on their next pull
    assert erased.marketplace_accounts[0].products_listed == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 1
    logged = db.session.scalar(sa.select(Mutation).where(Mutation.record_id == hid))
    assert logged.fields == {"smartphone": "yes"}
    assert [e.action for e in db.session.scalars(sa.select(AccessLog))] == ["erase"]
    assert _figures(erased.commune_code) == figures_before


def test_access_log_page_is_for_admins(ctx, client):
    _tree, supervisor, _outsider, household = _setup()
    admin = factories.user("admin")
    hid = str(household.id)
    factories.login(client, supervisor)
    client.get(f"/privacy/households/{hid}/export.json")
    assert client.get("/privacy/access-log").status_code == 403
    client.post("/logout")
    factories.login(client, admin)
    page = client.get("/privacy/access-log").get_data(as_text=True)
    assert hid in page and supervisor.username in page
