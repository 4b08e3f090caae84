"""Static URLs carry a hash of the file's content, so a proxy can cache them for a year and a deploy still shows."""

import hashlib
import re
from pathlib import Path

from server.core import static_version

STATIC = Path(__file__).resolve().parent.parent / "server" / "static"


def test_pages_link_the_stylesheet_by_its_content_hash(client):
    page = client.get("/login").get_data(as_text=True)
    href = re.search(r'href="(/static/css/app\.css\?v=([0-9a-f]+))"', page)
    assert href, "the login page links no versioned stylesheet"
    assert href.group(2) == hashlib.sha256((STATIC / "css" / "app.css").read_bytes()).hexdigest()[:12]
    with client.get(href.group(1)) as response:
        assert response.status_code == 200
        assert response.mimetype == "text/css"


def test_a_changed_file_gets_a_new_url(tmp_path):
    (tmp_path / "app.css").write_text("body { color: black; }")
    before = static_version(str(tmp_path), "app.css")
    (tmp_path / "app.css").write_text("body { color: green; }")
    after = static_version(str(tmp_path), "app.css")
    assert before and after and before != after
    assert static_version(str(tmp_path), "missing.css") is None
