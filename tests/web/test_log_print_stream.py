"""The printable log streams and states at its end whether the hash chain verified."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crisis.extensions import db
from crisis.log import service as log
from crisis.log.models import LogEntry
from tests.service.test_log_service import _drop_guard

OK = "Hashkedjan är verifierad."
BAD = "VARNING: hashkedjan kunde inte verifieras."


def _page(login, role, incident_id, masked=False):
    resp = login(role).get(f"/incidents/{incident_id}/log/print" + ("?masked=1" if masked else ""))
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_intact_chain_and_last_visible_hash(login, incident, users):
    log.append(actor=users["staff"], incident_id=incident.id, text="Öppen post")
    secret = log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Skyddad adress",
        classification="confidential",
        osl_ground="OSL 21 kap. 3 §",
    )
    html = _page(login, "observer", incident.id)
    assert OK in html and BAD not in html and "Skyddad adress" not in html
    assert secret.hash not in html  # the footer names the last entry the reader got
    staff = _page(login, "staff", incident.id)
    assert "Skyddad adress" in staff and f"<code>{secret.hash}</code>" in staff
    masked = _page(login, "observer", incident.id, masked=True)
    assert "Skyddad adress" not in masked and "Sekretess enligt" in masked and OK in masked


@pytest.mark.parametrize("how", ["altered", "removed"])
def test_a_broken_chain_is_reported_even_when_the_break_is_hidden_from_the_reader(login, incident, users, how):
    for i in range(3):
        log.append(actor=users["staff"], incident_id=incident.id, text=f"Post {i}")
    log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Skyddad",
        classification="confidential",
        osl_ground="OSL 21 kap. 3 §",
    )
    log.append(actor=users["staff"], incident_id=incident.id, text="Sista")
    _drop_guard()
    where = sa.and_(LogEntry.incident_id == incident.id, LogEntry.number == 5)  # the confidential one
    if how == "altered":
        db.session.execute(sa.update(LogEntry).where(where).values(text="Efterhandsändrad"))
    else:
        db.session.execute(sa.delete(LogEntry).where(where))
    db.session.commit()
    for role in ("observer", "staff"):
        html = _page(login, role, incident.id)
        assert BAD in html and OK not in html, role
