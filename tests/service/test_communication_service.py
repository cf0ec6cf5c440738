"""Crisis communication in the service layer: the demo (a published message naming an open trygghetspunkt,
a VMA request), the lägesrapport sentences, the wall's latest message per channel, and the settings."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa


def test_demo_and_report_sentences(app: Any) -> None:
    from crisis import seed
    from crisis.extensions import db
    from crisis.incidents.models import Incident
    from crisis.messages import service as messages
    from crisis.points import service as points
    from crisis.reports.demo import DEMO_INCIDENT_TITLE

    assert seed.seed_demo() is True
    iid = db.session.scalar(sa.select(Incident.id).where(Incident.title == DEMO_INCIDENT_TITLE))
    latest = messages.latest_per_channel(incident_id=iid)
    assert [x["channel"] for x in latest] == ["web", "social_media"]
    assert latest[0]["message"]["points"][0]["name"] == "Kinnaborgs bibliotek"
    assert messages.vma_status_text(iid).startswith("VMA begärt hos Länsstyrelsen")
    text = points.open_points_text(iid)
    assert "Trygghetspunkt Kinnaborgs bibliotek (Kinnaborg, Kinna, 08–20)." in text
    assert "Skene torg" not in text  # planned, not open
    assert "dialys" not in text.lower()  # confidential never in the report sentence


def test_report_sentences_when_nothing(app: Any, incident: Any) -> None:
    from crisis.messages.service import vma_status_text
    from crisis.points.service import open_points_text

    assert vma_status_text(incident.id) == "VMA har inte begärts."
    assert open_points_text(incident.id) == "Inga trygghetspunkter eller andra platser är öppna."


@pytest.mark.parametrize("value", ["leader,", "leader,boss", ""])
def test_approver_roles_setting_is_checked(value: str) -> None:
    from crisis.config import ConfigError
    from crisis.config import load_config as _load

    def load_config(o: dict[str, str]) -> dict[str, Any]:
        return _load({"CRISIS_TESTING": "on", **o})

    if value == "":
        assert load_config({"CRISIS_MESSAGE_APPROVER_ROLES": ""})["CRISIS_MESSAGE_APPROVER_ROLES"] == (
            "leader",
            "admin",
        )
        return
    if value == "leader,":
        assert load_config({"CRISIS_MESSAGE_APPROVER_ROLES": value})["CRISIS_MESSAGE_APPROVER_ROLES"] == ("leader",)
        return
    with pytest.raises(ConfigError):
        load_config({"CRISIS_MESSAGE_APPROVER_ROLES": value})
