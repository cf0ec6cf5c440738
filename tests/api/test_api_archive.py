"""The archive package: export over the API, verify-archive, tampering, roles."""

from __future__ import annotations

import json
import zipfile
from urllib.parse import unquote

import pytest

from crisis.archive import manifest
from crisis.log import service as log


@pytest.fixture
def filled(incident, users):
    log.append(actor=users["staff"], incident_id=incident.id, text="Vattenverket på reservkraft")
    log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Skyddad uppgift",
        classification="confidential",
        osl_ground="OSL 21 kap. 3 §",
    )
    log.append(
        actor=users["leader"],
        incident_id=incident.id,
        text="Stab aktiveras",
        kind="decision",
        decided_by="Krisledningsnämndens ordförande",
        mandate="Delegation 3.1",
    )
    wrong = log.append(actor=users["staff"], incident_id=incident.id, text="300 kunder")
    log.correct(actor=users["staff"], incident_id=incident.id, number=wrong.number, text="3 000 kunder")
    return incident


def _export(login, incident_id, tmp_path):
    resp = login("leader").get(f"/api/v1/incidents/{incident_id}/archive")
    assert resp.status_code == 200, resp.get_json()
    assert resp.mimetype == "application/zip"
    path = tmp_path / "arkiv.zip"
    path.write_bytes(resp.data)
    return resp, path


def _rewrite(path, changes):
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files.update(changes)
    with zipfile.ZipFile(path, "w") as zf:
        for n, d in files.items():
            zf.writestr(n, d)
    return files


def test_round_trip_export_then_verify(app, login, filled, tmp_path):
    resp, path = _export(login, filled.id, tmp_path)
    assert f"arkiv-händelse-{filled.id}.zip" in unquote(resp.headers["Content-Disposition"])
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        entries = json.loads(zf.read("log.json"))["entries"]
        decisions = json.loads(zf.read("decisions.json"))
        man = json.loads(zf.read("manifest.json"))
    assert names == {
        "incident.json",
        "log.json",
        "log.csv",
        "decisions.json",
        "reports.json",
        "tasks.json",
        "staffing.json",
        "sites-status.json",
        "events.json",
        "manifest.json",
        "README.txt",
        "SHA256SUMS",
    }
    assert any(e["classification"] == "confidential" and e["text"] == "Skyddad uppgift" for e in entries)
    assert any(e["corrected_by"] for e in entries) and all(e["prev_hash"] and e["hash"] for e in entries)
    assert [d["text"] for d in decisions] == ["Stab aktiveras"]
    assert man["log"]["entries"] == len(entries) and man["log"]["chain_head"] == entries[-1]["hash"]
    assert "Leader" in man["exported_by"] and man["exported_at"]
    res = app.test_cli_runner().invoke(args=["verify-archive", str(path)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("OK")


def test_tampered_file_fails_with_its_name(app, login, filled, tmp_path):
    _, path = _export(login, filled.id, tmp_path)
    with zipfile.ZipFile(path) as zf:
        data = zf.read("log.json")
    _rewrite(path, {"log.json": data.replace(b"3 000 kunder", b"30 000 kunder")})
    res = app.test_cli_runner().invoke(args=["verify-archive", str(path)])
    assert res.exit_code == 1
    assert "FILE: log.json: hash mismatch" in res.output


def test_altered_entry_with_recomputed_manifest_is_caught(app, login, filled, tmp_path):
    _, path = _export(login, filled.id, tmp_path)
    with zipfile.ZipFile(path) as zf:
        log_data = json.loads(zf.read("log.json"))
        man = json.loads(zf.read("manifest.json"))
    log_data["entries"][2]["text"] = "Omskriven i efterhand"
    new_log = manifest.dumps(log_data)
    man["files"]["log.json"] = {"sha256": manifest.sha256(new_log), "size": len(new_log)}
    _rewrite(path, {"log.json": new_log, "manifest.json": manifest.dumps(man)})
    res = app.test_cli_runner().invoke(args=["verify-archive", str(path)])
    assert res.exit_code == 1
    assert "entry 3:" in res.output and "altered" in res.output


def test_missing_file_and_not_a_zip(app, login, filled, tmp_path):
    _, path = _export(login, filled.id, tmp_path)
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist() if n != "events.json"}
    with zipfile.ZipFile(path, "w") as zf:
        for n, d in files.items():
            zf.writestr(n, d)
    res = app.test_cli_runner().invoke(args=["verify-archive", str(path)])
    assert res.exit_code == 1 and "events.json: missing" in res.output
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    assert app.test_cli_runner().invoke(args=["verify-archive", str(junk)]).exit_code == 2
    assert app.test_cli_runner().invoke(args=["verify-archive", str(tmp_path / "nope.zip")]).exit_code == 2


@pytest.mark.parametrize("role", ["observer", "staff", "duty_officer", "exercise_control"])
def test_other_roles_get_403(login, filled, role):
    resp = login(role).get(f"/api/v1/incidents/{filled.id}/archive")
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"]


def test_admin_may_export_and_unknown_incident_is_404(login, filled):
    assert login("admin").get(f"/api/v1/incidents/{filled.id}/archive").status_code == 200
    assert login("leader").get("/api/v1/incidents/9999/archive").status_code == 404


def test_exercise_archive_is_marked(login, users):
    from crisis.incidents import service as incidents

    inc = incidents.create(actor=users["leader"], title="Övning Storm", kind="storm", mode="exercise")
    resp = login("leader").get(f"/api/v1/incidents/{inc.id}/archive")
    assert resp.status_code == 200
    assert f"ÖVNING-arkiv-händelse-{inc.id}.zip" in unquote(resp.headers["Content-Disposition"])


def test_openapi_documents_the_archive(login):
    spec = login("observer").get("/api/openapi.json").get_json()
    op = spec["paths"]["/api/v1/incidents/{incident_id}/archive"]["get"]
    assert "application/zip" in op["responses"]["200"]["content"]


def test_workspace_links_the_archive_for_leaders_only(login, incident):
    assert f"/api/v1/incidents/{incident.id}/archive" in login("leader").get(f"/incidents/{incident.id}").get_data(
        as_text=True
    )
    assert "/archive" not in login("staff").get(f"/incidents/{incident.id}").get_data(as_text=True)
