"""Run a function of one of the app's ES modules in Node and return its JSON result."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

PWA_JS = Path(__file__).resolve().parents[2] / "pwa" / "js"
NODE = shutil.which("node")


def call(module: str, function: str, calls: list[list]) -> list:
    """Call pwa/js/<module>'s exported `function` with each argument list; the results in order."""
    if NODE is None:
        pytest.skip("Node.js is not installed")
    script = (
        f"import {{ {function} }} from {json.dumps((PWA_JS / module).as_uri())};\n"
        f"const calls = {json.dumps(calls)};\n"
        f"console.log(JSON.stringify(calls.map((args) => {function}(...args))));\n"
    )
    done = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)
