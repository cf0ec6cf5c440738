"""One log entry looks the same on every page: the workspace, the wall and the timeline all draw it
with the shared K.logEntry (struck through when corrected, the confidential marking, the decision)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

DESCRIBE = """el => {
  const one = sel => { const n = el.querySelector(sel); return n ? n.textContent : null; };
  const text = el.querySelector('.entry-text');
  return {
    number: el.dataset.number, kind_attr: el.dataset.kind, struck: el.classList.contains('struck'),
    text_tag: text.tagName, text: text.textContent, masked: text.classList.contains('entry-masked'),
    time: one('.entry-time'), kind: one('.kind'), conf: one('.conf-tag'), decision: one('.entry-decision'),
    author: one('.author'), refs: Array.from(el.querySelectorAll('.corr-ref')).map(n => n.textContent),
  };
}"""


def test_a_corrected_confidential_decision_is_drawn_alike_on_workspace_wall_and_timeline(live_server, browser_page):
    url = live_server.url
    r = live_server.api("duty_officer").post(
        url + "/api/v1/incidents", json={"title": "Skyfall i Kinna", "kind": "oversvamning", "level": "monitoring"}
    )
    incident_id = r.json()["id"]
    log = f"{url}/api/v1/incidents/{incident_id}/log"
    api = live_server.api("leader")
    r = api.post(
        log,
        json={
            "text": "Evakuera boende på Storgatan 4",
            "kind": "decision",
            "classification": "confidential",
            "osl_ground": "OSL 26 kap. 1 §",
            "decided_by": "KLN ordf.",
            "mandate": "Delegation 3.1",
        },
    )
    assert r.status_code == 201, r.text
    number = r.json()["number"]

    # The wall and the timeline are open when the correction comes: they strike it through live.
    wall = browser_page("leader", viewport=(1920, 1080))
    wall.goto(f"{url}/incidents/{incident_id}/wall")
    timeline = browser_page("leader")
    timeline.goto(f"{url}/incidents/{incident_id}/timeline")
    on_wall = wall.locator(f"#wall-log li.entry[data-number='{number}']")
    on_timeline = timeline.locator(f"#timeline li.entry[data-number='{number}']")
    expect(on_wall).to_be_visible()
    expect(on_timeline).to_be_visible()
    expect(on_timeline).not_to_have_class("entry struck tl-decision")

    r = api.post(f"{log}/{number}/correction", json={"text": "Evakuera boende på Storgatan 4 och 6"})
    assert r.status_code == 201, r.text
    correction = r.json()["number"]
    expect(on_wall).to_have_class("entry struck")
    expect(on_timeline).to_have_class("entry struck tl-decision")

    workspace = browser_page("leader")
    workspace.goto(f"{url}/incidents/{incident_id}")
    on_workspace = workspace.locator(f"#log-list li.entry[data-number='{number}']")
    expect(on_workspace).to_be_visible()

    seen = {
        name: loc.evaluate(DESCRIBE)
        for name, loc in (("workspace", on_workspace), ("wall", on_wall), ("timeline", on_timeline))
    }
    ws = seen["workspace"]
    assert ws["struck"] and ws["text_tag"] == "DEL" and ws["text"] == "Evakuera boende på Storgatan 4"
    assert ws["conf"] == "Sekretess K2 · OSL 26 kap. 1 §" and ws["decision"] == "KLN ordf. · Delegation 3.1"
    assert ws["kind"] == "Beslut" and ws["refs"] == [f"Rättad av post {correction}"]
    assert seen["timeline"] == ws  # the same entry, drawn the same
    # The shared screen draws it the same, but never shows confidential content: the text and the
    # decision are replaced by the placeholder; the marking and the correction stay.
    wall_view = seen["wall"]
    assert wall_view["masked"] and wall_view["text"].startswith("Sekretessbelagd post")
    assert wall_view["decision"] is None
    same = {k: v for k, v in ws.items() if k not in ("text", "masked", "decision")}
    assert {k: v for k, v in wall_view.items() if k in same} == same
    wall.wait_for_timeout(100)
    assert "Storgatan" not in wall.locator("#wall-log").inner_text()
