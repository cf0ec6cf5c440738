"""The production entry point: `python -m crisis.server` migrates and serves,
under gevent, and never seeds demo data or prints demo passwords."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import requests

from tests.livehelpers import ROOT, free_port, process_threads

pytestmark = [pytest.mark.live, pytest.mark.slow]


def test_a_production_start_on_an_empty_database_creates_no_demo_users(tmp_path):
    port = free_port()
    db = tmp_path / "prod.sqlite3"
    env = dict(os.environ)
    env.update(
        {
            "CRISIS_DATABASE_URL": f"sqlite:///{db}",
            "CRISIS_SECRET_KEY": "a-production-secret-0123456789",
            "CRISIS_PORT": str(port),
            "CRISIS_HOST": "127.0.0.1",
            "CRISIS_SCHEDULER": "off",
            "CRISIS_DEMO": "off",
            "CRISIS_TESTING": "off",
            "CRISIS_MESSAGE_QUEUE": "",
        }
    )
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crisis.server"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            assert proc.poll() is None, log.read_text()
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            pytest.fail("server did not start: " + log.read_text())
        threads = process_threads(proc.pid)
        # Login page served, i.e. the app is up (and not a demo).
        assert requests.get(f"http://127.0.0.1:{port}/login", timeout=10).status_code == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)
    text = log.read_text()
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "alembic_version" in tables  # migrated
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM incidents").fetchone()[0] == 0
    assert "Demo" not in text and "password" not in text.lower().replace("--password", "")
    assert "create-user" in text  # tells how to make the first administrator
    assert "Traceback" not in text, text
    # The gevent worker: a few OS threads, not a pool of hundreds.
    assert threads < 30, threads


def test_capacity_settings_are_configuration_and_checked(monkeypatch):
    from crisis.config import ConfigError, load_config

    monkeypatch.setenv("CRISIS_SECRET_KEY", "a-production-secret-0123456789")
    monkeypatch.setenv("CRISIS_DATABASE_URL", "postgresql://u@127.0.0.1/x")
    monkeypatch.setenv("CRISIS_WORKER_CONNECTIONS", "300")
    monkeypatch.setenv("CRISIS_MAX_SOCKETS", "250")
    monkeypatch.setenv("CRISIS_DB_POOL_SIZE", "7")
    cfg = load_config()
    assert (cfg["CRISIS_WORKER_CONNECTIONS"], cfg["CRISIS_MAX_SOCKETS"]) == (300, 250)
    assert cfg["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 7
    # Sockets may not take every connection: HTTP must keep a share.
    monkeypatch.setenv("CRISIS_MAX_SOCKETS", "300")
    with pytest.raises(ConfigError, match="CRISIS_MAX_SOCKETS"):
        load_config()
    monkeypatch.setenv("CRISIS_MAX_SOCKETS", "many")
    with pytest.raises(ConfigError, match="CRISIS_MAX_SOCKETS"):
        load_config()
