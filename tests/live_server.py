"""Run the app on 127.0.0.1 in its own process, for tests that kill or cut off a real server.

Usage: python tests/live_server.py DATABASE_URL PORT [--slow-push MARKER_FILE]

With --slow-push, each mutation written by a push waits a little and the first one touches
MARKER_FILE, so that a test knows a push is under way and can kill the process before it commits.
"""

import sys
import time
from pathlib import Path

from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server import create_app


def _slow_writes(marker: Path) -> None:
    """Make every written mutation take a while, and say when the first one starts."""
    from server.mutations import apply as operations

    real_write = operations._write

    def slow_write(*args):
        marker.touch()
        time.sleep(0.01)
        return real_write(*args)

    operations._write = slow_write


def main(url: str, port: int, marker: str | None) -> None:
    """Serve until killed."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "live-test", "LOGIN_RATE_LIMIT": "1000 per minute"})
    if marker:
        _slow_writes(Path(marker))
    server = make_server("127.0.0.1", port, app, threaded=True)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    slow = arguments[arguments.index("--slow-push") + 1] if "--slow-push" in arguments else None
    main(arguments[0], int(arguments[1]), slow)
