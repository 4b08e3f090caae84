"""Labels point at the port the server runs on unless PUBLIC_BASE_URL says otherwise."""

import os
import pathlib
import shutil
import subprocess

import pytest

from server.config import Config

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _base_url(monkeypatch, tmp_path, **env):
    for name in ("PUBLIC_BASE_URL", "PORT", "FLASK_RUN_PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Config(str(tmp_path)).PUBLIC_BASE_URL


def test_default_follows_the_port(monkeypatch, tmp_path):
    assert _base_url(monkeypatch, tmp_path) == "http://127.0.0.1:5000"
    assert _base_url(monkeypatch, tmp_path, PORT="8000") == "http://127.0.0.1:8000"
    assert _base_url(monkeypatch, tmp_path, FLASK_RUN_PORT="8001") == "http://127.0.0.1:8001"


def test_an_explicit_public_base_url_wins(monkeypatch, tmp_path):
    url = _base_url(monkeypatch, tmp_path, PORT="8000", PUBLIC_BASE_URL="https://lensan.example.vn/")
    assert url == "https://lensan.example.vn"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
@pytest.mark.parametrize(
    ("env_port", "args", "expected"), [(None, [], "5000"), ("8000", [], "8000"), (None, ["PORT=8002"], "8002")]
)
def test_make_passes_its_port_to_the_server(env_port, args, expected):
    """`make run` starts flask with $(PORT); the server process must see the same PORT."""
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "MAKEFLAGS", "MFLAGS")}
    if env_port:
        env["PORT"] = env_port
    probe = ["make", "-s", "--no-print-directory", "--eval", "_port_probe: ; @echo $$PORT", "_port_probe", *args]
    result = subprocess.run(probe, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=30)
    assert result.stdout.strip() == expected
