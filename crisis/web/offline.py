"""Working through a network drop: the service worker and what a device may keep.

The service worker (static/js/sw.js, served at /sw.js so that its scope is the
whole site) keeps the app shell (CSS, JS, vendor files) and the workspace pages
a user opened, so that an incident's page opens read-only while the server
cannot be reached. The page itself keeps the incident's last known state and
the log entries written offline in localStorage (static/js/offline.js).

What a device may keep:
- A page is cached only when its response carries `X-Krisrum-Offline: keep`,
  which the workspace sets only for a user who writes the log (never an
  observer, and never the wall or another shared screen).
- Confidential log entries are never written to the device at all.
- Logout (and "log out everywhere") answers with `Clear-Site-Data`, and the
  page's script clears Cache Storage and Krisrum's localStorage too.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app

from crisis.auth.permissions import Perm, has_perm

OFFLINE_HEADER = "X-Krisrum-Offline"
CLEAR_SITE_DATA = '"cache", "storage"'


def may_keep_offline(user: Any) -> bool:
    """Whether this user's device may keep an incident's page and last known state."""
    return bool(user is not None and user.is_authenticated and has_perm(user, Perm.WRITE_LOG))


def service_worker() -> Response:
    """The service worker script: root scope, never cached by the browser's HTTP cache."""
    path = current_app.static_folder + "/js/sw.js"  # type: ignore[operator]
    with open(path, encoding="utf-8") as fh:
        body = fh.read()
    resp = Response(body, mimetype="text/javascript")
    resp.headers["Service-Worker-Allowed"] = "/"
    resp.headers["Cache-Control"] = "no-cache, no-store, must-revalidate"
    return resp


def clear_site_data(resp: Response) -> Response:
    """Tell the browser to drop what this site kept (Cache Storage, localStorage, IndexedDB)."""
    resp.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return resp
