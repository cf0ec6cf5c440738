"""The incident timeline page (the latest hour) and its feed (earlier hours, page by page)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape

from crisis.db import utcnow
from crisis.log import service as log
from crisis.timeline.service import hour_start

API = "/api/v1/incidents/{}/timeline"


def _items(html):
    """The entries the page brings for its script (data-items on #timeline)."""
    raw = re.search(r"data-items='([^']*)'", html).group(1)
    return json.loads(unescape(raw))


def test_latest_hour_in_time_order_and_confidential_hidden_from_observer(login, incident, users):
    start = hour_start(utcnow())
    log.append(
        actor=users["staff"], incident_id=incident.id, text="Sent inskriven men tidig händelse", occurred_at=start
    )
    log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Hemlig uppgift om skyddad person",
        classification="confidential",
        osl_ground="OSL 21 kap. 3 §",
    )
    log.append(
        actor=users["leader"],
        incident_id=incident.id,
        text="Beslut om evakuering",
        kind="decision",
        decided_by="Krisledningsnämndens ordförande",
        mandate="Delegation 3.1",
    )
    html = login("leader").get(f"/incidents/{incident.id}/timeline").get_data(as_text=True)
    items = _items(html)  # the page script renders them (K.logEntry)
    assert [e["number"] for e in items] == [2, 1, 3, 4]  # by occurred_at, not by number
    assert items[2]["text"].startswith("Hemlig uppgift") and items[-1]["kind"] == "decision"
    assert "Tidslinje" in html

    obs = login("observer").get(f"/incidents/{incident.id}/timeline")
    assert obs.status_code == 200
    page = obs.get_data(as_text=True)
    assert "Hemlig uppgift" not in page and "Beslut om evakuering" in page

    only = login("observer").get(f"/incidents/{incident.id}/timeline?decisions=1").get_data(as_text=True)
    assert "Beslut om evakuering" in only and "Sent inskriven" not in only


def test_timeline_needs_login_and_an_incident(app, login):
    assert app.test_client().get("/incidents/1/timeline").status_code in (302, 401)
    assert login("observer").get("/incidents/999/timeline").status_code == 404
    assert app.test_client().get(API.format(1)).status_code == 401
    assert login("observer").get(API.format(999)).status_code == 404


def _walk(client, incident_id, **params):
    """Every page of the feed, following `next`."""
    pages, query = [], dict(params)
    while True:
        resp = client.get(API.format(incident_id), query_string=query)
        assert resp.status_code == 200, resp.get_json()
        page = resp.get_json()
        pages.append(page)
        if page["next"] is None:
            return pages
        query = dict(params, **page["next"])


def test_page_shows_the_latest_hour_and_the_feed_walks_back_hour_by_hour(login, incident, users):
    start = hour_start(utcnow())
    for hours_back, text in ((5, "Fem timmar sedan"), (3, "Tre timmar sedan"), (3, "Också tre timmar sedan")):
        log.append(
            actor=users["staff"],
            incident_id=incident.id,
            text=text,
            occurred_at=start - timedelta(hours=hours_back) + timedelta(minutes=10),
        )
    log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Hemligt för tre timmar sedan",
        occurred_at=start - timedelta(hours=3, minutes=-20),
        classification="confidential",
        osl_ground="OSL 21 kap. 3 §",
    )
    html = login("staff").get(f"/incidents/{incident.id}/timeline").get_data(as_text=True)
    assert "Fem timmar sedan" not in html and "Tre timmar sedan" not in html  # not the whole log
    assert 'id="timeline-earlier"' in html and "5 poster" in html  # the count covers the whole log
    assert 'data-before="' in html and 'data-before=""' not in html

    staff_pages = _walk(login("staff"), incident.id)
    assert [len(p["items"]) for p in staff_pages] == [1, 3, 1]  # the latest hour, then earlier ones
    assert [e["text"] for e in staff_pages[1]["items"]] == [
        "Tre timmar sedan",
        "Också tre timmar sedan",
        "Hemligt för tre timmar sedan",
    ]
    assert staff_pages[2]["items"][0]["text"] == "Fem timmar sedan"
    assert staff_pages[0]["hour"] > staff_pages[1]["hour"] > staff_pages[2]["hour"]

    obs_pages = _walk(login("observer"), incident.id)
    texts = [e["text"] for p in obs_pages for e in p["items"]]
    assert "Hemligt för tre timmar sedan" not in texts and len(texts) == 4


def test_a_busy_hour_continues_on_the_next_page_and_nothing_is_lost(login, incident, users):
    start = hour_start(utcnow())
    for i in range(7):
        log.append(actor=users["staff"], incident_id=incident.id, text=f"Post {i}", occurred_at=start)
    pages = _walk(login("staff"), incident.id, limit=3)
    numbers = [e["number"] for p in pages for e in p["items"]]
    assert sorted(numbers) == list(range(1, 9)) and len(numbers) == 8  # no entry twice, none missing
    assert all(len(p["items"]) <= 3 for p in pages)


def test_bad_cursor_is_a_clear_422(login, incident):
    client = login("staff")
    for query in ({"before": "igår"}, {"before": "2026-01-01T10:00:00"}, {"limit": 0}, {"limit": 5000}):
        resp = client.get(API.format(incident.id), query_string=query)
        assert resp.status_code == 422, query
        assert resp.get_json()["error"]["code"]
