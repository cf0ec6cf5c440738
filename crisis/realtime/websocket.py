"""Whole WebSocket frames: every send writes all its bytes, one send at a time.

simple-websocket 1.1.0 (the WebSocket server python-engineio uses here)
writes each frame with a single `socket.send()`, which may write only part
of it when the kernel's send buffer is full: a long burst to one screen (a
join's replay, a slow laptop on a weak link) then leaves a truncated frame in
the stream and the browser sees garbage ("Invalid UTF-8", lost events).
Under gevent the rest of a frame can also interleave with another greenlet's
frame once the write is split. Upstream knows the bug (simple-websocket
issue 45) but no release fixes it yet.

`install()` wraps the socket of every server-side connection so that `send`
is `sendall` under a per-connection lock. The lock is created per connection,
after gevent's monkey-patching, so under gevent it is a cooperative lock.
"""

from __future__ import annotations

import threading
from typing import Any

_installed = False


class WholeSends:
    """A socket whose `send` writes every byte (and says so), one caller at a time."""

    __slots__ = ("_sock", "_lock")

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self._lock = threading.Lock()

    def send(self, data: bytes, *flags: int) -> int:
        with self._lock:
            self._sock.sendall(data, *flags)
        return len(data)

    def sendall(self, data: bytes, *flags: int) -> None:
        with self._lock:
            self._sock.sendall(data, *flags)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def install() -> None:
    """Make simple-websocket's server connections send whole frames (idempotent)."""
    global _installed
    if _installed:
        return
    from simple_websocket import ws

    original = ws.Base.__init__

    def __init__(self: Any, sock: Any = None, *args: Any, **kwargs: Any) -> None:
        if sock is not None and not isinstance(sock, WholeSends):
            sock = WholeSends(sock)
        original(self, sock, *args, **kwargs)

    ws.Base.__init__ = __init__  # type: ignore[method-assign]
    _installed = True
