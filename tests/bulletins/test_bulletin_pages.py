"""A supervisor writes, publishes and withdraws bulletins on the pages, only for places in scope, never as markup."""

from datetime import date, timedelta

import sqlalchemy as sa

from server.bulletins.models import Bulletin, BulletinTold
from server.extensions import db
from server.public.codes import public_code
from tests import factories as f


def _form(place_code: str, **overrides) -> dict:
    values = {
        "place_code": place_code,
        "kind": "market_price",
        "category": "coconut",
        "price": "95000",
        "price_unit": "dozen",
        "expires_on": (date.today() + timedelta(days=10)).isoformat(),
        "title_vi": "Giá dừa khô",
        "body_vi": "Thương lái mua dừa khô.\n- Loại 1: 95.000 đ\n- Loại 2: 70.000 đ",
        "title_km": "តម្លៃដូងស្ងួត",
        "body_km": "ឈ្មួញទិញដូងស្ងួត។",
    }
    return values | overrides


def _write(client, values: dict):
    client.get("/bulletins/new")
    return client.post("/bulletins/new", data=values)


def test_a_draft_is_written_published_and_withdrawn(client, tree, supervisor):
    f.login(client, supervisor)
    response = _write(client, _form(tree["commune"].code))
    assert response.status_code == 302
    bulletin = db.session.scalars(sa.select(Bulletin)).one()
    assert bulletin.status == "draft" and bulletin.price == 95000 and bulletin.price_on == date.today()
    assert bulletin.texts["km"]["title"] == "តម្លៃដូងស្ងួត"
    page = client.get(f"/bulletins/{bulletin.id}").get_data(as_text=True)
    assert "<li>Loại 1: 95.000 đ</li>" in page
    assert client.post(f"/bulletins/{bulletin.id}/publish").status_code == 302
    db.session.refresh(bulletin)
    assert bulletin.status == "published" and bulletin.published_at is not None
    listing = client.get("/bulletins").get_data(as_text=True)
    assert "Giá dừa khô" in listing and "Published" in listing
    assert client.post(f"/bulletins/{bulletin.id}/withdraw").status_code == 302
    db.session.refresh(bulletin)
    assert bulletin.status == "withdrawn"


def test_publishing_needs_the_khmer_version(client, tree, supervisor):
    f.login(client, supervisor)
    _write(client, _form(tree["commune"].code, title_km="", body_km=""))
    bulletin = db.session.scalars(sa.select(Bulletin)).one()
    response = client.post(f"/bulletins/{bulletin.id}/publish")
    assert response.status_code == 422
    assert "Write the title and the text in Khmer before publishing." in response.get_data(as_text=True)
    db.session.refresh(bulletin)
    assert bulletin.status == "draft"


def test_a_supervisor_writes_only_for_places_in_scope(client, tree, supervisor):
    f.login(client, supervisor)
    response = _write(client, _form(tree["other_commune"].code))
    assert response.status_code == 422
    assert "Choose a province, commune or hamlet you supervise." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Bulletin)) == 0
    page = client.get("/bulletins/new").get_data(as_text=True)
    assert tree["commune"].code in page and tree["other_commune"].code not in page
    elsewhere = f.bulletin(tree["other_commune"])
    assert client.get(f"/bulletins/{elsewhere.id}").status_code == 404
    assert client.post(f"/bulletins/{elsewhere.id}/withdraw").status_code == 404
    assert "Giá dừa khô tuần này" not in client.get("/bulletins").get_data(as_text=True)


def test_markup_in_a_bulletin_is_shown_as_text_everywhere(client, tree, supervisor):
    f.login(client, supervisor)
    script = '<script>alert("x")</script><b>giá</b>'
    _write(client, _form(tree["commune"].code, title_vi=script, body_vi="- " + script))
    bulletin = db.session.scalars(sa.select(Bulletin)).one()
    client.post(f"/bulletins/{bulletin.id}/publish")
    for url in (f"/bulletins/{bulletin.id}", "/bulletins", f"/n/{public_code(bulletin.id)}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<b>giá</b>" not in html, url
        assert "&lt;script&gt;alert(" in html, url


def _visit(app, url: str):
    """A visitor's request in its own app context, as in production (the language is not shared)."""
    with app.app_context():
        return app.test_client().get(url)


def test_the_public_page_shows_a_live_bulletin_in_the_readers_language_without_scripts(app, tree):
    bulletin = f.bulletin(tree["commune"], texts={**f.BULLETIN_TEXTS, "en": {"title": "Coconut prices", "body": "x"}})
    page = _visit(app, f"/n/{public_code(bulletin.id)}?lang=km")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f.BULLETIN_TEXTS["km"]["title"] in html
    assert "<script" not in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    english = _visit(app, f"/n/{public_code(bulletin.id)}?lang=en").get_data(as_text=True)
    assert "Coconut prices" in english and "Shown in Vietnamese" not in english


def test_the_public_page_falls_back_to_vietnamese_and_says_so(app, tree):
    bulletin = f.bulletin(tree["commune"])
    html = _visit(app, f"/n/{public_code(bulletin.id)}?lang=en").get_data(as_text=True)
    assert f.BULLETIN_TEXTS["vi"]["title"] in html and "Shown in Vietnamese" in html


def test_withdrawn_expired_and_draft_bulletins_have_no_public_page(app, tree):
    client = app.test_client()
    withdrawn = f.bulletin(tree["commune"], status="withdrawn")
    expired = f.bulletin(tree["commune"], days=-1)
    draft = f.bulletin(tree["commune"], status="draft")
    assert client.get(f"/n/{public_code(withdrawn.id)}").status_code == 410
    assert client.get(f"/n/{public_code(expired.id)}").status_code == 410
    assert client.get(f"/n/{public_code(draft.id)}").status_code == 404
    assert client.get("/n/not-a-code").status_code == 404


def test_an_expired_bulletin_reads_as_expired_for_the_supervisor(client, tree, supervisor):
    f.bulletin(tree["commune"], days=-1)
    f.login(client, supervisor)
    listing = client.get("/bulletins").get_data(as_text=True)
    assert "<td>Expired</td>" in listing and "<td>Published</td>" not in listing


def test_the_session_page_lists_the_bulletins_told_there(client, tree, supervisor):
    session = f.training(tree["commune"])
    bulletin = f.bulletin(tree["commune"])
    f.login(client, supervisor)
    assert "Bulletins told the households" not in client.get(f"/records/sessions/{session.id}").get_data(as_text=True)
    db.session.add(BulletinTold(bulletin_id=bulletin.id, session_id=session.id))
    db.session.commit()
    html = client.get(f"/records/sessions/{session.id}").get_data(as_text=True)
    assert "Bulletins told the households" in html and f.BULLETIN_TEXTS["vi"]["title"] in html
