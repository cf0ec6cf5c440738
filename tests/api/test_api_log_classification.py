"""Issue 14: the KLASSA level and the OSL secrecy assessment on log entries, through the API and exports."""

from __future__ import annotations

from crisis.log import service as log


def _url(incident):
    return f"/api/v1/incidents/{incident.id}/log"


def test_level_and_ground_derive_the_access_flag(login, incident):
    staff, observer = login("staff"), login("observer")
    r = staff.post(
        _url(incident),
        json={"text": "Skyddad adress på Kinnagatan", "confidentiality": "K3", "osl_ground": "21 kap. 3 § OSL"},
    )
    assert r.status_code == 201, r.get_json()
    e = r.get_json()
    assert (e["classification"], e["confidentiality"], e["osl_ground"]) == ("confidential", "K3", "21 kap. 3 § OSL")
    r = staff.post(_url(incident), json={"text": "Dialyspatienter i Skene", "osl_ground": "25 kap. 1 § OSL"})
    assert r.get_json()["classification"] == "confidential" and r.get_json()["confidentiality"] == "K2"
    r = staff.post(_url(incident), json={"text": "Vanlig post"})
    assert (r.get_json()["classification"], r.get_json()["confidentiality"]) == ("internal", "K1")
    seen = observer.get(_url(incident)).get_data(as_text=True)
    assert "Kinnagatan" not in seen and "Dialys" not in seen and "Vanlig post" in seen


def test_contradictions_are_refused_and_write_nothing(login, incident):
    staff = login("staff")
    before = len(staff.get(_url(incident)).get_json()["items"])
    for body, code in [
        ({"text": "x", "classification": "public", "confidentiality": "K3"}, "classification_level_mismatch"),
        (
            {"text": "x", "classification": "internal", "osl_ground": "18 kap. 13 § OSL"},
            "classification_osl_not_confidential",
        ),
        ({"text": "x", "confidentiality": "K2"}, "classification_osl_missing"),
    ]:
        r = staff.post(_url(incident), json=body)
        assert r.status_code == 422 and r.get_json()["error"]["code"] == code, r.get_json()
    r = staff.post(_url(incident), json={"text": "x", "confidentiality": "K4"})
    assert r.status_code == 422
    assert len(staff.get(_url(incident)).get_json()["items"]) == before


def test_correction_inherits_the_level_and_only_a_leader_lowers_it(login, incident, users):
    original = log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Hemligt",
        confidentiality="K3",
        osl_ground="18 kap. 8 § OSL",
    )
    assert original.confidentiality == "K3"
    staff, leader = login("staff"), login("leader")
    url = f"{_url(incident)}/{original.number}/correction"
    r = staff.post(url, json={"text": "Hemligt (rättat)", "confidentiality": "K2"})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "classification_inherited"
    r = leader.post(url, json={"text": "Hemligt (rättat)", "confidentiality": "K2", "declassify": True})
    assert r.status_code == 201, r.get_json()
    corr = r.get_json()
    assert (corr["confidentiality"], corr["osl_ground"], corr["classification"]) == (
        "K2",
        "18 kap. 8 § OSL",
        "confidential",
    )
    again = staff.post(f"{_url(incident)}/{corr['number']}/correction", json={"text": "Hemligt (rättat igen)"})
    assert again.status_code == 201 and again.get_json()["confidentiality"] == "K2"


def test_public_records_export_shows_the_ground_not_the_text(login, incident, users):
    log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Patientuppgift Örby",
        confidentiality="K2",
        osl_ground="25 kap. 1 § OSL",
    )
    for role in ("staff", "observer"):
        body = login(role).get(f"/incidents/{incident.id}/log.csv?masked=1").get_data(as_text=True)
        assert "Patientuppgift" not in body
        assert "Sekretess enligt 25 kap. 1 § OSL" in body
    full = login("staff").get(f"/incidents/{incident.id}/log.csv").get_data(as_text=True)
    assert "Patientuppgift Örby" in full and "K2" in full
