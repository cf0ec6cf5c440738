"""gunicorn settings for one Krisrum web process (see README, "Deployment").

    gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:5001 wsgi:app

One gevent worker per process: a live screen costs a greenlet, not a
thread, and Flask-SocketIO keeps its sessions in the process, so run more
processes (krisrum-web@PORT) behind nginx rather than more workers.

gunicorn's master reads this file before the worker monkey-patches the
standard library: import nothing here that uses sockets, ssl or psycopg
(and not `crisis`), and never set preload_app.
"""

import gc
import os

bind = f"{os.environ.get('CRISIS_HOST') or '127.0.0.1'}:{os.environ.get('CRISIS_PORT') or '5000'}"
workers = 1
worker_class = "gevent"
# Simultaneous connections of the process: live sockets and HTTP requests
# together. CRISIS_MAX_SOCKETS (checked by the app) must stay below it.
worker_connections = int(os.environ.get("CRISIS_WORKER_CONNECTIONS") or "6000")
backlog = 2048
timeout = 60
graceful_timeout = 5
keepalive = 5
preload_app = False
# gunicorn's control socket has a fixed per-user path: several instances on
# one host would share it.
control_socket_disable = True
accesslog = None  # nginx logs the requests
errorlog = "-"


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    # Keep the long-lived heap out of the cyclic collector's scans (a full
    # collection otherwise stalls every live screen for tens of milliseconds).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    app = worker.wsgi
    if app.config.get("CRISIS_SCHEDULER"):
        from crisis.scheduler import runner

        runner.start_background(app)
