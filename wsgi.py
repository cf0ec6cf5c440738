"""WSGI entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`."""

from crisis import create_app
from crisis.extensions import socketio  # noqa: F401  (for socketio.run in tests and tools)
from crisis.server import behind_proxies

app = behind_proxies(create_app())
