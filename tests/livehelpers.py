"""A real server in a subprocess (production stack: gunicorn, one gevent worker), for
browser tests, live Socket.IO tests and the Redis/multi-process tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, workdir: Path, *, db_url: Optional[str] = None, env: Optional[dict[str, str]] = None,
                 port: Optional[int] = None, setup: bool = True) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_url = db_url or f"sqlite:///{self.workdir / 'live.sqlite3'}"
        self.info_path = self.workdir / f"live-info-{self.port}.json"
        self.extra_env = env or {}
        self.setup = setup
        self.proc: Optional[subprocess.Popen[bytes]] = None
        self.info: dict[str, Any] = {}
        self.log_path = self.workdir / f"server-{self.port}.log"

    def start(self, timeout: float = 30) -> "LiveServer":
        env = dict(os.environ)
        env.update({
            "CRISIS_TESTING": "on", "CRISIS_DATABASE_URL": self.db_url, "CRISIS_SCHEDULER": "off",
            "CRISIS_ASSETS": "local", "CRISIS_MESSAGE_QUEUE": "", "CRISIS_SECRET_KEY": "live-test-secret-key-0123456789",
            "CRISIS_LOGIN_RATE_LIMIT": "1000 per minute", "KRISRUM_TEST_SETUP": "1" if self.setup else "0",
            "CRISIS_TILE_URL": "http://127.0.0.1:9/{z}/{x}/{y}.png",
        })
        env.update(self.extra_env)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "serve_app.py"), str(self.port),
                                      str(self.info_path)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError(f"server did not start: {self.log_path.read_text()[-3000:]}")
        if not self.info and self.info_path.exists():
            self.info = json.loads(self.info_path.read_text())
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.setup = False
        self.start()

    def api(self, role: str) -> requests.Session:
        """A requests session authenticated with the role's bearer token."""
        s = requests.Session()
        s.headers["Authorization"] = "Bearer " + self.info["tokens"][role]
        s.headers["Accept"] = "application/json"
        return s

    def cookie_session(self, role: str) -> requests.Session:
        """A requests session logged in with a session cookie (what the browser and sockets use)."""
        s = requests.Session()
        r = s.post(self.url + "/api/v1/auth/login", json={"username": role.replace("_", "-"), "password": PASSWORD})
        r.raise_for_status()
        return s
