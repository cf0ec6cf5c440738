"""Pages: the actor register (/actors: read for staff roles, add/edit/deactivate for admins, CSV upload
all-or-nothing with file:line errors, CSV download that reads back unchanged), the CLI import/export,
the samverkan page (record a conference, turn an agreement into a task), and the requests panel,
the wall block and the log form's counterpart suggestions."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from crisis.actors import service
from crisis.actors.demo import DEMO_ACTORS
from crisis.actors.models import Actor
from crisis.extensions import db

FORM = {
    "name": "Räddningstjänsten Sjuhärad",
    "kind": "rescue",
    "phone": "+46 33-17 29 00",
    "email": "",
    "rakel": "RSG RCB",
    "alternative": "Via SOS Alarm",
    "notes": "RCB dygnet runt",
}


def _count():
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Actor))


def _upload(client, text, name="aktorer.csv"):
    return client.post(
        "/actors/import", data={"file": (io.BytesIO(text.encode()), name)}, content_type="multipart/form-data"
    )


def test_roles_on_the_register_page(app, login):
    assert login("admin").post("/actors/new", data=FORM).status_code == 302
    staff_page = login("staff").get("/actors").get_data(as_text=True)
    assert "Räddningstjänsten Sjuhärad" in staff_page and "RSG RCB" in staff_page
    assert "Ny aktör" not in staff_page and "/actors/import" not in staff_page
    assert login("observer").get("/actors").status_code == 403
    assert login("staff").post("/actors/new", data={**FORM, "name": "X"}).status_code == 403
    assert 'href="/actors"' in login("staff").get("/").get_data(as_text=True)


def test_add_edit_deactivate_through_the_page(app, login):
    admin = login("admin")
    bad = admin.post("/actors/new", data={**FORM, "kind": "nope"})
    assert bad.status_code == 422 and "Okänd aktörstyp" in bad.get_data(as_text=True) and _count() == 0
    admin.post("/actors/new", data=FORM)
    row = db.session.scalar(sa.select(Actor))
    page = admin.get(f"/actors/{row.id}/edit")
    assert page.status_code == 200 and "RSG RCB" in page.get_data(as_text=True)
    ok = admin.post(f"/actors/{row.id}/edit", data={**FORM, "rakel": "RSG RCB 2", "version": str(row.version)})
    assert ok.status_code == 302
    stale = admin.post(f"/actors/{row.id}/edit", data={**FORM, "rakel": "X", "version": "1"})
    assert stale.status_code == 409
    admin.post(f"/actors/{row.id}/active", data={"active": "0"})
    db.session.expire_all()
    row = db.session.get(Actor, row.id)
    assert row.rakel == "RSG RCB 2" and row.active is False
    assert "(inaktiv)" in admin.get("/actors").get_data(as_text=True)


def test_csv_round_trip_and_bad_file(app, login, users):
    admin = login("admin")
    for values in DEMO_ACTORS[:4]:
        service.create(actor=users["admin"], data=values)
    service.create(actor=users["admin"], data={**FORM, "notes": '=HYPERLINK("x")\nrad två'})
    before = [service.to_dict(a) for a in service.list_actors(viewer=users["admin"], include_inactive=True)]
    r = admin.get("/actors/export.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    text = r.get_data(as_text=True)
    assert text.startswith("\ufeffname;kind;phone;email;rakel;alternative;notes;active")
    assert "'=HYPERLINK" in text  # the formula guard
    again = admin.post(
        "/actors/import",
        data={"file": (io.BytesIO(r.get_data()), "aktorer.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "aktorer.csv importerad: 0 nya, 0 ändrade, 5 oförändrade." in again.get_data(as_text=True)
    after = [service.to_dict(a) for a in service.list_actors(viewer=users["admin"], include_inactive=True)]
    assert after == before

    # a bad file: every error with file:line, and nothing changes (not even the good rows)
    bad = (
        "name;kind;phone;email;rakel;alternative;notes;active\n"
        "Ny aktör;other;;;;;;ja\n"
        "Trasig;spaceforce;;;;;;ja\n"
        "Ny aktör;other;;;;;;ja\n"
        "Fel aktiv;other;;;;;;kanske\n"
        "Fel mejl;other;;inte-en-adress;;;;ja\n"
    )
    resp = _upload(admin, bad)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Inget importerades." in html
    for line in ("aktorer.csv:3:", "aktorer.csv:4:", "aktorer.csv:5:", "aktorer.csv:6:"):
        assert line in html
    assert "aktorer.csv:2:" not in html
    assert _count() == 5
    assert _upload(admin, "namn;typ\nA;B\n").status_code == 422
    assert _upload(admin, "name;kind\n\xff").status_code in (302, 422)
    assert admin.post("/actors/import", data={}, content_type="multipart/form-data").status_code == 400


def test_cli_import_and_export(app, tmp_path):
    good = tmp_path / "a.csv"
    good.write_text("name,kind,phone\nBorås stad,neighbour,033-35 70 00\nPolisen,police,114 14\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-actors", str(good)])
    assert result.exit_code == 0, result.output
    assert "2 new, 0 changed, 0 unchanged" in result.output
    bad = tmp_path / "b.csv"
    bad.write_text("name,kind\nX,other\nY,nope\n", encoding="utf-8")
    result = runner.invoke(args=["import-actors", str(bad)])
    assert result.exit_code == 1 and f"{bad}:3:" in result.output and "nothing was imported" in result.output
    assert _count() == 2
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["export-actors", "--output", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines()[1:] == [
        "Borås stad;neighbour;033-35 70 00;;;;;ja",
        "Polisen;police;114 14;;;;;ja",
    ]


def test_samverkan_page_records_and_makes_a_task(app, login, users, incident):
    lst = service.create(actor=users["admin"], data={"name": "Länsstyrelsen VG", "kind": "county"})
    staff = login("staff")
    page = staff.get(f"/incidents/{incident.id}/samverkan")
    assert page.status_code == 200 and "Registrera samverkanskonferens" in page.get_data(as_text=True)
    held = (datetime.now(UTC) - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    r = staff.post(
        f"/incidents/{incident.id}/samverkan",
        data={
            "action": "conference",
            "held_at": held,
            "called_by": str(lst.id),
            "participants": [str(lst.id)],
            "participants_other": "Borås stad\n",
            "reported": "<b>Läget</b>",
            "agreed": "Ses 14:00",
        },
        follow_redirects=True,
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "S-1" in html and "&lt;b&gt;Läget&lt;/b&gt;" in html and "<b>Läget" not in html
    conf_id = int(html.split('<article class="conference" id="conf-', 1)[1].split('"', 1)[0])
    r = staff.post(
        f"/incidents/{incident.id}/samverkan",
        data={"action": "agreement", "conference": str(conf_id), "text": "Ring elnätsbolaget", "to": "task"},
        follow_redirects=True,
    )
    assert "Överenskommelsen är registrerad." in r.get_data(as_text=True)
    tasks = staff.get(f"/api/v1/incidents/{incident.id}/tasks").get_json()["items"]
    assert [t["title"] for t in tasks if t["title"] == "Ring elnätsbolaget"]
    bad = staff.post(f"/incidents/{incident.id}/samverkan", data={"action": "conference", "held_at": ""})
    assert bad.status_code == 422 and "Ange när konferensen hölls" in bad.get_data(as_text=True)
    obs = login("observer")
    assert obs.get(f"/incidents/{incident.id}/samverkan").status_code == 200
    assert (
        obs.post(f"/incidents/{incident.id}/samverkan", data={"action": "conference", "held_at": held}).status_code
        == 403
    )


def test_workspace_panel_wall_block_and_counterpart_suggestions(app, login, users, incident):
    service.create(actor=users["admin"], data={"name": "Trafikverket", "kind": "roads"})
    page = login("staff").get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert 'id="requests-panel"' in page and "js/requests.js" in page
    assert '<datalist id="counterpart-actors"><option value="Trafikverket">' in page
    wall = login("observer").get(f"/incidents/{incident.id}/wall").get_data(as_text=True)
    assert 'id="wall-requests"' in wall
