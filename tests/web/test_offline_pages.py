"""Offline support on the server side (crisis/web/offline.py): the service worker script, which pages a
device may keep, and logout clearing what the device kept."""

from __future__ import annotations


def test_service_worker_is_served_at_root_scope_uncached_and_public(app):
    resp = app.test_client().get("/sw.js")
    assert resp.status_code == 200
    assert resp.mimetype == "text/javascript"
    assert resp.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in resp.headers["Cache-Control"]
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    body = resp.get_data(as_text=True)
    assert 'addEventListener("fetch"' in body
    assert "X-Krisrum-Offline" in body


def test_the_workspace_may_be_kept_by_staff_never_by_an_observer(login, incident):
    staff = login("staff").get(f"/incidents/{incident.id}")
    assert staff.status_code == 200
    assert staff.headers.get("X-Krisrum-Offline") == "keep"
    assert 'data-offline-copy="true"' in staff.get_data(as_text=True)
    observer = login("observer").get(f"/incidents/{incident.id}")
    assert observer.status_code == 200
    assert "X-Krisrum-Offline" not in observer.headers
    assert 'data-offline-copy="false"' in observer.get_data(as_text=True)


def test_the_wall_is_never_kept(login, incident):
    resp = login("staff").get(f"/incidents/{incident.id}/wall")
    assert resp.status_code == 200
    assert "X-Krisrum-Offline" not in resp.headers


def test_logout_clears_the_devices_cache_and_storage(login):
    resp = login("staff").post("/logout")
    assert resp.status_code == 302
    assert resp.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_logout_everywhere_clears_the_devices_cache_and_storage(login):
    resp = login("staff").post("/account/logout-everywhere")
    assert resp.status_code == 302
    assert resp.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_every_page_loads_the_offline_script(login):
    page = login("staff").get("/").get_data(as_text=True)
    assert "/static/js/offline.js" in page
