"""deploy/ as an operator meets it: the nginx site is valid, and the README's production steps work."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TRY = ROOT / "tools" / "try-production"


def _run(*args: str, timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run([str(TRY), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_nginx_site_passes_nginx_t():
    result = _run("--nginx-test", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "deploy/nginx/lensan.conf is valid" in result.stdout


# It starts its own PostgreSQL, so it runs once, in the PostgreSQL run of `make test`.
@pytest.mark.postgres_only
def test_production_walk_through_answers_through_nginx():
    result = _run(timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    for line in (
        "ok: /healthz reaches the app and its database",
        "ok: the app knows it is served over HTTPS (Secure cookie, HSTS)",
        "cached for a year, brotli and gzip",
        "ok: the phone app's modules from nginx (revalidated, 304)",
        "ok: plain HTTP is sent to HTTPS",
        "try-production: the app answers through nginx",
    ):
        assert line in result.stdout
