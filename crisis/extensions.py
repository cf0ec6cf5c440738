"""Flask extensions, created unbound and bound in `create_app`."""

from __future__ import annotations

import sys

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from crisis.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def socketio_async_mode() -> str:
    """The Socket.IO concurrency model, chosen explicitly (never engineio's auto-detection).

    "gevent" when this process was monkey-patched by gevent before it
    imported us (the server entry points: `python -m crisis.server`,
    tests/serve_app.py, gunicorn's gevent worker); otherwise "threading"
    (the CLI, the scheduler process, the pytest test clients).
    """
    if "gevent.monkey" in sys.modules:
        from gevent import monkey

        if monkey.is_module_patched("socket"):
            return "gevent"
    return "threading"


socketio = SocketIO(async_mode=socketio_async_mode())
