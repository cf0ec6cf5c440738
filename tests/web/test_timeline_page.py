"""The incident timeline page."""

from __future__ import annotations

from datetime import timedelta

from crisis.db import utcnow
from crisis.log import service as log


def test_entries_in_time_order_and_confidential_hidden_from_observer(login, incident, users):
    now = utcnow()
    log.append(actor=users["staff"], incident_id=incident.id, text="Sent inskriven men tidig händelse",
               occurred_at=now - timedelta(minutes=50))
    log.append(actor=users["staff"], incident_id=incident.id, text="Hemlig uppgift om skyddad person",
               classification="confidential", osl_ground="OSL 21 kap. 3 §")
    log.append(actor=users["leader"], incident_id=incident.id, text="Beslut om evakuering", kind="decision",
               decided_by="Krisledningsnämndens ordförande", mandate="Delegation 3.1")
    html = login("leader").get(f"/incidents/{incident.id}/timeline").get_data(as_text=True)
    early, opened, decision = (html.index("Sent inskriven men tidig"), html.index('data-number="1"'),
                               html.index("Beslut om evakuering"))
    assert early < opened < decision  # by occurred_at, not by number
    assert "Hemlig uppgift" in html and 'class="tl-decision"' in html
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
