"""Sending after commit, off the request: the mail outbox and the SMS outbox each queue their
rows in the transaction and hand the ids to a `Deliveries`, which starts a thread (a greenlet
under gevent) once the transaction has committed. Each delivery has its own app context and
session; an error is logged, never raised into the request that queued it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from crisis import aftercommit
from crisis.extensions import db


class Deliveries:
    def __init__(self, name: str, process: Callable[[list[int]], Any], log: logging.Logger) -> None:
        self._name = name
        self._process = process
        self._log = log
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def after_commit(self, ids: list[int]) -> None:
        """Deliver these rows once the current transaction commits (nothing on rollback)."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        aftercommit.after_commit(self._start, app, list(ids))

    def _start(self, app: Flask, ids: list[int]) -> None:
        thread = threading.Thread(target=self.deliver, args=(app, ids), name=self._name, daemon=True)
        with self._lock:
            self._threads[:] = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def wait(self, timeout: float) -> None:
        """Wait until every delivery started so far has finished (tests, shutdown)."""
        with self._lock:
            pending = list(self._threads)
        for thread in pending:
            thread.join(timeout)

    def deliver(self, app: Flask, ids: list[int]) -> None:
        with app.app_context():
            try:
                self._process(ids)
            except Exception:
                self._log.exception("%s of %r failed", self._name, ids)
            finally:
                db.session.remove()
