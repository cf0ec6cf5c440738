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
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(
        self,
        workdir: Path,
        *,
        db_url: str | None = None,
        env: dict[str, str] | None = None,
        port: int | None = None,
        setup: bool = True,
    ) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_url = db_url or f"sqlite:///{self.workdir / 'live.sqlite3'}"
        self.info_path = self.workdir / f"live-info-{self.port}.json"
        self.extra_env = env or {}
        self.setup = setup
        self.proc: subprocess.Popen[bytes] | None = None
        self.info: dict[str, Any] = {}
        self.log_path = self.workdir / f"server-{self.port}.log"

    def start(self, timeout: float = 30) -> LiveServer:
        env = dict(os.environ)
        env.update(
            {
                "CRISIS_TESTING": "on",
                "CRISIS_DATABASE_URL": self.db_url,
                "CRISIS_SCHEDULER": "off",
                "CRISIS_ASSETS": "local",
                "CRISIS_MESSAGE_QUEUE": "",
                "CRISIS_SECRET_KEY": "live-test-secret-key-0123456789",
                "CRISIS_LOGIN_RATE_LIMIT": "1000 per minute",
                "CRISIS_REFUSED_RATE_LIMIT": "1000 per minute",
                "KRISRUM_TEST_SETUP": "1" if self.setup else "0",
                "CRISIS_TILE_URL": "http://127.0.0.1:9/{z}/{x}/{y}.png",
            }
        )
        env.update(self.extra_env)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "serve_app.py"), str(self.port), str(self.info_path)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
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
            os.killpg(self.proc.pid, signal.SIGINT)
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


class RawSocket:
    """A minimal Socket.IO client over one aiohttp WebSocket (Engine.IO v4, websocket transport).

    Light enough to hold a thousand in one test process. Records every
    `event` it receives in `events`; answers the server's pings.
    """

    def __init__(self) -> None:
        self.ws: Any = None
        self.events: list[dict[str, Any]] = []
        self.received_at: list[float] = []  # time.monotonic() of each event (system-wide clock)
        self.acks: dict[int, Any] = {}
        self.refused: dict[str, Any] | None = None
        self._reader: Any = None
        self._next_ack = 0

    async def connect(
        self, http: Any, url: str, cookie: str = "", timeout: float = 60, headers: dict[str, str] | None = None
    ) -> bool:
        """Open the WebSocket and the default namespace; False if the server refused it (see `refused`)."""
        import asyncio

        ws_url = url.replace("http://", "ws://", 1) + "/socket.io/?EIO=4&transport=websocket"
        import aiohttp

        hdrs = dict(headers or {})
        if cookie:
            hdrs["Cookie"] = cookie
        self.ws = await asyncio.wait_for(
            http.ws_connect(ws_url, headers=hdrs, timeout=aiohttp.ClientWSTimeout(ws_close=10)), timeout
        )
        opening = await asyncio.wait_for(self.ws.receive_str(), timeout)
        if not opening.startswith("0"):
            raise RuntimeError(f"unexpected Engine.IO opening {opening!r}")
        await self.ws.send_str("40")
        while True:
            msg = await asyncio.wait_for(self.ws.receive_str(), timeout)
            if msg == "2":
                await self.ws.send_str("3")
                continue
            break
        if msg.startswith("44"):
            self.refused = json.loads(msg[2:])
            await self.ws.close()
            return False
        if not msg.startswith("40"):
            raise RuntimeError(f"unexpected Socket.IO answer {msg!r}")
        self._reader = asyncio.ensure_future(self._read())
        return True

    async def _read(self) -> None:
        import aiohttp

        async for m in self.ws:
            if m.type != aiohttp.WSMsgType.TEXT:
                break
            data = m.data
            if data == "2":
                await self.ws.send_str("3")
            elif data.startswith("42"):
                name, *args = json.loads(data[2:])
                if name == "event" and args:
                    self.received_at.append(time.monotonic())
                    self.events.append(args[0])
            elif data.startswith("43"):
                body = data[2:]
                i = 0
                while i < len(body) and body[i].isdigit():
                    i += 1
                self.acks[int(body[:i])] = json.loads(body[i:])[0]

    async def call(self, event: str, data: Any, timeout: float = 60) -> Any:
        import asyncio

        ack_id = self._next_ack
        self._next_ack += 1
        await self.ws.send_str(f"42{ack_id}" + json.dumps([event, data]))
        deadline = time.monotonic() + timeout
        while ack_id not in self.acks:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no ack for {event}")
            await asyncio.sleep(0.01)
        return self.acks.pop(ack_id)

    async def close(self) -> None:
        if self.ws is not None and not self.ws.closed:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()


def process_threads(pid: int) -> int:
    """OS threads of a process and its children (Linux /proc)."""
    total = 0
    pids = [pid]
    while pids:
        p = pids.pop()
        try:
            total += len(os.listdir(f"/proc/{p}/task"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    pids.extend(int(c) for c in fh.read().split())
        except FileNotFoundError:
            continue
    return total


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{k}={v}" for k, v in session.cookies.items())
