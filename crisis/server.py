"""The web server: `python -m crisis.server [--demo]`.

Migrates the database, then serves with gunicorn's gevent worker (one worker
process; a live Socket.IO connection costs a greenlet, not a thread) and
starts the scheduler inside that worker when CRISIS_SCHEDULER=on.
`--demo` (what `make run` passes) also writes a `.env` with a fresh secret
key on first start, loads the Marks kommun demo data once and prints the
demo logins; a production start does neither.

gevent must patch the standard library before psycopg, ssl, socket or
anything using them is imported, or the database driver blocks the whole
process. `python -m` imports the `crisis` package (and with it Flask,
requests, ssl, ...) before this module runs, so the entry point re-executes
itself once through a tiny bootstrap that patches first.
"""

from __future__ import annotations

import os
import sys

_BOOTSTRAP = (
    "from gevent import monkey; monkey.patch_all(); import runpy; "
    "runpy.run_module('crisis.server', run_name='__main__', alter_sys=True)"
)


def _patched() -> bool:
    if "gevent.monkey" not in sys.modules:
        return False
    from gevent import monkey

    return bool(monkey.is_module_patched("socket"))


if __name__ == "__main__" and not _patched():
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-c", _BOOTSTRAP, *sys.argv[1:]])

import argparse  # noqa: E402
import gc  # noqa: E402
import resource  # noqa: E402
import secrets  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from crisis.config import ROOT  # noqa: E402


def ensure_env_file(path: Path = ROOT / ".env") -> None:
    """Give a fresh demo checkout its own secret key, so sessions survive restarts, and its own
    signing key for the log's checkpoints (signing-key.pem beside .env, never in the database)."""
    if not path.exists():
        path.write_text(
            "# Written by `make run` on first start; see config.example.env for every setting.\n"
            f"CRISIS_SECRET_KEY={secrets.token_hex(32)}\n",
            encoding="utf-8",
        )
        path.chmod(0o600)
    text = path.read_text(encoding="utf-8")
    if "CRISIS_SIGNING_KEY_FILE" not in text:
        from crisis.log import signing

        key_file = path.parent / "signing-key.pem"
        if not key_file.exists():
            signing.generate_key_file(key_file)
        with path.open("a", encoding="utf-8") as f:
            f.write(("" if text.endswith("\n") or not text else "\n") + f"CRISIS_SIGNING_KEY_FILE={key_file}\n")


def raise_file_limit(wanted: int) -> int:
    """Every connection is a file descriptor: lift the soft limit towards `wanted` (up to the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return soft


def behind_proxies(app: Any) -> Any:
    """Trust X-Forwarded-* from CRISIS_PROXY_COUNT reverse proxies (nginx), so the
    login rate limit sees each client's address and URLs get the public scheme."""
    n = app.config["CRISIS_PROXY_COUNT"]
    if n and not getattr(app.wsgi_app, "krisrum_proxy_fix", False):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
        app.wsgi_app.krisrum_proxy_fix = True
    return app


def serve(app: Any, host: str, port: int) -> None:
    """Serve `app` with gunicorn in the foreground: one gevent worker.

    The process must have been monkey-patched by gevent before anything else
    was imported (see the module docstring and tests/serve_app.py).
    """
    if not _patched():
        raise RuntimeError("crisis.server.serve() needs gevent's monkey-patching first")
    from gunicorn.app.base import BaseApplication

    behind_proxies(app)
    cfg = app.config
    connections = cfg["CRISIS_WORKER_CONNECTIONS"]
    # Sockets, plus the database pool, log files and the listening socket.
    raise_file_limit(connections + cfg["CRISIS_DB_POOL_SIZE"] * 2 + 256)

    def post_worker_init(_worker: Any) -> None:
        # Everything loaded so far lives as long as the process: keep it out
        # of the cyclic garbage collector's scans, and collect young objects
        # less often. A full collection over a large heap otherwise stalls
        # every greenlet (and so every live screen) for tens of milliseconds.
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 50, 100)
        if cfg["CRISIS_SCHEDULER"]:
            from crisis.scheduler import runner as sched

            sched.start_background(app)

    # gunicorn forks the worker from this process: no pooled database
    # connection may be shared with it, and one-shot timers started while the
    # app was built (the rate limiter's memory storage) finish here first,
    # rather than waking up in the worker's copy of the hub.
    import gevent

    from crisis.extensions import db

    with app.app_context():
        db.engine.dispose()
    gevent.sleep(0.1)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            # One worker per process: Flask-SocketIO keeps its sessions in
            # the process. More processes = more instances behind nginx.
            self.cfg.set("workers", 1)
            self.cfg.set("worker_class", "gevent")
            # At most this many simultaneous connections (live sockets and
            # HTTP requests together); CRISIS_MAX_SOCKETS stays below it so
            # the HTTP API keeps answering when sockets are at their limit.
            self.cfg.set("worker_connections", connections)
            self.cfg.set("backlog", 2048)
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 5)
            self.cfg.set("keepalive", 5)
            self.cfg.set("accesslog", None)
            # gunicorn's control socket lives at a fixed per-user path: several
            # instances on one host would share it.
            self.cfg.set("control_socket_disable", True)
            self.cfg.set("post_worker_init", post_worker_init)

        def load(self) -> Any:
            return app

    Server().run()


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m crisis.server",
        description="Migrate the database and serve Krisrum (gunicorn, one gevent worker). "
        "Listens on CRISIS_HOST:CRISIS_PORT; every setting is in config.example.env.",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="demo mode (what `make run` uses): write .env with a fresh secret key if missing, "
        "load the Marks kommun demo data once and print the demo logins",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _parse(sys.argv[1:] if argv is None else argv)
    if args.demo:
        ensure_env_file()
    from crisis import create_app
    from crisis.config import ConfigError

    try:
        app = create_app()
    except ConfigError as e:
        print(f"Configuration error: {e}", file=sys.stderr)
        sys.exit(2)

    runner = app.test_cli_runner()
    for cmd in (["init-db"], ["seed-demo"]) if args.demo else (["init-db"],):
        result = runner.invoke(args=cmd)
        print(result.output, end="")
        if result.exit_code != 0:
            print(f"`{' '.join(cmd)}` failed", file=sys.stderr)
            if result.exception:
                raise result.exception
            sys.exit(result.exit_code)
    if not args.demo:
        _hint_first_admin(app)

    host, port = app.config["CRISIS_HOST"], app.config["CRISIS_PORT"]
    print(f"\nKrisrum is running at http://{host}:{port}/  (Ctrl-C stops it)\n", flush=True)

    serve(app, host, port)


def _hint_first_admin(app: Any) -> None:
    import sqlalchemy as sa

    from crisis.extensions import db
    from crisis.models import User

    with app.app_context():
        has_users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
        db.session.remove()
    if not has_users:
        print(
            "No users yet. Create the first administrator with:\n"
            "  flask --app wsgi create-user NAME --role admin --password '…'",
            flush=True,
        )


if __name__ == "__main__":
    main()
