"""A serving process leaves the objects the app loaded at start out of the garbage collector's scans."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import gc, json, sys
sys.path.insert(0, sys.argv[1])
before = gc.get_freeze_count()
import wsgi
from server.collector import YOUNG_OBJECTS
print(json.dumps({"before": before, "frozen": gc.get_freeze_count(), "young": gc.get_threshold()[0],
                  "wanted": YOUNG_OBJECTS, "app": type(wsgi.app).__name__}))
"""


def test_the_wsgi_entry_point_freezes_what_the_app_loaded(tmp_path):
    env = {**os.environ, "SECRET_KEY": "collector", "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["app"] == "App"
    assert found["before"] == 0
    # The app's modules, tables, schemas and catalogues: tens of thousands of objects.
    assert found["frozen"] > 20_000
    assert found["young"] == found["wanted"]
