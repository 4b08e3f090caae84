"""No path or file name from a request reaches the file system; download names are the server's own.

Every file the app opens while answering hostile requests is recorded: reads stay inside the app's
own folders, and writes only make files with server-made names in the imports and labels folders
of JOB_FILES_DIR.
"""

import builtins
import io
import os
import re
import sys
import tempfile
from pathlib import Path

import pytest

from server.households.models import Household
from server.labels import jobs
from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_NAMES = (
    "../../etc/passwd",
    "../../../../../../etc/passwd",
    "/etc/passwd",
    "..\\..\\windows\\win.ini",
    "/srv/injected-by-upload.csv",
    "x\x00.csv",
    "Danh sách hộ ấp Sóc Chuối ✓.csv",
    "ភូមិ.csv",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd.csv",
)
HOSTILE_SEGMENTS = (
    "..",
    "../..",
    "%2e%2e",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%2f..%2fetc%2fpasswd",
    "%00",
    "a%00b",
    "%2fetc%2fpasswd",
    "/etc/passwd",
    "\u0661\u0662\u0663",  # Arabic-Indic digits: "alphanumeric" to Python
    "ｅｔｃ",
)
SAFE_DOWNLOAD = re.compile(r'^(attachment|inline); filename="?[A-Za-z0-9._-]+"?$')


@pytest.fixture
def opened(app, monkeypatch, tmp_path):
    """Every path the app opens (with its mode) while the test runs."""
    monkeypatch.setitem(app.config, "JOB_FILES_DIR", str(tmp_path / "jobs"))
    seen: list[tuple[str, str]] = []
    real_open = builtins.open

    def recording_open(file, mode="r", *args, **kwargs):
        if isinstance(file, str | bytes | os.PathLike):
            seen.append((os.path.realpath(os.fsdecode(file)), mode))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(io, "open", recording_open)
    yield seen


def _inside(path: str, *folders) -> bool:
    return any(Path(path).is_relative_to(Path(folder).resolve()) for folder in folders)


def check_opened(app, seen: list[tuple[str, str]], tmp_path) -> None:
    """Reads only in the app's code, packages and data folders; writes only server-named files in two folders."""
    imports, label_jobs = Path(app.instance_path, "imports"), tmp_path / "jobs"
    for path, mode in seen:
        if path == tempfile.gettempdir() or re.fullmatch(re.escape(tempfile.gettempdir()) + r"/openpyxl\.\w+", path):
            continue  # the temporary files of openpyxl's streamed workbooks, named by tempfile
        assert "passwd" not in path and "win.ini" not in path and "injected" not in path, path
        assert _inside(path, ROOT, sys.prefix, sys.base_prefix, app.instance_path, tmp_path), path
        if any(flag in mode for flag in "wax+"):
            assert _inside(path, imports, label_jobs), path
            assert re.fullmatch(r"[0-9a-f]{24,32}\.[a-z.]+", Path(path).name), path


def request(app, client, method: str, url: str, **kwargs):
    """One request in its own app context, as in production."""
    with app.app_context():
        return client.open(url, method=method, **kwargs)


def test_upload_names_are_kept_as_text_only(app, client, ctx, opened, tmp_path):
    tree = f.small_tree()
    f.login(client, f.user("supervisor", [tree["province"]]))
    for name in HOSTILE_NAMES:
        body = "Họ tên;Xã\nThạch Sa Rinh;29461\n".encode()
        response = request(
            app,
            client,
            "POST",
            "/records/import",
            data={"file": (io.BytesIO(body), name)},
            content_type="multipart/form-data",
        )
        if not name.endswith(".csv"):
            assert response.status_code == 422, (name, response.status_code)  # only XLSX and CSV files
            continue
        assert response.status_code == 302, (name, response.status_code)
        token = response.headers["Location"].rsplit("/", 1)[1]
        assert re.fullmatch(r"[0-9a-f]{32}", token)
        page = request(app, client, "GET", f"/records/import/{token}")
        assert page.status_code == 200, name
        assert "Thạch Sa Rinh" in page.get_data(as_text=True)
    check_opened(app, opened, tmp_path)
    assert not Path("/srv/injected-by-upload.csv").exists()


def test_record_tokens_and_job_ids_in_urls_never_name_files(app, client, ctx, opened, tmp_path):
    tree = f.small_tree()
    f.login(client, f.user("admin"))
    f.household(tree["commune"])
    for segment in HOSTILE_SEGMENTS:
        for url in (
            f"/records/import/{segment}",
            f"/records/import/{segment}/progress",
            f"/records/import/{segment}/status.json",
            f"/labels/batches/{segment}",
            f"/api/v1/labels/batches/{segment}",
            f"/api/v1/labels/batches/{segment}.pdf",
        ):
            response = request(app, client, "GET", url)
            assert response.status_code in (400, 404, 405), (url, response.status_code)
        run = request(app, client, "POST", f"/records/import/{segment}/run", data={"map_head_name": "0"})
        assert run.status_code in (400, 404, 405), (segment, run.status_code)
    check_opened(app, opened, tmp_path)


def test_app_static_and_font_files_only_from_their_folders(app, client, opened, tmp_path):
    for segment in (*HOSTILE_SEGMENTS, "../server/config.py", "..%2fserver%2fconfig.py", "../../etc/passwd"):
        for url in (
            f"/app/{segment}",
            f"/app/js/{segment}",
            f"/static/{segment}",
            f"/static/css/{segment}",
            f"/fonts/{segment}",
            f"/app/locale/{segment}.json",
        ):
            response = request(app, client, "GET", url)
            assert response.status_code in (400, 404, 405, 308), (url, response.status_code)
            assert b"root:" not in response.get_data() and b"SECRET_KEY" not in response.get_data(), url
    check_opened(app, opened, tmp_path)


def _downloads(tree, household, lot) -> list[str]:
    place = tree["commune"].code
    return [
        f"/records/households.csv?place={place}&follow_up=../../etc/passwd",
        f"/records/households.xlsx?place={place}&q=..%2F..%2Fx",
        f"/dashboard/table.csv?place={place}&year=2025",
        f"/dashboard/table.xlsx?place={place}",
        f"/privacy/households/{household.id}/export.json",
        f"/api/v1/labels/households/{household.id}.pdf",
        f"/api/v1/labels/households/{household.id}.png?lang=km",
        f"/api/v1/labels/lots/{lot.id}.svg",
    ]


def test_download_names_are_chosen_by_the_server(app, client, ctx, opened, tmp_path):
    tree = f.small_tree()
    f.login(client, f.user("admin"))
    household = f.household(tree["commune"], head_name='Thạch "Sa"\r\nRinh/../../x')
    lot = f.lot(f.product(f.producer(tree["commune"], name="../../../etc"), name='Bưởi "..\\x"'), "L-1.2_3")
    batch = request(
        app, client, "POST", "/api/v1/labels/batches", json={"kind": "lot", "lot_id": str(lot.id), "count": 2}
    )
    job_id = batch.get_json()["job_id"]
    jobs.wait(job_id)
    for url in [*_downloads(tree, household, lot), f"/api/v1/labels/batches/{job_id}.pdf"]:
        response = request(app, client, "GET", url)
        assert response.status_code == 200, (url, response.status_code)
        disposition = response.headers["Content-Disposition"]
        assert SAFE_DOWNLOAD.match(disposition), (url, disposition)
        response.close()
    for url in (
        "/records/households.csv?place=../../etc/passwd",
        f"/api/v1/labels/households/{household.id}.pdf?layout=../../etc/passwd",
        f"/api/v1/labels/households/{household.id}.pdf?lang=../../x",
    ):
        assert request(app, client, "GET", url).status_code in (404, 422), url
    assert Household.query.count() == 1
    check_opened(app, opened, tmp_path)


def test_backup_and_restore_take_paths_only_on_the_command_line(app):
    from server import backup

    assert all(view.__module__ != backup.__name__ for view in app.view_functions.values())
    assert not any("backup" in rule.rule or "restore" in rule.rule for rule in app.url_map.iter_rules())
