"""Pages: the start-page entry, the three-screen activation flow, /playbooks, the
call-out panels on the workspace, /inbox and the report form."""

from __future__ import annotations

import re

import sqlalchemy as sa

from crisis.extensions import db
from crisis.inbox import service as inbox
from crisis.inbox.models import Deviation
from crisis.incidents.models import Incident
from crisis.log.models import LogEntry
from crisis.tasks.models import Task


def _html(resp) -> str:
    return resp.get_data(as_text=True)


def _no_inline_script(html: str) -> None:
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, tag
    assert " style=" not in html and "onclick=" not in html


def test_start_page_entry_per_role(login):
    tib = _html(login("duty_officer").get("/"))
    assert "Aktivera spelbok" in tib and 'href="/activate"' in tib and 'href="/activate/elavbrott"' in tib
    staff = _html(login("staff").get("/"))
    assert 'href="/activate"' not in staff and 'href="/inbox/new"' in staff
    observer = _html(login("observer").get("/"))
    assert 'href="/activate"' not in observer and 'href="/inbox/new"' not in observer


def test_three_screens_from_choice_to_the_live_incident(login):
    tib = login("duty_officer")
    step1 = tib.get("/activate")
    assert step1.status_code == 200
    html = _html(step1)
    assert html.count('class="pb-choice"') == 9 and 'aria-current="step"' in html
    _no_inline_script(html)

    step2 = _html(tib.get("/activate/elavbrott"))
    assert 'value="Långvarigt elavbrott"' in step2 and 'id="context"' in step2 and 'for="title"' in step2
    _no_inline_script(step2)

    form = {"title": "Elavbrott Skene och Örby", "context": "Elnätsbolaget: 3 200 kunder, prognos okänd", "notify": "y"}
    step3 = tib.post("/activate/elavbrott/confirm", data=form)
    assert step3.status_code == 200
    html = _html(step3)
    assert "Bekräfta aktiveringen" in html and "Elavbrott Skene och Örby" in html and "8 första uppgifter" in html
    assert 'id="activate-now"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Incident)) == 0  # nothing yet

    back = _html(tib.post("/activate/elavbrott", data=form))
    assert 'value="Elavbrott Skene och Örby"' in back  # back to screen 2 keeps the text

    done = tib.post("/activate/elavbrott/go", data=form)
    assert done.status_code == 302
    incident_id = int(done.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    inc = db.session.get(Incident, incident_id)
    assert inc.title == "Elavbrott Skene och Örby" and inc.kind == "elavbrott"
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Task).where(Task.incident_id == incident_id)) == 9
    )  # + level decision task
    workspace = _html(tib.get(done.headers["Location"]))
    assert 'id="pb-panels"' in workspace and 'id="callout-panel"' in workspace and 'id="checklist-panel"' in workspace
    assert "js/callout.js" in workspace
    _no_inline_script(workspace)


def test_screen_two_reports_a_missing_title(login):
    resp = login("duty_officer").post("/activate/storm/confirm", data={"title": "", "context": "x"})
    assert resp.status_code == 422
    html = _html(resp)
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert login("duty_officer").post("/activate/storm/go", data={"title": ""}).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Incident)) == 0


def test_the_flow_is_for_create_incident_only(login):
    for role in ("staff", "observer", "exercise_control"):
        client = login(role)
        assert client.get("/activate").status_code == 403
        assert client.get("/activate/storm").status_code == 403
        assert client.post("/activate/storm/go", data={"title": "Storm"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Incident)) == 0
    assert login("duty_officer").get("/activate/finns-inte").status_code == 404


def test_activation_from_a_deviation_report(login, users):
    d = inbox.report(
        actor=users["staff"],
        what="Vattnet luktar konstigt i Kinna\nFlera samtal",
        where="Kinna centrum",
        services="Dricksvatten",
        contact="VA-jouren 0320-00 05 05",
        organisation="Mark Vatten",
    )
    tib = login("duty_officer")
    choose = _html(tib.get(f"/activate?deviation={d.id}"))
    assert f'href="/activate/dricksvatten?deviation={d.id}"' in choose and "Vattnet luktar konstigt" in choose
    step2 = _html(tib.get(f"/activate/dricksvatten?deviation={d.id}"))
    assert 'value="Vattnet luktar konstigt i Kinna"' in step2
    assert f'name="deviation" type="hidden" value="{d.id}"' in step2
    form = {"title": "Misstänkt förorenat vatten Kinna", "context": "Lukt", "deviation": str(d.id)}
    assert f'value="{d.id}"' in _html(tib.post("/activate/dricksvatten/confirm", data=form))
    done = tib.post("/activate/dricksvatten/go", data=form)
    assert done.status_code == 302
    db.session.expire_all()
    dev = db.session.get(Deviation, d.id)
    assert dev.status.value == "activated" and dev.incident_id is not None
    assert (
        db.session.scalar(
            sa.select(LogEntry.kind).where(LogEntry.incident_id == dev.incident_id, LogEntry.kind == "incoming")
        )
        is not None
    )


def test_playbooks_page_for_everyone(login):
    html = _html(login("observer").get("/playbooks"))
    assert html.count('class="panel"') >= 9 and "Långvarigt elavbrott" in html
    assert "tel:" not in html and "Filer med fel" not in html  # no contact details, no admin part
    staff = _html(login("staff").get("/playbooks"))
    assert 'href="tel:0320000101"' in staff
    admin = _html(login("admin").get("/playbooks"))
    assert "Inga fel" in admin
    _no_inline_script(admin)


def test_callout_page_and_panels_per_role(login):
    inc = login("duty_officer").post("/api/v1/playbooks/storm/activate", json={"title": "Storm"}).get_json()
    observer = _html(login("observer").get(f"/incidents/{inc['id']}"))
    assert 'id="checklist-panel"' in observer and 'id="callout-panel"' not in observer
    page = login("observer").get(f"/incidents/{inc['id']}/callout")
    assert page.status_code == 200 and 'id="callout-panel"' not in _html(page)
    staff = _html(login("staff").get(f"/incidents/{inc['id']}/callout"))
    assert 'id="callout-panel"' in staff and "js/callout.js" in staff and "js/realtime.js" in staff
    assert 'data-can-notify="false"' in staff
    assert 'data-can-notify="true"' in _html(login("duty_officer").get(f"/incidents/{inc['id']}/callout"))


def test_inbox_pages(login, users):
    assert login("duty_officer").get("/inbox").status_code == 200
    assert login("staff").get("/inbox").status_code == 403
    html = _html(login("leader").get("/inbox"))
    assert "js/inbox.js" in html and 'id="dev-todo"' in html
    _no_inline_script(html)

    staff = login("staff")
    form = _html(staff.get("/inbox/new"))
    for field in ("organisation", "what", "where", "since", "services", "contact"):
        assert f'for="{field}"' in form, field
    resp = staff.post(
        "/inbox/new",
        data={
            "organisation": "Barn- och utbildning",
            "what": "Skolan i Horred utan värme",
            "where": "Horred",
            "since": "2026-01-10T06:30",
            "services": "Skola",
            "contact": "Rektor 0320-00 07 07",
        },
    )
    assert resp.status_code == 302
    d = db.session.scalar(sa.select(Deviation))
    assert d.what == "Skolan i Horred utan värme" and d.since is not None and d.reported_by == "Staff Testsson"
    mine = _html(staff.get("/inbox/new"))
    assert "Mina rapporter" in mine and "Skolan i Horred utan värme" in mine
    bad = staff.post("/inbox/new", data={"organisation": "", "what": "", "contact": ""})
    assert bad.status_code == 200 and "flash-error" in _html(bad)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deviation)) == 1
    assert login("observer").get("/inbox/new").status_code == 403
    start = _html(login("duty_officer").get("/"))
    assert "1 ny avvikelserapport" in start and "1 nya" not in start
