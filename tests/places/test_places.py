"""Places: the official list, search by new and old names, children, hamlets in scope."""

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.places.loader import load_official_places
from server.places.models import Place
from tests import factories

EN = {"Accept-Language": "en"}


def _count(kind: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Place).where(Place.kind == kind))


def _signed_in(client, role="supervisor", places=()):
    user = factories.user(role, list(places))
    factories.login(client, user)
    return user


def test_official_list_has_34_provinces_and_3321_communes_and_reloads_without_duplicates(ctx):
    assert load_official_places() == 34 + 3321
    assert (_count("province"), _count("commune")) == (34, 3321)
    assert load_official_places() == 0
    assert (_count("province"), _count("commune")) == (34, 3321)
    vinh_long = db.session.get(Place, "86")
    assert vinh_long.name == "Tỉnh Vĩnh Long"
    assert "Tỉnh Trà Vinh" in vinh_long.legacy_list
    tra_cu = db.session.get(Place, "29461")
    assert (tra_cu.name, tra_cu.parent_code) == ("Xã Trà Cú", "86")
    assert any("Huyện Trà Cú, Tỉnh Trà Vinh" in name for name in tra_cu.legacy_list)


def test_search_by_old_province_name_finds_communes_of_former_tra_vinh(ctx, client):
    load_official_places()
    _signed_in(client, "admin")
    places = client.get("/api/v1/places/search", query_string={"q": "tra vinh", "kind": "commune"}).get_json()["places"]
    assert len(places) == 30  # the page limit: former Trà Vinh had many more communes
    assert {p["province_code"] for p in places} == {"86"}
    assert all(any("Trà Vinh" in name for name in p["legacy_names"]) for p in places)
    first = client.get("/api/v1/places/search", query_string={"q": "tra vinh"}).get_json()["places"][0]
    assert (first["code"], first["kind"]) == ("86", "province")


def test_search_ignores_diacritics_and_case_and_finds_new_names(ctx, client):
    load_official_places()
    _signed_in(client, "admin")
    for q in ("Trà Cú", "tra cu", "TRA CU", "xa tra cu"):
        codes = [p["code"] for p in client.get("/api/v1/places/search", query_string={"q": q}).get_json()["places"]]
        assert "29461" in codes, q
    by_new_name = client.get("/api/v1/places/search", query_string={"q": "vi thanh"}).get_json()["places"]
    assert "31321" in [p["code"] for p in by_new_name]
    assert client.get("/api/v1/places/search", query_string={"q": "hau giang"}).get_json()["places"][0]["code"] == "92"


def test_search_with_no_words_finds_nothing(ctx, client):
    factories.small_tree()
    _signed_in(client, "admin")
    assert client.get("/api/v1/places/search", query_string={"q": "  "}).get_json() == {"places": []}
    assert client.get("/api/v1/places/search", query_string={"q": "%"}).get_json() == {"places": []}


def test_places_api_lists_children_of_a_parent(ctx, client):
    tree = factories.small_tree()
    _signed_in(client, "trainer", [tree["commune"]])
    provinces = client.get("/api/v1/places").get_json()["places"]
    assert [p["code"] for p in provinces] == ["92", "86"]  # by name: Thành phố Cần Thơ, Tỉnh Vĩnh Long
    communes = client.get("/api/v1/places", query_string={"parent": "86"}).get_json()["places"]
    assert [p["code"] for p in communes] == ["29494", "29461"]  # Xã Tập Sơn, Xã Trà Cú
    hamlets = client.get("/api/v1/places", query_string={"parent": "29461"}).get_json()["places"]
    assert hamlets == [
        {
            "code": "29461-001",
            "name": "Phum Sóc Chuối",
            "kind": "hamlet",
            "parent_code": "29461",
            "province_code": "86",
            "legacy_names": [],
        }
    ]


def test_places_api_answers_404_problem_for_an_unknown_parent(ctx, client):
    factories.small_tree()
    _signed_in(client, "admin")
    response = client.get("/api/v1/places", query_string={"parent": "99999"}, headers=EN)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "99999" in response.get_json()["detail"]


@pytest.mark.parametrize(("query", "field"), [({"kind": "district"}, "kind"), ({"q": "x" * 101}, "q")])
def test_places_search_answers_a_problem_naming_a_bad_parameter(ctx, client, query, field):
    factories.small_tree()
    _signed_in(client, "admin")
    response = client.get("/api/v1/places/search", query_string=query, headers=EN)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "bad_parameter" and list(response.get_json()["errors"]) == [field]


def test_places_search_by_kind(ctx, client):
    factories.small_tree()
    _signed_in(client, "admin")
    places = client.get("/api/v1/places/search", query_string={"q": "tra", "kind": "commune"}).get_json()["places"]
    assert places and {place["kind"] for place in places} == {"commune"}


def test_supervisor_adds_a_hamlet_in_scope_and_finds_it(ctx, client):
    tree = factories.small_tree()
    _signed_in(client, "supervisor", [tree["province"]])
    response = client.post("/places/29461", data={"name": "  Sóc  Tro (ភូមិស្រុកត្រូ) "})
    assert response.status_code == 302
    hamlet = db.session.get(Place, "29461-002")
    assert (hamlet.name, hamlet.kind, hamlet.province_code) == ("Sóc Tro (ភូមិស្រុកត្រូ)", "hamlet", "86")
    found = client.get("/api/v1/places/search", query_string={"q": "soc tro"}).get_json()["places"]
    assert [p["code"] for p in found] == ["29461-002"]
    assert "Sóc Tro" in client.get("/places/29461").get_data(as_text=True)


def test_duplicate_hamlet_name_is_refused_with_a_message(ctx, client):
    factories.small_tree()
    _signed_in(client, "admin")
    response = client.post("/places/29461", data={"name": "phum soc chuoi"}, headers=EN, follow_redirects=True)
    assert "This commune already has a hamlet named phum soc chuoi." in response.get_data(as_text=True)
    assert db.session.get(Place, "29461-002") is None


def test_supervisor_cannot_add_hamlets_outside_scope(ctx, client):
    tree = factories.small_tree()
    _signed_in(client, "supervisor", [tree["province"]])
    assert client.post("/places/31321", data={"name": "Ấp Mới"}).status_code == 403
    assert "Add a hamlet" not in client.get("/places/31321", headers=EN).get_data(as_text=True)
    assert db.session.scalar(sa.select(Place).where(Place.parent_code == "31321")) is None


def test_trainers_cannot_add_hamlets(ctx, client):
    tree = factories.small_tree()
    _signed_in(client, "trainer", [tree["commune"]])
    assert client.post("/places/29461", data={"name": "Ấp Mới"}).status_code == 403
    assert client.get("/places").status_code == 403
    assert _count("hamlet") == 2
