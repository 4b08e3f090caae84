"""WSGI entry point: `gunicorn wsgi:app`."""

from server import create_app
from server.collector import settle

app = create_app()
settle()  # what the app loaded is never garbage: the collector need not walk it again
