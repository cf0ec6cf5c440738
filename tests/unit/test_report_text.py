"""The WIS text of a lägesrapport (pure)."""

from __future__ import annotations

from typing import Any

from crisis.reports.text import log_lines, render_wis_text, site_lines


def _report(mode: str = "real", **kw: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "number": 3,
        "status": "approved",
        "supersedes": None,
        "exercise": mode == "exercise",
        "created_by": "Sara Nilsson",
        "approved_by": "Karin Lindqvist",
        "approved_at": "2026-11-24T13:32:00+00:00",
        "nasta_rapport": "2026-11-24T17:00:00+00:00",
        "handelse": "Storm; elavbrott i Skene och Kinna.\r\nCirka 3 200 kunder.  ",
        "konsekvenser": "Hemtjänsten påverkas.",
        "vidtagna_atgarder": "",
        "beslut": "Trygghetspunkt öppnas.",
        "behov": "Reservkraft.",
        "prognos": "Åter i kväll.",
        "kommunikation": "Pressmeddelande 14:00.",
        "snapshot": {
            "taken_at": "2026-11-24T13:15:00+00:00",
            "level": "staff",
            "incident": {"title": "Elavbrott i Kinna", "mode": mode, "level": "staff"},
        },
    }
    report.update(kw)
    return report


def test_wis_text_of_a_real_report() -> None:
    out = render_wis_text(_report(), kommun="Marks kommun")
    lines = out.splitlines()
    assert lines[0] == "LÄGESRAPPORT NR 3 – Marks kommun"
    assert "Händelse: Elavbrott i Kinna" in lines
    assert "Nivå: Stabsläge" in lines
    assert "Lägesbild per: 2026-11-24 14:15" in lines  # Stockholm time (UTC+1 in November)
    assert "Fastställd: 2026-11-24 14:32 av Karin Lindqvist" in lines
    assert "ÖVNING" not in out
    # numbered sections in the order of a Swedish lägesrapport; empty ones say so
    heads = [line for line in lines if line[:1].isdigit() and line[1:3] == ". "]
    assert heads == [
        "1. HÄNDELSE",
        "2. KONSEKVENSER",
        "3. VIDTAGNA ÅTGÄRDER",
        "4. BESLUT",
        "5. BEHOV",
        "6. PROGNOS",
        "7. KOMMUNIKATION",
        "8. NÄSTA RAPPORT",
        "9. OMFATTNING (ANTAL BERÖRDA)",  # then Länsstyrelsen's own (10.-13., issue 15)
    ]
    assert "13. OSÄKERHETER" in lines
    assert lines[lines.index("3. VIDTAGNA ÅTGÄRDER") + 1] == "–"
    assert lines[lines.index("8. NÄSTA RAPPORT") + 1] == "2026-11-24 18:00"
    # plain text: CRLF normalised, trailing spaces gone, no markup
    assert "\r" not in out and "Cirka 3 200 kunder." in lines and not any(line.endswith(" ") for line in lines)
    assert out.endswith("\n")


def test_wis_text_of_an_exercise_says_ovning_first_and_last() -> None:
    out = render_wis_text(_report("exercise"))
    lines = out.strip().splitlines()
    assert "ÖVNING" in lines[0] and "ÖVNING" in lines[-1]
    assert "ÖVNING: LÄGESRAPPORT NR 3" in lines
    assert "Händelse: ÖVNING: Elavbrott i Kinna" in lines


def test_wis_text_of_a_draft_and_a_correction() -> None:
    out = render_wis_text(_report(status="draft", approved_at=None, supersedes=2, nasta_rapport=None))
    assert "Status: Utkast – ej fastställd" in out
    assert "Ersätter lägesrapport nr 2 (rättelse)." in out
    assert out.splitlines()[-1] == "–"


def test_site_and_log_lines() -> None:
    snap = {
        "sites": {
            "available": True,
            "categories": {"power": {"operational": 2, "down": 1}, "school": {"operational": 5}},
            "problems": [
                {"name": "Kinna FS", "category": "power", "status": "down", "note": "Brand"},
                {"name": "Kinna vattenverk", "category": "water", "status": "operational", "at_risk": True},
            ],
            "on_backup_power": [{"name": "Skene lasarett", "category": "health", "fuel_left_hours": 12.5}],
        }
    }
    assert site_lines(snap) == [
        "El: 1 ur drift, 2 i drift",
        "Ur drift eller begränsad drift:",
        "- Kinna FS (El): ur drift – Brand",
        "I riskzon (beroende av verksamhet ur drift eller med begränsad drift):",
        "- Dricksvatten: Kinna vattenverk",
        "På reservkraft:",
        "- Skene lasarett (Vård), bränsle för cirka 12.5 h",
    ]
    # nothing reported yet (unknown) and all working say nothing
    assert site_lines({"sites": {"available": True, "categories": {"water": {"unknown": 4, "operational": 1}}}}) == []
    assert site_lines({"sites": {"available": False}}) == []
    entries = [
        {
            "number": 12,
            "occurred_at": "2026-11-24T13:02:00+00:00",
            "text": "Öppna trygghetspunkt",
            "decided_by": "Karin",
            "mandate": "Krisledningsplanen",
        }
    ]
    assert log_lines(entries, decision=True) == ["14:02 (nr 12) Öppna trygghetspunkt [Karin, Krisledningsplanen]"]
    assert log_lines(entries) == ["14:02 (nr 12) Öppna trygghetspunkt"]


def test_wis_text_carries_what_lansstyrelsen_asks_for() -> None:
    report = _report(
        kontaktperson="Karin Lindqvist",
        kontakt_telefon="0320-21 70 00",
        period_fran="2026-11-24T07:00:00+00:00",
        period_till="2026-11-24T13:00:00+00:00",
        krisledning_aktiverad=True,
        kln_aktiverad=False,
        vma_begard=True,
        vma_begard_at="2026-11-24T09:30:00+00:00",
        klassning="K2",
        osl_grund="18 kap. 13 § OSL",
        samverkan="Räddningstjänsten Sjuhärad, Ellevio",
        trygghetspunkter="Kinnahallen öppen 08-20",
    )
    lines = render_wis_text(report, recipient="Länsstyrelsen i Västra Götalands län").splitlines()
    assert "Till: Länsstyrelsen i Västra Götalands län" in lines
    assert "Klassning: K2 – sekretess enligt 18 kap. 13 § OSL" in lines
    assert "Kontaktperson: Karin Lindqvist, 0320-21 70 00" in lines
    assert "Avser perioden: 2026-11-24 08:00 – 2026-11-24 14:00" in lines
    assert "Central krisledning aktiverad: ja" in lines and "Krisledningsnämnden i funktion: nej" in lines
    assert "VMA begärt: ja (2026-11-24 10:30)" in lines
    assert lines[lines.index("11. SAMVERKAN (MED VILKA)") + 1] == "Räddningstjänsten Sjuhärad, Ellevio"
    assert lines[lines.index("12. ÖPPNA TRYGGHETSPUNKTER") + 1] == "Kinnahallen öppen 08-20"
