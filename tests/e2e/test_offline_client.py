"""Working through a network drop (issue 16): the workspace keeps working offline, its log entries wait on
the device and are sent exactly once, in order, with the time they were written; nothing confidential is
kept, and logout empties the device."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.service_workers]

DEVICE_DUMP = """
async () => {
  const out = {local: {}, caches: {}, idb: []};
  for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i); out.local[k] = localStorage.getItem(k); }
  for (const name of await caches.keys()) {
    const c = await caches.open(name);
    for (const req of await c.keys()) { out.caches[req.url] = await (await c.match(req)).text(); }
  }
  if (indexedDB.databases) out.idb = (await indexedDB.databases()).map(d => d.name);
  return out;
}
"""

STATE_HAS = (
    "() => Object.keys(localStorage).some(k => k.startsWith('krisrum:state:') && localStorage[k].includes('TEXT'))"
)
KEPT = "async () => !!navigator.serviceWorker.controller && !!(await caches.match(location.pathname))"


def _incident(live_server: Any, title: str) -> int:
    r = live_server.api("duty_officer").post(
        live_server.url + "/api/v1/incidents", json={"title": title, "kind": "elavbrott", "level": "monitoring"}
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _post(live_server: Any, incident_id: int, **body: Any) -> dict[str, Any]:
    r = live_server.api("leader").post(f"{live_server.url}/api/v1/incidents/{incident_id}/log", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _poll(page: Any, script: str, timeout_ms: int = 30_000) -> Any:
    waited = 0
    while waited < timeout_ms:
        value = page.evaluate(script)
        if value:
            return value
        page.wait_for_timeout(250)
        waited += 250
    raise AssertionError(f"never true: {script}")


def _open_kept(browser_page: Any, live_server: Any, incident_id: int, role: str = "staff") -> Any:
    """The workspace, once the service worker controls it and keeps the page."""
    page = browser_page(role)
    page.goto(f"{live_server.url}/incidents/{incident_id}")
    expect(page.locator("#log-list .entry").first).to_be_visible(timeout=15_000)
    page.reload()  # the second load comes through the service worker
    expect(page.locator("#log-list .entry").first).to_be_visible(timeout=15_000)
    _poll(page, KEPT)
    return page


def _write_three(page: Any, prefix: str) -> list[dict[str, Any]]:
    for i in (1, 2, 3):
        page.fill("#entry-text", f"{prefix} {i}")
        page.press("#entry-text", "Enter")
        expect(page.locator("#log-list .entry.queued")).to_have_count(i)
        page.wait_for_timeout(1100)  # three distinct times of writing
    queue = page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('krisrum:queue:')).map(k => JSON.parse(localStorage[k]))"
    )
    assert len(queue) == 1 and [q["body"]["text"] for q in queue[0]] == [f"{prefix} {i}" for i in (1, 2, 3)]
    return list(queue[0])


def _assert_sent_once_in_order(page: Any, live_server: Any, incident_id: int, queued: list[dict[str, Any]]) -> None:
    texts = [q["body"]["text"] for q in queued]
    for text in texts:
        expect(page.locator("#log-list .entry:not(.queued)", has_text=text)).to_have_count(1, timeout=30_000)
    expect(page.locator("#log-list .entry.queued")).to_have_count(0, timeout=15_000)
    expect(page.locator("#offline-banner")).to_be_hidden(timeout=15_000)
    items = live_server.api("leader").get(f"{live_server.url}/api/v1/incidents/{incident_id}/log?limit=500").json()
    mine = sorted((e for e in items["items"] if e["text"] in texts), key=lambda e: e["number"])
    assert [e["text"] for e in mine] == texts  # each once, numbered by the server in the order written
    for entry, q in zip(mine, queued, strict=True):
        assert datetime.fromisoformat(entry["occurred_at"]) == datetime.fromisoformat(
            q["written_at"].replace("Z", "+00:00")
        ), (entry, q)
        assert entry["author"]  # written by the staff member, not the system
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('krisrum:queue:')).length") == 0


def _offline(ctx: Any) -> None:
    ctx.set_offline(True)


def test_three_entries_written_offline_survive_a_reload_and_are_sent_once_in_order(live_server, browser_page):
    incident_id = _incident(live_server, "Nätavbrott i staben")
    _post(live_server, incident_id, text="Läget före avbrottet")
    page = _open_kept(browser_page, live_server, incident_id)
    expect(page.locator("#log-list .entry", has_text="Läget före avbrottet")).to_be_visible()
    _poll(page, STATE_HAS.replace("TEXT", "Läget före avbrottet"))  # the last known state is kept
    ctx = page.context
    _offline(ctx)
    queued = _write_three(page, "OFFLINE-POST")

    page.reload()  # the service worker serves the kept page; the kept state and the queue are shown
    expect(page.locator("#offline-banner")).to_be_visible(timeout=15_000)
    expect(page.locator("#offline-banner")).to_contain_text("Offline – senast uppdaterad")
    expect(page.locator("#log-list .entry.queued")).to_have_count(3)
    for q in queued:
        expect(page.locator("#log-list .entry.queued", has_text=q["body"]["text"])).to_contain_text("ej skickad")
    expect(page.locator("#log-list .entry:not(.queued)", has_text="Läget före avbrottet")).to_be_visible()

    ctx.set_offline(False)
    _assert_sent_once_in_order(page, live_server, incident_id, queued)


def test_entries_written_offline_are_sent_once_after_a_server_restart(live_server, browser_page):
    incident_id = _incident(live_server, "Servern startas om")
    page = _open_kept(browser_page, live_server, incident_id)
    _poll(page, STATE_HAS.replace("TEXT", "saved_at"))
    ctx = page.context
    _offline(ctx)
    queued = _write_three(page, "OMSTART-POST")
    live_server.stop()
    try:
        page.reload()  # no server at all: only the service worker's copy can answer
        expect(page.locator("#offline-banner")).to_be_visible(timeout=15_000)
        expect(page.locator("#log-list .entry.queued")).to_have_count(3)
        for q in queued:
            expect(page.locator("#log-list .entry.queued", has_text=q["body"]["text"])).to_contain_text("ej skickad")
    finally:
        live_server.setup = False
        live_server.start(timeout=90)
    # A token the server no longer accepts (as after a restart with a new session): refreshed, then sent.
    page.evaluate("() => document.querySelector('meta[name=csrf-token]').setAttribute('content', 'stale-token')")
    ctx.set_offline(False)
    _assert_sent_once_in_order(page, live_server, incident_id, queued)


def test_an_entry_whose_answer_was_lost_is_saved_once(live_server, browser_page):
    incident_id = _incident(live_server, "Svaret försvann")
    page = _open_kept(browser_page, live_server, incident_id)
    lost: list[str] = []

    def lose_the_answer(route: Any) -> None:
        if route.request.method == "POST" and not lost:
            route.fetch()  # the server receives and saves it ...
            lost.append(route.request.headers.get("idempotency-key", ""))
            route.abort("connectionreset")  # ... and the answer never arrives
        else:
            route.fallback()

    page.route("**/api/v1/incidents/*/log", lose_the_answer)
    page.fill("#entry-text", "SVARET-FÖRLORAT")
    page.press("#entry-text", "Enter")
    for _ in range(120):
        if lost:
            break
        page.wait_for_timeout(250)
    assert lost and lost[0], "the entry was not sent with an Idempotency-Key"
    expect(page.locator("#log-list .entry:not(.queued)", has_text="SVARET-FÖRLORAT")).to_have_count(1, timeout=30_000)
    expect(page.locator("#log-list .entry.queued")).to_have_count(0, timeout=15_000)
    items = live_server.api("leader").get(f"{live_server.url}/api/v1/incidents/{incident_id}/log?limit=500").json()
    assert [e["text"] for e in items["items"]].count("SVARET-FÖRLORAT") == 1


def test_a_refused_entry_stays_visible_as_failed(live_server, browser_page):
    incident_id = _incident(live_server, "Avvisad post")
    page = _open_kept(browser_page, live_server, incident_id)
    ctx = page.context
    _offline(ctx)
    page.fill("#entry-text", "AVVISAS-AV-SERVERN")
    page.press("#entry-text", "Enter")
    expect(page.locator("#log-list .entry.queued")).to_have_count(1)
    # The incident closes meanwhile (elsewhere): the server refuses the entry with a 4xx.
    # The refusal is in place before the network returns: going online fires the browser's own
    # "online" event, and a queue sent before the route existed would reach the real server.
    page.route(
        "**/api/v1/incidents/*/log",
        lambda route: (
            route.fulfill(
                status=409,
                content_type="application/json",
                body='{"error": {"code": "incident_closed", "message": "Händelsen är avslutad."}}',
            )
            if route.request.method == "POST"
            else route.fallback()
        ),
    )
    ctx.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    failed = page.locator("#log-list .entry.queued.failed", has_text="AVVISAS-AV-SERVERN")
    expect(failed).to_be_visible(timeout=30_000)
    expect(failed).to_contain_text("Händelsen är avslutad.")
    page.reload()
    expect(page.locator("#log-list .entry.queued.failed", has_text="AVVISAS-AV-SERVERN")).to_be_visible(timeout=15_000)


def _device(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(DEVICE_DUMP))


def test_no_confidential_entry_is_kept_and_logout_empties_the_device(live_server, browser_page):
    incident_id = _incident(live_server, "Sekretess på enheten")
    _post(live_server, incident_id, text="Vanlig lägesinformation", classification="internal")
    _post(
        live_server,
        incident_id,
        text="HEMLIG-UPPGIFT om enskild",
        classification="confidential",
        confidentiality="K3",
        osl_ground="26 kap. 1 § OSL",
    )
    # Staff see the confidential entry, and the device keeps the rest of the log, but never that entry.
    staff = _open_kept(browser_page, live_server, incident_id)
    expect(staff.locator("#log-list .entry", has_text="HEMLIG-UPPGIFT")).to_be_visible()
    _poll(staff, "() => Object.keys(localStorage).some(k => k.startsWith('krisrum:state:'))")
    kept = _device(staff)
    everything = " ".join(list(kept["local"].values()) + list(kept["caches"].values()))
    assert "Vanlig lägesinformation" in everything
    assert "HEMLIG-UPPGIFT" not in everything
    assert not [n for n in kept["idb"] if n and "krisrum" in n.lower()]

    # An observer's device keeps no page and no state of the incident at all.
    observer = browser_page("observer")
    observer.goto(f"{live_server.url}/incidents/{incident_id}")
    expect(observer.locator("#log-list .entry", has_text="Vanlig lägesinformation")).to_be_visible(timeout=15_000)
    observer.reload()
    expect(observer.locator("#log-list .entry", has_text="Vanlig lägesinformation")).to_be_visible(timeout=15_000)
    _poll(observer, "() => !!navigator.serviceWorker.controller")
    observer.wait_for_timeout(1000)
    seen = _device(observer)
    assert not [k for k in seen["local"] if k.startswith(("krisrum:state:", "krisrum:queue:"))], seen["local"]
    assert not [u for u in seen["caches"] if f"/incidents/{incident_id}" in u], list(seen["caches"])
    assert "HEMLIG-UPPGIFT" not in " ".join(list(seen["local"].values()) + list(seen["caches"].values()))

    # Logout empties the device: Cache Storage and Krisrum's storage.
    for page in (staff, observer):
        page.locator("form[action$='/logout'] button").click()
        page.wait_for_url("**/login")
        after = _poll(
            page,
            f"async () => {{ const d = await ({DEVICE_DUMP})(); return Object.keys(d.caches).length === 0 && d; }}",
        )
        assert not [k for k in after["local"] if k.startswith("krisrum:")]


def test_logout_warns_about_entries_not_yet_sent(live_server, browser_page):
    incident_id = _incident(live_server, "Utloggning med kö")
    page = _open_kept(browser_page, live_server, incident_id)
    page.context.set_offline(True)
    page.fill("#entry-text", "VÄNTAR-PÅ-ENHETEN")
    page.press("#entry-text", "Enter")
    expect(page.locator("#log-list .entry.queued")).to_have_count(1)
    # The network stays unusable for the entry: routed away before the browser sees it return.
    page.route(
        "**/api/v1/incidents/*/log", lambda route: route.abort() if route.request.method == "POST" else route.fallback()
    )
    page.context.set_offline(False)
    page.locator("form[action$='/logout'] button").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("1 dagboksposter")
    dialog.get_by_role("button", name="Avbryt").click()
    assert "/login" not in page.url
    expect(page.locator("#log-list .entry.queued", has_text="VÄNTAR-PÅ-ENHETEN")).to_be_visible()
    page.locator("form[action$='/logout'] button").click()
    page.locator("dialog[open]").get_by_role("button", name="Logga ut och radera dem").click()
    page.wait_for_url("**/login")
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('krisrum:')).length") == 0


def test_nothing_is_kept_again_once_logout_has_cleared_the_device(live_server, browser_page):
    # Between clearing and the next page, the departing page may still save its state (a timer) or
    # rewrite its queue (a send that failed): none of that may outlive the logout.
    incident_id = _incident(live_server, "Sparat efter utloggning")
    page = browser_page("staff")
    page.goto(f"{live_server.url}/incidents/{incident_id}")
    kept = page.evaluate(
        """async id => {
            const K = window.Krisrum, me = document.body.dataset.user;
            const item = {key: "k1", body: {text: "x", kind: "note"}, written_at: new Date().toISOString(), state: "queued"};
            const before = K.offline.setQueue(me, id, [item]);
            await K.offline.clearAll();
            const after = [K.offline.saveState(me, id, {entries: []}), K.offline.setQueue(me, id, [item])];
            return {before, after, left: Object.keys(localStorage).filter(k => k.startsWith("krisrum:"))};
        }""",
        incident_id,
    )
    assert kept == {"before": True, "after": [False, False], "left": []}


def test_logout_everywhere_empties_the_device(live_server, browser_page):
    incident_id = _incident(live_server, "Utloggning överallt")
    page = _open_kept(browser_page, live_server, incident_id)
    _poll(page, "() => Object.keys(localStorage).some(k => k.startsWith('krisrum:state:'))")
    page.goto(f"{live_server.url}/account")
    page.locator("form[action$='/account/logout-everywhere'] button").click()
    page.locator("dialog[open]").get_by_role("button", name="Logga ut överallt").click()
    page.wait_for_url("**/login")
    after = _poll(
        page, f"async () => {{ const d = await ({DEVICE_DUMP})(); return Object.keys(d.caches).length === 0 && d; }}"
    )
    assert not [k for k in after["local"] if k.startswith("krisrum:")], after["local"]


def test_another_users_kept_pages_go_when_a_new_user_signs_in_here(live_server, browser_page):
    incident_id = _incident(live_server, "Byte av användare")
    page = _open_kept(browser_page, live_server, incident_id)
    assert page.evaluate("() => localStorage.getItem('krisrum:user')") == '"staff"'
    # As if "leader" had used this browser before, and their session had ended elsewhere.
    page.evaluate(
        """async () => {
          localStorage.setItem('krisrum:user', '"leader"');
          localStorage.setItem('krisrum:state:leader:1', JSON.stringify({entries: [{text: 'LEDARENS-LÄGE'}]}));
          await (await caches.open('krisrum-offline-v1')).put('/incidents/999999', new Response('LEDARENS-SIDA'));
        }"""
    )
    page.reload()
    _poll(
        page,
        "async () => !(await caches.match('/incidents/999999')) && !localStorage.getItem('krisrum:state:leader:1')",
    )
    assert page.evaluate("() => localStorage.getItem('krisrum:user')") == '"staff"'


def test_a_confidential_entry_written_offline_is_never_kept_on_the_device(live_server, browser_page):
    incident_id = _incident(live_server, "Sekretess utan anslutning")
    page = _open_kept(browser_page, live_server, incident_id)
    page.context.set_offline(True)
    page.select_option("#entry-class", "confidential")
    page.fill("#entry-text", "HEMLIGT-OFFLINE")
    page.press("#entry-text", "Enter")
    expect(page.locator("#entry-error")).to_contain_text("sekretess sparas aldrig på enheten")
    expect(page.locator("#entry-text")).to_have_value("HEMLIGT-OFFLINE")  # kept in the box, not lost
    expect(page.locator("#log-list .entry.queued")).to_have_count(0)
    kept = _device(page)
    assert "HEMLIGT-OFFLINE" not in " ".join(list(kept["local"].values()) + list(kept["caches"].values()))
    page.context.set_offline(False)
