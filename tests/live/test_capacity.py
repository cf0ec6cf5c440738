"""One server process holds a thousand live screens and keeps answering HTTP.

The production stack (gunicorn, one gevent worker) with the default
configuration: 1,000 WebSocket connections joined to one incident, then a
login, an API read and a log write still answer, and the write's broadcast
reaches every one of the 1,000 (SQLite, or PostgreSQL when
CRISIS_TEST_DATABASE_URL is set). Beyond CRISIS_MAX_SOCKETS a new socket is
refused with a readable message while HTTP keeps answering.
Functional checks with generous timeouts, not timed assertions.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
import requests

from tests.conftest import PG_URL, _reset_pg
from tests.livehelpers import PASSWORD, LiveServer, RawSocket, cookie_header, process_threads

pytestmark = [pytest.mark.live, pytest.mark.slow]

N = 1000
FULL_MESSAGE = "Servern har för många anslutningar just nu – försöker igen"


async def _open(url: str, cookie: str, n: int, http: aiohttp.ClientSession) -> list[RawSocket]:
    sockets: list[RawSocket] = []

    async def one() -> None:
        s = RawSocket()
        assert await s.connect(http, url, cookie), s.refused
        sockets.append(s)

    for start in range(0, n, 50):  # in batches, like screens coming up after a restart
        await asyncio.gather(*(one() for _ in range(start, min(n, start + 50))))
    return sockets


def test_a_thousand_sockets_and_http_still_answers(tmp_path):
    # On PostgreSQL when CRISIS_TEST_DATABASE_URL is set (psycopg must be cooperative under gevent).
    if PG_URL:
        _reset_pg(PG_URL)
    server = LiveServer(tmp_path, db_url=PG_URL or None, env={"CRISIS_LOGIN_RATE_LIMIT": "1000 per minute"}).start()
    try:
        inc = (
            server.api("duty_officer")
            .post(server.url + "/api/v1/incidents", json={"title": "Tusen skärmar", "kind": "test"})
            .json()
        )
        cookie = cookie_header(server.cookie_session("observer"))

        async def scenario() -> dict[str, object]:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
                sockets = await _open(server.url, cookie, N, http)
                try:
                    acks = await asyncio.gather(
                        *(s.call("join", {"incident": inc["id"], "since": inc["last_seq"]}) for s in sockets)
                    )
                    assert all(a.get("ok") for a in acks)
                    threads = process_threads(server.proc.pid)

                    # With all of them connected: login, read, write answer.
                    def http_checks() -> dict[str, int]:
                        out = {}
                        s = requests.Session()
                        r = s.post(
                            server.url + "/api/v1/auth/login",
                            json={"username": "staff", "password": PASSWORD},
                            timeout=60,
                        )
                        out["login"] = r.status_code
                        r = server.api("observer").get(f"{server.url}/api/v1/incidents/{inc['id']}", timeout=60)
                        out["read"] = r.status_code
                        r = server.api("staff").post(
                            f"{server.url}/api/v1/incidents/{inc['id']}/log",
                            json={"text": "Till alla tusen", "classification": "public"},
                            timeout=60,
                        )
                        out["write"] = r.status_code
                        return out

                    codes = await asyncio.to_thread(http_checks)
                    deadline = time.monotonic() + 60
                    while time.monotonic() < deadline:
                        reached = sum(
                            any(e.get("data", {}).get("text") == "Till alla tusen" for e in s.events) for s in sockets
                        )
                        if reached == N:
                            break
                        await asyncio.sleep(0.1)
                    return {"codes": codes, "reached": reached, "threads": threads}
                finally:
                    await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)

        out = asyncio.run(scenario())
        assert out["codes"] == {"login": 200, "read": 200, "write": 201}
        assert out["reached"] == N
        # A live connection costs no thread: 1,000 sockets, a handful of OS threads.
        assert out["threads"] < 50, out["threads"]
    finally:
        server.stop()


def test_beyond_max_sockets_new_ones_are_refused_and_http_answers(tmp_path):
    limit = 20
    server = LiveServer(tmp_path, env={"CRISIS_MAX_SOCKETS": str(limit)}).start()
    try:
        cookie = cookie_header(server.cookie_session("observer"))

        async def scenario() -> dict[str, object]:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
                sockets = await _open(server.url, cookie, limit, http)
                try:
                    extra = RawSocket()
                    accepted = await extra.connect(http, server.url, cookie)
                    # HTTP keeps answering while sockets are at their limit.
                    read = await asyncio.to_thread(
                        lambda: server.api("observer").get(server.url + "/api/v1/incidents", timeout=30).status_code
                    )
                    # A slot that frees up is taken again.
                    await sockets.pop().close()
                    again = RawSocket()
                    deadline = time.monotonic() + 10
                    while not (ok := await again.connect(http, server.url, cookie)) and time.monotonic() < deadline:
                        await asyncio.sleep(0.2)
                    sockets.append(again)
                    return {"accepted": accepted, "refused": extra.refused, "read": read, "again": ok}
                finally:
                    await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)

        out = asyncio.run(scenario())
        assert out["accepted"] is False
        assert out["refused"] == {"message": FULL_MESSAGE, "data": {"retry": True}}
        assert out["read"] == 200
        assert out["again"] is True
    finally:
        server.stop()
