"""Server-rendered pages: login, start, workspace, exports, admin; escaping and CSP."""

from __future__ import annotations

import re

from crisis.log import service as log
from tests.conftest import PASSWORD


def test_pages_need_login(app, incident):
    client = app.test_client()
    for path in ("/", f"/incidents/{incident.id}", "/admin/users", f"/incidents/{incident.id}/log.csv"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], path


def test_login_form_flow(app, users):
    client = app.test_client()
    page = client.get("/login")
    assert page.status_code == 200 and 'lang="sv"' in page.get_data(as_text=True)
    bad = client.post("/login", data={"username": "staff", "password": "nope"})
    assert bad.status_code == 401 and "Fel användarnamn eller lösenord" in bad.get_data(as_text=True)
    ok = client.post("/login?next=/admin/users", data={"username": "staff", "password": PASSWORD})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/admin/users")
    evil = app.test_client()
    resp = evil.post("/login?next=//evil.example/x", data={"username": "staff", "password": PASSWORD})
    assert resp.headers["Location"] == "/"


def test_start_page_separates_exercises_and_computes_kommun_level(login, users):
    from crisis.incidents import service

    decision = dict(decided_by="Karin Lindqvist", mandate="Delegationsordningen p. 3.2", reason="Storm")
    service.create(actor=users["leader"], title="Skarp händelse", kind="storm", level="reinforced", **decision)
    service.create(
        actor=users["leader"], title="Övning Vinter", kind="elavbrott", level="staff", mode="exercise", **decision
    )
    html = login("observer").get("/").get_data(as_text=True)
    assert "Skarp händelse" in html and "Övning Vinter" in html
    # The exercise's stabsläge does not raise the kommun's level.
    assert "Kommunens nivå: <strong>Förstärkningsläge</strong>" in html
    assert "Öppna en händelse" not in html  # observers cannot open incidents
    assert "Öppna en händelse" in login("duty_officer").get("/").get_data(as_text=True)


def test_exercise_incident_pages_say_ovning(login, users):
    from crisis.incidents import service

    inc = service.create(actor=users["duty_officer"], title="Övning", kind="x", mode="exercise")
    client = login("staff")
    for path in (f"/incidents/{inc.id}", f"/incidents/{inc.id}/log/print"):
        assert "ÖVNING" in client.get(path).get_data(as_text=True), path
    csv = client.get(f"/incidents/{inc.id}/log.csv")
    assert "OVNING" in csv.headers["Content-Disposition"]


def test_workspace_has_no_inline_script_and_a_strict_csp(login, incident):
    resp = login("staff").get(f"/incidents/{incident.id}")
    html = resp.get_data(as_text=True)
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, tag  # no inline scripts
    assert " on" not in " ".join(re.findall(r"<[^>]+ on[a-z]+=", html))
    assert f'data-incident="{incident.id}"' in html


def test_user_text_is_escaped_in_pages(login, incident, users):
    log.append(actor=users["staff"], incident_id=incident.id, text="<img src=x onerror=alert(1)>")
    html = login("staff").get(f"/incidents/{incident.id}/log/print").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_exports_mask_confidential_and_keep_observers_out(login, incident, users):
    log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Hotad persons adress",
        kind="info",
        classification="confidential",
        osl_ground="OSL 21 kap. 3 §",
    )
    log.append(actor=users["staff"], incident_id=incident.id, text='=HYPERLINK("x")')
    staff = login("staff")
    full = staff.get(f"/incidents/{incident.id}/log.csv").get_data(as_text=True)
    assert "Hotad persons adress" in full
    assert "'=HYPERLINK" in full  # spreadsheet formula neutralised
    masked = staff.get(f"/incidents/{incident.id}/log.csv?masked=1").get_data(as_text=True)
    assert "Hotad persons adress" not in masked and "OSL 21 kap. 3 §" in masked
    printed = staff.get(f"/incidents/{incident.id}/log/print?masked=1").get_data(as_text=True)
    assert "Hotad persons adress" not in printed and "Sekretess enligt" in printed
    observer = login("observer")
    for path in (f"/incidents/{incident.id}/log.csv", f"/incidents/{incident.id}/log/print"):
        assert "Hotad persons adress" not in observer.get(path).get_data(as_text=True)


def test_admin_users_page(login, users):
    assert login("leader").get("/admin/users").status_code == 403
    admin = login("admin")
    assert "Användare och behörigheter" in admin.get("/admin/users").get_data(as_text=True)
    resp = admin.post(
        "/admin/users",
        data={
            "new-username": "lisa",
            "new-display_name": "Lisa Lund",
            "new-role": "staff",
            "new-password": "long-enough-pw",
            "new-phone": "",
            "new-email": "",
        },
        follow_redirects=True,
    )
    assert "Användaren lisa skapades" in resp.get_data(as_text=True)
    from crisis.auth import service

    lisa = service.get_by_username(username="lisa")
    admin.post(f"/admin/users/{lisa.id}", data={f"u{lisa.id}-role": "observer", f"u{lisa.id}-active": "y"})
    assert service.get_by_username(username="lisa").role.value == "observer"
    resp = admin.post("/admin/tokens", data={"tok-name": "WIS", "user_id": str(lisa.id)})
    token = re.search(r'<code class="token">([^<]+)</code>', resp.get_data(as_text=True)).group(1)
    assert app_client_me(admin, token) == "lisa"


def app_client_me(client, token):
    return (
        client.application.test_client()
        .get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        .get_json()["username"]
    )


def test_role_change_ends_existing_sessions(login, users):
    from crisis.auth import service

    staff = login("staff")
    assert staff.get("/api/v1/auth/me").status_code == 200
    service.update(user_id=users["staff"].id, role="observer")
    assert staff.get("/api/v1/auth/me").status_code == 401


def test_language_switch_to_english(login, incident):
    client = login("staff")
    client.post("/lang/en")
    html = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in html
