"""The baseline for bench/fanout.py: a bare python-socketio server, no app logic.

Same async model and transport stack as Krisrum (gevent monkey-patched,
simple-websocket, gunicorn's gevent worker, one worker); a POST /trigger
broadcasts its body to every client. With a Redis URL, several of these
share a python-socketio RedisManager (the two-process baseline).

    python bench/baseline_server.py PORT CONNECTIONS [REDIS_URL]
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

import socketio  # noqa: E402
from gunicorn.app.base import BaseApplication  # noqa: E402

REDIS = sys.argv[3] if len(sys.argv) > 3 else ""
sio = socketio.Server(
    async_mode="gevent", client_manager=socketio.RedisManager(REDIS, channel="bench-baseline") if REDIS else None
)


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
    def __init__(self, port: int, connections: int) -> None:
        self.port, self.connections = port, connections
        super().__init__()

    def load_config(self) -> None:
        self.cfg.set("bind", f"127.0.0.1:{self.port}")
        self.cfg.set("workers", 1)
        self.cfg.set("worker_class", "gevent")
        self.cfg.set("worker_connections", self.connections)
        self.cfg.set("backlog", 2048)
        self.cfg.set("control_socket_disable", True)
        self.cfg.set("accesslog", None)

    def load(self) -> Any:
        return app


if __name__ == "__main__":
    Server(int(sys.argv[1]), int(sys.argv[2])).run()
