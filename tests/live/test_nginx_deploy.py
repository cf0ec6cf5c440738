"""deploy/ as an IT department runs it: two web processes (deploy/gunicorn.conf.py)
behind a real nginx (config from deploy/nginx/krisrum.conf.template) and one
scheduler process (`flask --app wsgi scheduler`), on PostgreSQL and Redis.

An entry written through one web process reaches live clients connected
through nginx, whichever process they landed on; a scheduled job (a task's
overdue reminder) runs exactly once; a second scheduler refuses to start.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
import redis
import requests

from tests.conftest import PG_URL, REDIS_URL, _reset_pg
from tests.livehelpers import PASSWORD, ROOT, RawSocket, cookie_header, free_port

pytestmark = [pytest.mark.live, pytest.mark.slow, pytest.mark.pg, pytest.mark.redis]

NGINX = "/usr/sbin/nginx"


def _wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited: {log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer: {log.read_text()[-3000:]}")


def render_nginx(work: Path, listen: str, backends: list[int]) -> Path:
    """deploy's site template, wrapped in a minimal main config that runs unprivileged in `work`."""
    site = (ROOT / "deploy" / "nginx" / "krisrum.conf.template").read_text()
    site = (
        site.replace("@LISTEN@", listen)
        .replace("@SERVER_NAME@", "localhost")
        .replace("@BACKENDS@", "\n".join(f"    server 127.0.0.1:{p};" for p in backends))
    )
    (work / "krisrum.conf").write_text(site)
    for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (work / d).mkdir(exist_ok=True)
    main = f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/krisrum.conf;
}}
"""
    (work / "nginx.conf").write_text(main)
    return work / "nginx.conf"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    if not os.path.exists(NGINX):
        pytest.skip(f"{NGINX} is not installed (apt-get install nginx)")
    redis.Redis.from_url(REDIS_URL).ping()
    work = tmp_path_factory.mktemp("deploy")
    _reset_pg(PG_URL)
    env = dict(os.environ)
    env.update(
        {
            "CRISIS_DATABASE_URL": PG_URL,
            "CRISIS_MESSAGE_QUEUE": REDIS_URL,
            "CRISIS_SCHEDULER": "off",
            "CRISIS_SECRET_KEY": "deploy-test-secret-0123456789abcdef",
            "CRISIS_PROXY_COUNT": "1",
            "CRISIS_DEMO": "off",
            "CRISIS_TESTING": "off",
            "CRISIS_ASSETS": "local",
            "CRISIS_MAIL_DRY_RUN": "on",
            "CRISIS_LOGIN_RATE_LIMIT": "1000 per minute",
            "CRISIS_TILE_URL": "http://127.0.0.1:9/{z}/{x}/{y}.png",
        }
    )
    # krisrum-migrate.service, then users and bearer tokens for the test.
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "init-db"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    info_path = work / "info.json"
    subprocess.run(
        [sys.executable, str(ROOT / "tests" / "serve_app.py"), "0", str(info_path)],
        cwd=ROOT,
        env={**env, "KRISRUM_TEST_SETUP": "1"},
        check=True,
        capture_output=True,
    )
    info = json.loads(info_path.read_text())

    procs: list[subprocess.Popen] = []

    def start(args: list[str], name: str) -> tuple[subprocess.Popen, Path]:
        log = work / f"{name}.log"
        with open(log, "wb") as out:
            p = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(p)
        return p, log

    try:
        ports = [free_port(), free_port()]
        for i, port in enumerate(ports):  # krisrum-web@PORT
            p, log = start(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "deploy/gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "wsgi:app",
                ],
                f"web{i}",
            )
            _wait_http(f"http://127.0.0.1:{port}/healthz", p, log)
        sched, sched_log = start([sys.executable, "-m", "flask", "--app", "wsgi", "scheduler"], "scheduler")
        nport = free_port()
        conf = render_nginx(work, f"127.0.0.1:{nport}", ports)
        p, log = start([NGINX, "-p", str(work), "-c", str(conf), "-g", "daemon off;"], "nginx")
        _wait_http(f"http://127.0.0.1:{nport}/healthz", p, work / "nginx-error.log")
        yield {
            "public": f"http://127.0.0.1:{nport}",
            "backends": [f"http://127.0.0.1:{p}" for p in ports],
            "tokens": info["tokens"],
            "env": env,
            "scheduler": sched,
            "work": work,
        }
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(5)


def _api(d, role: str) -> requests.Session:
    s = requests.Session()
    s.headers.update({"Authorization": "Bearer " + d["tokens"][role], "Accept": "application/json"})
    return s


def _run_with_sockets(coro_factory):
    async def main():
        async with aiohttp.ClientSession() as http:
            return await coro_factory(http)

    return asyncio.run(main())


def _texts(sock: RawSocket) -> list[str]:
    return [e["data"].get("text") for e in sock.events if e.get("type") == "log.appended"]


def test_an_entry_written_on_one_process_reaches_clients_on_both_through_nginx(deployment):
    d = deployment
    inc = (
        _api(d, "duty_officer")
        .post(d["public"] + "/api/v1/incidents", json={"title": "Två processer", "kind": "test"})
        .json()
    )

    async def scenario(http: aiohttp.ClientSession) -> list[list[str]]:
        sockets = []
        login = requests.Session()
        login.post(
            d["public"] + "/api/v1/auth/login", json={"username": "observer", "password": PASSWORD}
        ).raise_for_status()
        cookie = cookie_header(login)
        for _ in range(4):  # one after the other: least_conn alternates the two processes
            s = RawSocket()
            assert await s.connect(http, d["public"], cookie, headers={"Origin": d["public"]}), s.refused
            ack = await s.call("join", {"incident": inc["id"], "since": inc["last_seq"]})
            assert ack["ok"], ack
            sockets.append(s)
        try:
            staff = _api(d, "staff")
            # Straight to process A, straight to process B, and through nginx.
            for base, text in (
                (d["backends"][0], "Via process A"),
                (d["backends"][1], "Via process B"),
                (d["public"], "Via nginx"),
            ):
                r = await asyncio.to_thread(
                    staff.post,
                    f"{base}/api/v1/incidents/{inc['id']}/log",
                    json={"text": text, "classification": "public"},
                )
                assert r.status_code == 201, r.text
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not all(len(_texts(s)) >= 3 for s in sockets):
                await asyncio.sleep(0.1)
            return [_texts(s) for s in sockets]
        finally:
            await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)

    got = _run_with_sockets(scenario)
    # Every client, on whichever process nginx put it, got the entries of both processes, in order.
    for texts in got:
        assert texts == ["Via process A", "Via process B", "Via nginx"]


def test_a_scheduled_reminder_fires_exactly_once_and_one_scheduler_runs(deployment):
    d = deployment
    inc = (
        _api(d, "duty_officer")
        .post(d["public"] + "/api/v1/incidents", json={"title": "Påminnelse", "kind": "test"})
        .json()
    )
    due = (datetime.now(UTC) + timedelta(seconds=3)).isoformat(timespec="seconds")
    # Created through process A; the reminder is the scheduler process's job.
    task = _api(d, "staff").post(
        f"{d['backends'][0]}/api/v1/incidents/{inc['id']}/tasks", json={"title": "Ring Elnätsbolaget", "due_at": due}
    )
    assert task.status_code == 201, task.text
    task_id = task.json()["id"]

    def reminders() -> list[str]:
        r = _api(d, "observer").get(f"{d['public']}/api/v1/incidents/{inc['id']}/log")
        r.raise_for_status()
        body = r.json()
        entries = body["items"] if isinstance(body, dict) else body
        return [e["text"] for e in entries if "försenad" in e["text"] and str(task_id) in e["text"]]

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not reminders():
        time.sleep(0.3)
    assert len(reminders()) == 1, "the reminder did not fire"
    time.sleep(6)  # several scheduler wake-ups later: still once
    assert len(reminders()) == 1

    # A second scheduler on the same database refuses to start.
    second = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler"],
        cwd=ROOT,
        env=d["env"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode != 0
    assert "lock" in (second.stdout + second.stderr).lower()
    assert d["scheduler"].poll() is None  # the first one still runs
