"""The reporter role (förvaltningar and bolag): report deviations to the TiB inbox and
follow their own reports, nothing else; create-user --role reporter and the demo user."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crisis.db import utcnow


def _report(client, what="Strömavbrott på vattenverket i Skene"):
    return client.post(
        "/api/v1/deviations",
        json={
            "what": what,
            "since": (utcnow() - timedelta(hours=1)).isoformat(),
            "contact": "Lena Ek, 0320-21 70 05",
            "organisation": "Marks Vatten AB",
        },
    )


def test_a_reporter_reports_and_follows_only_their_own(app, login, users):
    reporter = login("reporter")
    mine = _report(reporter)
    assert mine.status_code == 201, mine.get_json()
    assert mine.get_json()["reported_by"] == users["reporter"].display_name
    other = _report(login("staff"), what="Staffens egen rapport").get_json()
    listed = reporter.get("/api/v1/deviations").get_json()["items"]
    assert [d["id"] for d in listed] == [mine.get_json()["id"]]
    assert reporter.get(f"/api/v1/deviations/{mine.get_json()['id']}").status_code == 200
    assert reporter.get(f"/api/v1/deviations/{other['id']}").status_code == 404
    # The TiB sees both.
    assert len(login("duty_officer").get("/api/v1/deviations").get_json()["items"]) == 2


@pytest.mark.parametrize(
    "method, url",
    [
        ("GET", "/api/v1/incidents"),
        ("POST", "/api/v1/incidents"),
        ("GET", "/api/v1/sites"),
        ("GET", "/api/v1/search?q=vatten"),
        ("GET", "/api/v1/lessons"),
        ("GET", "/api/v1/readiness"),
        ("POST", "/api/v1/deviations/1/assess"),
    ],
)
def test_a_reporter_gets_403_everywhere_else(login, method, url):
    resp = login("reporter").open(url, method=method, json={} if method == "POST" else None)
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden"


def test_the_reporters_pages(app, login, incident):
    reporter = login("reporter")
    _report(reporter, what="Läcka i Örby")
    start = reporter.get("/")
    assert start.status_code == 302 and start.headers["Location"].endswith("/inbox/new")
    page = reporter.get("/inbox/new").get_data(as_text=True)
    assert "Läcka i Örby" in page and "Mina rapporter" in page
    # The menu offers only the report form.
    assert "/inbox/new" in page and f"/incidents/{incident.id}" not in page and 'href="/sites"' not in page
    for url in (f"/incidents/{incident.id}", "/sites", "/search?q=x", "/inbox", "/lessons"):
        resp = reporter.get(url)
        assert resp.status_code == 403, url
        assert "Din roll" in resp.get_data(as_text=True)


def test_create_user_takes_the_reporter_role(app):
    from crisis.auth import service

    res = app.test_cli_runner().invoke(args=["create-user", "va-bolaget", "--role", "reporter", "--password", "x" * 10])
    assert res.exit_code == 0, res.output
    assert service.get_by_username(username="va-bolaget").role.value == "reporter"


def test_the_admin_page_offers_the_reporter_role(login):
    page = login("admin").get("/admin/users").get_data(as_text=True)
    assert 'value="reporter"' in page


def test_the_demo_has_a_reporter():
    from crisis.seed import DEMO_USERS

    assert ("rapportor", "reporter") in {(u[0], u[2]) for u in DEMO_USERS}
