"""The demo: Vĩnh Long and Cần Thơ with households, training, accounts, products and its users."""

from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openlocationcode import openlocationcode as olc

from server.auth.models import User
from server.auth.scope import scope_for
from server.demo import DEMO_LOGINS, load_demo
from server.extensions import db
from server.households.models import Consent, Household, MarketplaceAccount, PaymentAccount
from server.models import Attendance, Baseline, Lot, Producer, Product, Target, TrainingSession
from server.models_base import current_version
from server.places.models import Place
from server.products.gs1 import normalise_gtin

HOUSEHOLDS = 150


@pytest.fixture
def demo(ctx):
    assert load_demo(households=HOUSEHOLDS, only_if_empty=True) is True
    return ctx


def _all(model):
    return db.session.scalars(sa.select(model)).all()


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_demo_households_live_in_vinh_long_and_can_tho(demo):
    households = _all(Household)
    assert len(households) == HOUSEHOLDS
    communes = {db.session.get(Place, h.commune_code) for h in households}
    assert {c.province_code for c in communes} == {"86", "92"}
    assert any("Tỉnh Trà Vinh" in c.legacy_names for c in communes)
    assert any("Tỉnh Hậu Giang" in c.legacy_names for c in communes)
    assert all(db.session.get(Place, h.hamlet_code).parent_code == h.commune_code for h in households if h.hamlet_code)


def test_demo_has_khmer_hamlets_and_khmer_speaking_households(demo):
    hamlets = db.session.scalars(sa.select(Place).where(Place.kind == "hamlet")).all()
    assert any("ភូមិ" in h.name for h in hamlets)
    assert {h.province_code for h in hamlets} == {"86", "92"}
    languages = Counter(h.preferred_language for h in _all(Household))
    assert languages["km"] > 0 and languages["vi"] > languages["km"]
    assert all(h.ethnicity == "Khmer" for h in _all(Household) if h.preferred_language == "km" and h.ethnicity)


def test_sensitive_fields_only_with_consent(demo):
    households = _all(Household)
    located = [h for h in households if h.latitude is not None]
    assert located and all(h.has_consent("location") for h in located)
    assert all(olc.isValid(h.plus_code) and olc.isFull(h.plus_code) for h in located)
    assert all(h.has_consent("ethnicity") for h in households if h.ethnicity)
    assert all(h.has_consent("programme") for h in households)
    assert {c.purpose for c in _all(Consent)} == {"programme", "contact", "location", "ethnicity", "publish"}


def test_demo_has_accounts_training_and_products(demo):
    sellers = _all(MarketplaceAccount)
    assert {"postmart", "voso"} <= {a.platform for a in sellers}
    assert {a.status for a in sellers} == {"opened", "verified", "active"}
    assert _count(PaymentAccount) > 0
    sessions = _all(TrainingSession)
    assert min(s.held_on for s in sessions) >= date.today() - timedelta(days=185)
    assert len({s.held_on.strftime("%Y-%m") for s in sessions}) >= 6
    for attendance in _all(Attendance)[:200]:
        assert attendance.household.created_at.date() <= attendance.session.held_on
    assert {"household", "cooperative"} == {p.kind for p in _all(Producer)}
    products = _all(Product)
    with_gtin = [p.gtin for p in products if p.gtin]
    assert with_gtin and all(g.startswith("0893") and len(g) == 14 for g in with_gtin)
    assert all(normalise_gtin(g) == g for g in with_gtin)  # valid check digit, stored as GTIN-14
    assert any(p.ocop_stars for p in products)
    assert _count(Lot) >= len(products)


def test_baselines_exceed_registered_households_and_targets_are_70_50_50(demo):
    registered = Counter(h.commune_code for h in _all(Household))
    baselines = {b.place_code: b.farm_households for b in _all(Baseline) if b.year == date.today().year}
    assert set(baselines) == set(registered)
    assert all(baselines[code] > count for code, count in registered.items())
    targets = {(t.place_code, t.indicator): int(t.percent) for t in _all(Target) if t.year == date.today().year}
    for province in ("86", "92"):
        assert targets[(province, "trained_digital")] == 70
        assert targets[(province, "seller_account")] == 50
        assert targets[(province, "payment_account")] == 50


def test_every_demo_record_has_its_own_version(demo):
    versions = []
    for model in (Household, Consent, TrainingSession, Attendance, MarketplaceAccount, Product, Lot, Place):
        versions += db.session.scalars(sa.select(model.version)).all()
    assert min(versions) > 0
    assert len(set(versions)) == len(versions)
    assert max(versions) <= current_version(db.session)
    assert all(h.field_clocks == {} for h in _all(Household))


def test_demo_users_sign_in_with_their_scopes(demo, app):
    for username, password, _role in DEMO_LOGINS:
        client = app.test_client()
        client.get("/login")
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, username
    supervisor = db.session.scalar(sa.select(User).where(User.role == "supervisor"))
    assert sorted(p.code for p in supervisor.places) == ["86", "92"]
    trainers = db.session.scalars(sa.select(User).where(User.role == "trainer")).all()
    assert len(trainers) == 2
    for trainer in trainers:
        scope = scope_for(trainer)
        assert scope.communes and all(db.session.get(Place, c).province_code == "86" for c in scope.communes)
        assert all("Tỉnh Trà Vinh" in db.session.get(Place, c).legacy_names for c in scope.communes)
    assert {db.session.get(User, s.trainer_id).username for s in _all(TrainingSession) if s.trainer_id} == {
        "taphuan1",
        "taphuan2",
    }


def test_loading_again_adds_nothing(demo):
    counts = {model: _count(model) for model in (Household, Place, User, TrainingSession, Product)}
    assert load_demo(households=HOUSEHOLDS, only_if_empty=True) is False
    assert load_demo(households=HOUSEHOLDS) is False
    assert {model: _count(model) for model in counts} == counts


def test_demo_command_prints_the_logins(ctx, runner):
    result = runner.invoke(args=["demo-data", "--if-empty", "--households", "40"])
    assert result.exit_code == 0, result.output
    assert _count(Household) == 40
    for username, password, _role in DEMO_LOGINS:
        assert f"{username} / {password}" in result.output
    again = runner.invoke(args=["demo-data", "--if-empty"])
    assert "Demo data already present." in again.output
    assert _count(Household) == 40
