"""Server-rendered pages say things in Swedish, not with internal keys (audit of issue 10's kind of flaw)."""

from __future__ import annotations

import re
from datetime import date


def test_lesson_history_names_fields_in_swedish(login, users):
    from crisis.lessons import service

    lesson = service.create(
        actor=users["staff"],
        observation="Larmlistan var inaktuell",
        owner="Beredskapssamordnare",
        deadline=date(2027, 3, 1),
    )
    service.update(
        actor=users["leader"], lesson_id=lesson.id, status="decided", owner="Säkerhetschef", deadline=date(2027, 4, 1)
    )
    html = login("leader").get("/lessons").get_data(as_text=True)
    history = html[html.index(f'id="lesson-{lesson.id}"') :]
    history = history[history.index("<details>") : history.index("</details>")]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", history))
    assert "Status Föreslagen → Beslutad" in text, text
    assert "Ansvarig Beredskapssamordnare → Säkerhetschef" in text, text
    assert "Klart senast 2027-03-01 → 2027-04-01" in text, text
    for key in ("status ", "owner", "deadline", "decided", "proposed"):
        assert key not in text, (key, text)


def test_playbook_page_names_map_categories_in_swedish(login):
    html = login("staff").get("/playbooks").get_data(as_text=True)
    marked = re.findall(r"Markeras på kartan:</strong>([^<]*)</p>", html)
    assert marked, "no playbook marks categories on the map"
    text = " ".join(marked)
    assert "El, Omsorg, Vård" in text, text
    for key in ("power", "care", "health", "water", "sewage", "telecom", "school", "rescue"):
        assert not re.search(rf"\b{key}\b", text), (key, text)


def test_lesson_form_marks_exercises(login, users):
    from crisis.incidents import service

    real = service.create(actor=users["duty_officer"], title="Storm Ylva", kind="storm", level="monitoring")
    drill = service.create(
        actor=users["duty_officer"], title="Storm Ylva", kind="storm", level="monitoring", mode="exercise"
    )
    html = login("staff").get("/lessons").get_data(as_text=True)
    assert f'<option value="{drill.id}">{drill.id}: ÖVNING: Storm Ylva</option>' in html, html
    assert f'<option value="{real.id}">{real.id}: Storm Ylva</option>' in html
