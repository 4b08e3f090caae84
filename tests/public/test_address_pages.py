"""Household address pages behind the address labels."""

from openlocationcode import openlocationcode as olc

from server.extensions import db
from server.public.codes import public_code, record_id
from tests import factories as f

LAT, LNG = 9.7012, 106.2723


def _home(**fields):
    tree = f.small_tree()
    defaults = {"head_name": "Thạch Thị Sóc Ly", "latitude": LAT, "longitude": LNG, "vnpost_code": "8600012345"}
    defaults.update(fields)
    return f.household(tree["commune"], tree["hamlet"], **defaults)


def test_address_page_with_consent_shows_name_plus_code_and_map_links(client, ctx):
    home = _home()
    f.consent(home, "publish")
    f.consent(home, "location")
    response = client.get(f"/a/{public_code(home.id)}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in (
        "Thạch Thị Sóc Ly",
        "Phum Sóc Chuối",
        "Xã Trà Cú",
        "Tỉnh Trà Vinh",
        olc.encode(LAT, LNG),
        "8600012345",
    ):
        assert text in html
    assert 'href="geo:9.701200,106.272300"' in html
    assert "https://www.openstreetmap.org/?mlat=9.701200&amp;mlon=106.272300" in html
    assert "<script" not in html and len(response.data) < 30 * 1024


def test_address_page_without_consent_hides_personal_fields(client, ctx):
    home = _home(phone="0912345678", ethnicity="Khmer")
    f.consent(home, "location", given=False)
    html = client.get(f"/a/{public_code(home.id)}").get_data(as_text=True)
    for hidden in (
        "Thạch Thị Sóc Ly",
        olc.encode(LAT, LNG),
        "geo:",
        "openstreetmap",
        "8600012345",
        "0912345678",
        "Khmer",
    ):
        assert hidden not in html
    assert "Xã Trà Cú" in html


def test_location_consent_alone_does_not_publish_the_location(client, ctx):
    """Agreeing that the programme records where the home is does not put it on a public page."""
    home = _home()
    f.consent(home, "location")
    html = client.get(f"/a/{public_code(home.id)}").get_data(as_text=True)
    for hidden in (olc.encode(LAT, LNG), "geo:", "openstreetmap", "9.7012", "8600012345"):
        assert hidden not in html
    assert "Xã Trà Cú" in html
    f.consent(home, "publish")
    assert olc.encode(LAT, LNG) in client.get(f"/a/{public_code(home.id)}").get_data(as_text=True)


def test_address_page_escapes_the_name(client, ctx):
    home = _home(head_name="<script>alert(1)</script>")
    f.consent(home, "publish")
    html = client.get(f"/a/{public_code(home.id)}").get_data(as_text=True)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unknown_erased_and_merged_households(client, ctx):
    home, survivor = _home(), _home(head_name="Kim Sóc")
    assert client.get("/a/0000000000000000000000000z").status_code == 404
    assert client.get("/a/short").status_code == 404
    home.merged_into_id = survivor.id
    db.session.commit()
    moved = client.get(f"/a/{public_code(home.id)}")
    assert moved.status_code == 301 and moved.headers["Location"].endswith(public_code(survivor.id))
    survivor.erased_at = survivor.created_at
    db.session.commit()
    assert client.get(f"/a/{public_code(survivor.id)}").status_code == 404


def test_public_codes_round_trip_and_forgive_look_alike_letters(ctx):
    home = _home()
    code = public_code(home.id)
    assert len(code) == 26 and code == code.lower()
    assert record_id(code) == home.id
    assert record_id(code.upper().replace("1", "I").replace("0", "O")) == home.id
    assert record_id("u" * 26) is None
