"""`make run`: migrate, seed the demo once, print the URL and logins, serve.

Serves with gunicorn (one worker process, many threads: Flask-SocketIO's
threading mode needs a single process for its in-memory sessions) and
starts the scheduler inside that worker when CRISIS_SCHEDULER=on.
"""

from __future__ import annotations

import gc
import secrets
import sys
from pathlib import Path
from typing import Any

from crisis.config import ROOT

THREADS = 200  # each live Socket.IO connection holds one thread


def ensure_env_file(path: Path = ROOT / ".env") -> None:
    """Give a fresh checkout its own secret key, so sessions survive restarts."""
    if path.exists():
        return
    path.write_text(
        "# Written by `make run` on first start; see config.example.env for every setting.\n"
        f"CRISIS_SECRET_KEY={secrets.token_hex(32)}\n", encoding="utf-8")
    path.chmod(0o600)


def serve(app: Any, host: str, port: int, *, threads: int = THREADS) -> None:
    """Serve `app` with gunicorn in the foreground (one gthread worker)."""
    from gunicorn.app.base import BaseApplication

    def post_worker_init(_worker: Any) -> None:
        # Everything loaded so far lives as long as the process: keep it out
        # of the cyclic garbage collector's scans, and collect young objects
        # less often. A full collection over a large heap otherwise stalls
        # every thread (and so every live screen) for tens of milliseconds.
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 50, 100)
        if app.config["CRISIS_SCHEDULER"]:
            from crisis.scheduler import runner as sched

            sched.start_background(app)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", 1)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            # gthread accepts at most worker_connections at once; every live
            # Socket.IO connection stays open, so allow more than the threads.
            self.cfg.set("worker_connections", threads * 2)
            self.cfg.set("timeout", 120)
            self.cfg.set("graceful_timeout", 5)
            self.cfg.set("accesslog", None)
            self.cfg.set("post_worker_init", post_worker_init)

        def load(self) -> Any:
            return app

    Server().run()


def main() -> None:
    ensure_env_file()
    from crisis import create_app
    from crisis.config import ConfigError

    try:
        app = create_app()
    except ConfigError as e:
        print(f"Configuration error: {e}", file=sys.stderr)
        sys.exit(2)

    runner = app.test_cli_runner()
    for cmd in (["init-db"], ["seed-demo"]):
        result = runner.invoke(args=cmd)
        print(result.output, end="")
        if result.exit_code != 0:
            print(f"`{' '.join(cmd)}` failed", file=sys.stderr)
            if result.exception:
                raise result.exception
            sys.exit(result.exit_code)

    host, port = app.config["CRISIS_HOST"], app.config["CRISIS_PORT"]
    print(f"\nKrisrum is running at http://{host}:{port}/  (Ctrl-C stops it)\n", flush=True)

    serve(app, host, port)


if __name__ == "__main__":
    main()
