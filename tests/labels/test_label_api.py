"""The label API and pages: formats, scope, batches with progress."""

import io

import pytest
from PIL import Image

from server.labels import fonts, jobs
from server.public.codes import public_code
from tests import factories as f

BASE = "https://lensan.example"


def _setup(client, role="supervisor"):
    tree = f.small_tree()
    places = [tree["province"]] if role == "supervisor" else [tree["commune"]]
    f.login(client, f.user(role, places))
    return tree


def test_household_label_formats_and_content_types(client, ctx, decode):
    tree = _setup(client)
    home = f.household(tree["commune"])
    url = f"/api/v1/labels/households/{home.id}"
    png = client.get(f"{url}.png?layout=thermal-50x30")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert decode.qr(Image.open(io.BytesIO(png.data))) == [f"{BASE}/a/{public_code(home.id)}"]
    svg = client.get(f"{url}.svg?layout=a4-2x7&lang=km")
    assert svg.mimetype == "image/svg+xml" and b'xml:lang="km"' in svg.data
    pdf = client.get(f"{url}.pdf?layout=a4-3x8")
    assert pdf.mimetype == "application/pdf" and len(decode.pdf_pages(pdf.data)) == 1


def test_trainers_print_labels_of_their_commune_only(client, ctx):
    tree = _setup(client, role="trainer")
    mine = f.household(tree["commune"])
    other = f.household(tree["commune2"])
    assert client.get(f"/api/v1/labels/households/{mine.id}.png").status_code == 200
    forbidden = client.get(f"/api/v1/labels/households/{other.id}.png")
    assert forbidden.status_code == 403 and forbidden.mimetype == "application/problem+json"


def test_bad_layout_unknown_record_and_not_signed_in(client, ctx):
    tree = _setup(client)
    home = f.household(tree["commune"])
    assert client.get(f"/api/v1/labels/households/{home.id}.png?layout=a5").status_code == 422
    assert client.get("/api/v1/labels/lots/0190a0b0-0000-7000-8000-000000000000.png").status_code == 404
    client.post("/logout")
    assert client.get(f"/api/v1/labels/households/{home.id}.png").status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [("layout=a5", "layout"), ("lang=fr", "lang"), ("count=0", "count"), ("count=97", "count"), ("count=x", "count")],
)
def test_a_bad_label_parameter_is_a_problem_naming_it(client, ctx, query, field):
    tree = _setup(client)
    lot = f.lot(f.product(f.producer(tree["commune"])), "A1")
    response = client.get(f"/api/v1/labels/lots/{lot.id}.pdf?{query}")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "bad_parameter" and list(response.get_json()["errors"]) == [field]


def test_a_batch_needs_a_json_object_naming_what_is_wrong(client, ctx):
    _setup(client)
    url = "/api/v1/labels/batches"
    form = client.post(url, data={"kind": "households"})
    assert form.status_code == 415 and form.get_json()["code"] == "not_json"
    malformed = client.post(url, data=b'{"kind": ', content_type="application/json")
    assert malformed.status_code == 400 and malformed.get_json()["code"] == "malformed_json"
    large = client.post(url, data=b'{"kind": "lot", "x": "' + b"x" * 20_000 + b'"}', content_type="application/json")
    assert large.status_code == 413 and large.get_json()["code"] == "too_large"
    missing = client.post(url, json={"count": 0})
    assert missing.status_code == 422 and missing.get_json()["code"] == "invalid"
    assert set(missing.get_json()["errors"]) == {"kind", "count"}


def test_lot_pdf_with_count(client, ctx, decode):
    tree = _setup(client)
    lot = f.lot(f.product(f.producer(tree["commune"]), gtin="08931234567897"), "A1")
    pdf = client.get(f"/api/v1/labels/lots/{lot.id}.pdf?layout=a4-3x8&count=30")
    pages = decode.pdf_pages(pdf.data)
    assert len(pages) == 2
    assert decode.qr(pages[1][0]) == [f"{BASE}/01/08931234567897/10/A1"] * 6


def test_missing_raqm_answers_503_with_the_reason(client, ctx, monkeypatch):
    tree = _setup(client)
    home = f.household(tree["commune"])

    def refuse():
        raise fonts.LabelRenderingUnavailable("Label rendering needs Pillow with libraqm")

    monkeypatch.setattr(fonts, "require_raqm", refuse)
    response = client.get(f"/api/v1/labels/households/{home.id}.png")
    assert response.status_code == 503
    assert "libraqm" in response.get_json()["detail"]


def test_batch_of_a_commune_with_progress_and_download(client, ctx, decode):
    tree = _setup(client)
    homes = [f.household(tree["commune"], tree["hamlet"]) for _ in range(3)]
    f.household(tree["commune2"])
    started = client.post("/api/v1/labels/batches", json={"kind": "households", "place_code": tree["hamlet"].code})
    assert started.status_code == 202
    body = started.get_json()
    assert body["labels"] == 3 and body["pages_total"] == 1
    jobs.wait(body["job_id"])
    status = client.get(body["status_url"]).get_json()
    assert status["state"] == "done" and status["pages_done"] == 1
    with client.get(status["download_url"]) as pdf:
        [(page, _box)] = decode.pdf_pages(pdf.data)
    assert sorted(decode.qr(page)) == sorted(f"{BASE}/a/{public_code(h.id)}" for h in homes)


def test_batches_respect_scope_and_owner(client, app, ctx):
    tree = _setup(client)
    refused = client.post(
        "/api/v1/labels/batches", json={"kind": "households", "place_code": tree["other_commune"].code}
    )
    assert refused.status_code == 403
    f.household(tree["commune"])
    job = client.post("/api/v1/labels/batches", json={"kind": "households", "place_code": tree["commune"].code})
    job_id = job.get_json()["job_id"]
    jobs.wait(job_id)
    other = app.test_client()
    f.login(other, f.user("admin"))
    assert other.get(f"/api/v1/labels/batches/{job_id}").status_code == 404
    assert other.get(f"/api/v1/labels/batches/{job_id}.pdf").status_code == 404


def test_label_pages_preview_and_batch_form(client, ctx):
    tree = _setup(client)
    home = f.household(tree["commune"], head_name="Thạch Sóc Ly")
    lot = f.lot(f.product(f.producer(tree["commune"]), name="Mắm bò hóc"), "B2")
    found = client.get("/labels?q=thach soc").get_data(as_text=True)
    assert f"/labels/households/{home.id}" in found
    assert f"/labels/lots/{lot.id}" in client.get("/labels?q=mam bo hoc").get_data(as_text=True)
    page = client.get(f"/labels/households/{home.id}?layout=roll-58").get_data(as_text=True)
    assert f'src="/api/v1/labels/households/{home.id}.png?layout=roll-58"' in page
    started = client.post(
        "/labels/batches", data={"kind": "lot", "lot_id": str(lot.id), "count": "60", "layout": "a4-3x8"}
    )
    assert started.status_code == 302
    job_id = started.headers["Location"].rsplit("/", 1)[1]
    jobs.wait(job_id)
    progress = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "js/label-job.js" in progress and f"/api/v1/labels/batches/{job_id}.pdf" in progress
    bad = client.post("/labels/batches", data={"kind": "households", "place_code": "nowhere", "layout": "a4-3x8"})
    assert bad.status_code == 404 and "nowhere" in bad.get_data(as_text=True)
