"""Files of a samverkanskonferens (the samlad lägesbild received as a file) over the API: attaching
(type by content, size and count limits, one log entry, the meeting.updated event), downloading
(exact bytes, safe headers), roles, unknown ids, a closed incident, the page's upload form, and the
archive package binding each file to its manifest and SHA256SUMS."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from crisis.enums import IncidentStatus
from crisis.events.models import Event
from crisis.extensions import db
from crisis.incidents.models import Incident

NOW = datetime.now(UTC).replace(microsecond=0)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 1600 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"


def _zip(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buf.getvalue()


def _docx() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def _odt() -> bytes:
    return _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document-content/>"})


def _plain_zip() -> bytes:
    return _zip({"readme.txt": "hej"})


def _conference(client, incident_id):
    resp = client.post(f"/api/v1/incidents/{incident_id}/samverkan", json={"held_at": NOW.isoformat()})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _upload(client, conference_id, data, name="lägesbild-vgr.pdf", **kw):
    return client.post(
        f"/api/v1/samverkan/{conference_id}/files",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        **kw,
    )


def _events(incident_id):
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(Event.incident_id == incident_id, Event.type == "meeting.updated")
            .order_by(Event.seq)
        )
    )


@pytest.fixture
def conf(login, incident):
    staff = login("staff")
    _conference(staff, incident.id)  # S-1 without files
    return _conference(staff, incident.id)  # S-2


def test_attach_pdf_logs_announces_and_downloads(login, incident, conf):
    staff = login("staff")
    before = len(_events(incident.id))
    resp = _upload(staff, conf["id"], PDF, name="/home/tib/Hämtade filer/lägesbild-vgr.pdf")
    assert resp.status_code == 201, resp.get_json()
    meta = resp.get_json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert meta["filename"] == "lägesbild-vgr.pdf"  # no path parts
    assert meta["content_type"] == "application/pdf" and meta["type"] == "PDF"
    assert meta["size"] == len(PDF) and meta["sha256"] == digest
    assert meta["conference"] == conf["id"] and meta["incident"] == incident.id
    assert meta["uploaded_by"] == "staff" and meta["url"] == f"/api/v1/samverkan/files/{meta['id']}"

    # exactly one log entry, in plain Swedish, naming the conference, the file, its type, size and hash
    entries = staff.get(f"/api/v1/incidents/{incident.id}/log?limit=200").get_json()["items"]
    attached = [e for e in entries if e["text"].startswith("Samlad lägesbild bifogad")]
    assert len(attached) == 1
    assert attached[0]["kind"] == "info"
    assert attached[0]["text"] == (
        f"Samlad lägesbild bifogad till S-2: lägesbild-vgr.pdf (PDF, 410 kB, SHA-256 {digest[:16]}…)"
    )
    # the same event recording a conference sends
    evs = _events(incident.id)
    assert len(evs) == before + 1
    assert evs[-1].data["kind"] == "samverkan" and evs[-1].data["id"] == conf["id"]
    assert evs[-1].data["version"] == conf["version"] + 1

    listed = staff.get(f"/api/v1/samverkan/{conf['id']}/files").get_json()["items"]
    assert listed == [meta]

    got = login("observer").get(meta["url"])
    assert got.status_code == 200
    assert got.data == PDF
    assert got.mimetype == "application/pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Security-Policy"] == "sandbox"
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''l%C3%A4gesbild-vgr.pdf" in disposition
    assert unquote(disposition.split("''", 1)[1]) == "lägesbild-vgr.pdf"


def test_types_are_decided_by_content(login, conf):
    staff = login("staff")
    html = _upload(staff, conf["id"], HTML, name="lagesbild.pdf", headers={})
    assert html.status_code == 422
    assert html.get_json()["error"]["code"] == "unsupported_file_type"
    assert "Filtypen stöds inte" in html.get_json()["error"]["message"]
    assert _upload(staff, conf["id"], _plain_zip(), name="lagesbild.docx").status_code == 422
    assert _upload(staff, conf["id"], b"GIF89a" + b"\x00" * 20, name="karta.gif").status_code == 422
    # accepted types, whatever the name says; the stored name ends as the file is
    png = _upload(staff, conf["id"], PNG, name="karta.pdf").get_json()
    assert png["type"] == "PNG" and png["content_type"] == "image/png" and png["filename"] == "karta.pdf.png"
    docx = _upload(staff, conf["id"], _docx(), name="Beslut.docx").get_json()
    assert docx["type"] == "DOCX" and docx["filename"] == "Beslut.docx"
    odt = _upload(staff, conf["id"], _odt(), name="../../etc/passwd").get_json()
    assert odt["type"] == "ODT" and odt["filename"] == "passwd.odt"
    jpeg = _upload(staff, conf["id"], b"\xff\xd8\xff\xe0" + b"\x00" * 32, name="x" * 300 + ".jpeg").get_json()
    assert jpeg["type"] == "JPEG" and len(jpeg["filename"]) == 200 and jpeg["filename"].endswith(".jpeg")
    names = [f["filename"] for f in staff.get(f"/api/v1/samverkan/{conf['id']}/files").get_json()["items"]]
    assert names == ["karta.pdf.png", "Beslut.docx", "passwd.odt", jpeg["filename"]]


def test_safe_filename():
    from crisis.actors import files

    assert files.safe_filename("C:\\Users\\tib\\Hämtade\\lägesbild.pdf", files.PDF) == "lägesbild.pdf"
    assert files.safe_filename("../\x00evil\x1b:name?.pdf", files.PDF) == "evil_name_.pdf"
    assert files.safe_filename("", files.PNG) == "lagesbild.png"
    assert files.safe_filename("...", files.JPEG) == "lagesbild.jpg"
    assert files.safe_filename("rapport.PDF", files.PDF) == "rapport.PDF"
    assert files.safe_filename("a" * 500 + ".docx", files.DOCX) == "a" * 195 + ".docx"


def test_english_error_message(login, conf):
    staff = login("staff")
    staff.post("/lang/en")
    resp = _upload(staff, conf["id"], HTML, name="lagesbild.pdf")
    assert resp.status_code == 422
    assert resp.get_json()["error"]["message"].startswith("File type not supported")


def test_empty_missing_too_many_and_not_multipart(incident, login):
    staff = login("staff")
    conf = _conference(staff, incident.id)
    empty = _upload(staff, conf["id"], b"", name="tom.pdf")
    assert empty.status_code == 422 and empty.get_json()["error"]["code"] == "empty_file"
    missing = staff.post(f"/api/v1/samverkan/{conf['id']}/files", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422
    as_json = staff.post(f"/api/v1/samverkan/{conf['id']}/files", json={"file": "x"})
    assert as_json.status_code == 415
    for i in range(10):
        assert _upload(staff, conf["id"], PNG, name=f"bild-{i}.png").status_code == 201
    eleventh = _upload(staff, conf["id"], PNG, name="bild-11.png")
    assert eleventh.status_code == 409 and eleventh.get_json()["error"]["code"] == "too_many_files"


def test_size_limit_from_setting(app, login, incident):
    # the default, and the request limit that lets it through with its multipart envelope
    assert app.config["CRISIS_ATTACHMENT_MAX_MB"] == 10
    assert app.config["MAX_CONTENT_LENGTH"] >= 11 * 1024 * 1024
    app.config["CRISIS_ATTACHMENT_MAX_MB"] = 1
    staff = login("staff")
    conf = _conference(staff, incident.id)
    big = _upload(staff, conf["id"], b"%PDF-" + b"x" * (1024 * 1024))
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "file_too_large"
    assert "högst 1 MB" in big.get_json()["error"]["message"]
    fits = _upload(staff, conf["id"], b"%PDF-" + b"x" * (1024 * 1024 - 5))
    assert fits.status_code == 201, fits.get_json()


def test_setting_is_read_and_raises_the_request_limit():
    from crisis.config import load_config

    cfg = load_config({"CRISIS_ATTACHMENT_MAX_MB": "40", "CRISIS_DEMO": "on"})
    assert cfg["CRISIS_ATTACHMENT_MAX_MB"] == 40 and cfg["MAX_CONTENT_LENGTH"] == 41 * 1024 * 1024


def test_roles_unknown_ids_and_closed_incident(login, incident, conf):
    meta = _upload(login("staff"), conf["id"], PDF).get_json()
    observer, reporter = login("observer"), login("reporter")
    assert observer.get(f"/api/v1/samverkan/{conf['id']}/files").status_code == 200
    assert observer.get(meta["url"]).status_code == 200
    assert _upload(observer, conf["id"], PDF).status_code == 403
    assert reporter.get(f"/api/v1/samverkan/{conf['id']}/files").status_code == 403
    assert reporter.get(meta["url"]).status_code == 403
    assert _upload(reporter, conf["id"], PDF).status_code == 403

    staff = login("staff")
    for url in (
        "/api/v1/samverkan/999999/files",
        "/api/v1/samverkan/files/999999",
        f"/api/v1/samverkan/files/{2**31 - 1}",
        "/api/v1/samverkan/files/99999999999999999999999",
    ):
        resp = staff.get(url)
        assert resp.status_code == 404, url
        assert resp.get_json()["error"]["code"] == "not_found"
    assert _upload(staff, 999999, PDF).status_code == 404
    # an id beyond what the database stores matches no route: never the database's overflow (500)
    assert staff.get("/api/v1/samverkan/99999999999999999999999/files").status_code in (404, 405)
    assert _upload(staff, 99999999999999999999999, PDF).status_code == 404

    db.session.get(Incident, incident.id).status = IncidentStatus.CLOSED
    db.session.commit()
    closed = _upload(staff, conf["id"], PDF)
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "incident_closed"
    assert len(staff.get(f"/api/v1/samverkan/{conf['id']}/files").get_json()["items"]) == 1


def test_exercise_incident_takes_files_like_conferences(login, users):
    from crisis.incidents import service

    exercise = service.create(
        actor=users["leader"], title="Övning elavbrott", kind="elavbrott", level="monitoring", mode="exercise"
    )
    staff = login("staff")
    conf = _conference(staff, exercise.id)
    assert _upload(staff, conf["id"], PDF).status_code == 201


def test_openapi_describes_the_upload(login):
    spec = login("staff").get("/api/openapi.json").get_json()
    post = spec["paths"]["/api/v1/samverkan/{conference_id}/files"]["post"]
    schema = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["file"]["format"] == "binary" and schema["required"] == ["file"]
    assert "get" in spec["paths"]["/api/v1/samverkan/{conference_id}/files"]
    download = spec["paths"]["/api/v1/samverkan/files/{file_id}"]["get"]
    # The answer carries the stored file's own type: every accepted type is documented.
    assert set(download["responses"]["200"]["content"]) == {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
    }


def test_page_lists_files_and_uploads(login, incident, conf):
    staff = login("staff")
    page = staff.get(f"/incidents/{incident.id}/samverkan").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and "Inga filer bifogade." in page
    resp = staff.post(
        f"/incidents/{incident.id}/samverkan/{conf['id']}/files",
        data={"file": (io.BytesIO(PDF), "Läge & prognos <b>.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Läge &amp; prognos _b_.pdf" in html and "<b>" not in html
    assert "410 kB" in html and "är bifogad till S-2" in html
    assert "<td>Staff Testsson</td>" in html  # who attached it, by name
    refused = staff.post(
        f"/incidents/{incident.id}/samverkan/{conf['id']}/files",
        data={"file": (io.BytesIO(HTML), "falsk.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "falsk.pdf bifogades inte: Filtypen stöds inte" in refused
    english = login("staff")
    english.post("/lang/en")
    en_html = english.get(f"/incidents/{incident.id}/samverkan").get_data(as_text=True)
    assert "Attach to S-2" in en_html and "Attached by" in en_html and "No files attached." in en_html
    observer_page = login("observer").get(f"/incidents/{incident.id}/samverkan").get_data(as_text=True)
    assert "lägesbild" in observer_page and 'enctype="multipart/form-data"' not in observer_page
    assert (
        login("observer")
        .post(
            f"/incidents/{incident.id}/samverkan/{conf['id']}/files",
            data={"file": (io.BytesIO(PDF), "x.pdf")},
            content_type="multipart/form-data",
        )
        .status_code
        == 403
    )


def _archive(app, login, incident_id, tmp_path):
    resp = login("leader").get(f"/api/v1/incidents/{incident_id}/archive")
    assert resp.status_code == 200
    path = tmp_path / "arkiv.zip"
    path.write_bytes(resp.data)
    return path


def test_archive_binds_the_files(app, login, incident, conf, tmp_path):
    meta = _upload(login("staff"), conf["id"], PDF).get_json()
    path = _archive(app, login, incident.id, tmp_path)
    name = f"samverkan/S-2_{meta['id']}_lägesbild-vgr.pdf"
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    assert files[name] == PDF
    man = json.loads(files["manifest.json"])
    assert man["files"][name] == {"sha256": meta["sha256"], "size": len(PDF)}
    assert f"{meta['sha256']}  {name}\n" in files["SHA256SUMS"].decode("utf-8")
    res = app.test_cli_runner().invoke(args=["verify-archive", str(path)])
    assert res.exit_code == 0, res.output

    # one changed byte of the file is caught
    changed = bytearray(PDF)
    changed[100] ^= 0x01
    files[name] = bytes(changed)
    with zipfile.ZipFile(path, "w") as zf:
        for n, d in files.items():
            zf.writestr(n, d)
    res = app.test_cli_runner().invoke(args=["verify-archive", str(path)])
    assert res.exit_code == 1
    assert name in res.output


# Backup and restore keep the files byte for byte: tests/service/test_backup_restore.py (_fill, _round_trip).


def test_idempotent_retry_attaches_once(login, conf):
    staff = login("staff")
    first = _upload(staff, conf["id"], PDF, headers={"Idempotency-Key": "lagesbild-retry-1"})
    again = _upload(staff, conf["id"], PDF, headers={"Idempotency-Key": "lagesbild-retry-1"})
    assert first.status_code == again.status_code == 201, (first.get_json(), again.get_json())
    assert again.get_json() == first.get_json()
    assert first.get_json()["size"] == len(PDF) and staff.get(first.get_json()["url"]).data == PDF
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(staff.get(f"/api/v1/samverkan/{conf['id']}/files").get_json()["items"]) == 1
    # the same key with another file is another request
    other = _upload(staff, conf["id"], PNG, name="karta.png", headers={"Idempotency-Key": "lagesbild-retry-1"})
    assert other.status_code == 422 and other.get_json()["error"]["code"] == "idempotency_key_reused"
