"""The baseline for bench/fanout.py: a bare python-socketio server, no app logic.

Same transport stack as Krisrum (threading mode, simple-websocket, gunicorn
gthread, one worker); a POST /trigger broadcasts its body to every client.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import socketio
from gunicorn.app.base import BaseApplication

sio = socketio.Server(async_mode="threading")


def trigger_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    if environ["PATH_INFO"] == "/trigger" and environ["REQUEST_METHOD"] == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        payload = json.loads(environ["wsgi.input"].read(size))
        sio.emit("event", payload)
        start_response("201 Created", [("Content-Type", "application/json")])
        return [b"{}"]
    if environ["PATH_INFO"] == "/healthz":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"status": "ok"}']
    start_response("404 Not Found", [])
    return [b""]


app = socketio.WSGIApp(sio, trigger_app)


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, port: int, threads: int) -> None:
        self.port, self.threads = port, threads
        super().__init__()

    def load_config(self) -> None:
        self.cfg.set("bind", f"127.0.0.1:{self.port}")
        self.cfg.set("workers", 1)
        self.cfg.set("worker_class", "gthread")
        self.cfg.set("threads", self.threads)
        self.cfg.set("worker_connections", self.threads * 2)
        self.cfg.set("accesslog", None)

    def load(self) -> Any:
        return app


if __name__ == "__main__":
    Server(int(sys.argv[1]), int(sys.argv[2])).run()
