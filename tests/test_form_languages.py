"""A required field left empty is refused in the page's language, never in English."""

import re

import pytest

from tests import factories as f

REQUIRED = {"vi": "Vui lòng nhập", "km": "សូម"}
ENGLISH = ("This field is required", "Missing data", "Please enter")


def _error_after(html: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error">([^<]*)<', html)
    return match.group(1) if match else ""


def _choose(client, lang: str) -> None:
    """Vietnamese is the default; another language is chosen with the header's language setting."""
    client.get("/login")
    if lang != "vi":
        client.post("/language", data={"lang": lang, "next": "/login"})


@pytest.mark.parametrize("lang", ["vi", "km"])
def test_sign_in_with_an_empty_password_says_so_in_the_page_language(app, lang):
    client = app.test_client()  # no Accept-Language: the default or ?lang decides
    _choose(client, lang)
    html = client.post("/login", data={"username": "ana", "password": ""}).get_data(as_text=True)
    message = _error_after(html, "password")
    assert message.startswith(REQUIRED[lang])
    assert not any(words in html for words in ENGLISH)


@pytest.mark.parametrize("lang", ["vi", "km"])
def test_product_form_with_an_empty_name_says_so_in_the_page_language(app, lang):
    with app.app_context():
        tree = f.small_tree()
        producer_id = f.producer(tree["commune"]).id
        username = f.user("supervisor", [tree["province"]]).username
    client = app.test_client()
    _choose(client, lang)
    client.post("/login", data={"username": username, "password": f.PASSWORD})
    url = f"/products/producers/{producer_id}/products/new"
    client.get(url)
    response = client.post(url, data={"name": "  ", "category": "Rau"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _error_after(html, "name").startswith(REQUIRED[lang])
    assert 'value="Rau"' in html  # the posted values come back with the error
    assert not any(words in html for words in ENGLISH)
