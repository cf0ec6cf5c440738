"""A drawn warning area (report `area`): refused if the polygon is invalid,
stored and served wound as RFC 7946 wants, holes kept."""

from __future__ import annotations

from typing import Any

import pytest

from crisis import geo
from crisis.errors import ValidationError
from crisis.extensions import db
from crisis.reports import service
from crisis.reports.models import Report

SHELL = [[12.60, 57.47], [12.70, 57.47], [12.70, 57.53], [12.60, 57.53], [12.60, 57.47]]
HOLE = [[12.63, 57.49], [12.63, 57.51], [12.67, 57.51], [12.67, 57.49], [12.63, 57.49]]
BOWTIE = [[12.60, 57.47], [12.70, 57.53], [12.70, 57.47], [12.60, 57.53], [12.60, 57.47]]


def test_clockwise_area_is_stored_counter_clockwise_with_its_hole(
    app: Any, users: dict[str, Any], incident: Any
) -> None:
    report = service.create(actor=users["staff"], incident_id=incident.id)
    clockwise = {"type": "MultiPolygon", "coordinates": [[list(reversed(SHELL)), list(reversed(HOLE))]]}
    service.update(actor=users["staff"], report_id=report.id, fields={"area": clockwise})
    stored = db.session.get(Report, report.id, populate_existing=True)
    assert stored.area == {"type": "MultiPolygon", "coordinates": [[SHELL, HOLE]]}
    served = service.report_dict(stored)["area"]
    assert geo.is_rfc7946_wound(served) and served["coordinates"][0][1] == HOLE


def test_self_intersecting_area_is_refused_in_swedish(app: Any, users: dict[str, Any], incident: Any) -> None:
    report = service.create(actor=users["staff"], incident_id=incident.id)
    with pytest.raises(ValidationError) as caught:
        service.update(
            actor=users["staff"], report_id=report.id, fields={"area": {"type": "Polygon", "coordinates": [BOWTIE]}}
        )
    assert "kanten korsar sig själv" in str(caught.value.message)
    assert db.session.get(Report, report.id, populate_existing=True).version == 1
