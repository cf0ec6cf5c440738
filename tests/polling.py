"""Waiting for something a background thread (the scheduler) or a browser page does."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_for(
    pred: Callable[[], bool],
    timeout: float = 10.0,
    interval: float = 0.05,
    sleep: Callable[[float], Any] = time.sleep,
) -> bool:
    """Poll `pred` until it holds or `timeout` seconds pass; the last answer is returned."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        sleep(interval)
    return pred()


def wait_in_page(page: Any, pred: Callable[[], bool], timeout: float = 15.0) -> bool:
    """wait_for while a Playwright page waits, so that its route handlers run meanwhile (a
    time.sleep would block them)."""
    return wait_for(pred, timeout, 0.1, sleep=lambda s: page.wait_for_timeout(s * 1000))
