"""WSGI entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`."""

from crisis import create_app
from crisis.extensions import socketio  # noqa: F401  (for socketio.run in tests and tools)

app = create_app()
