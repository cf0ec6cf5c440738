"""Login with the kommun's identity provider, against a real OpenID Connect provider.

tests/oidc/provider.js (the npm package oidc-provider, pinned in tests/oidc/package-lock.json)
runs on a free port; Krisrum runs with the production server stack, configured against it.
The flow is followed with requests, as a browser would: Krisrum → the provider's login
form → its consent form → Krisrum's callback (authorization code with PKCE).

Needs `npm ci --prefix tests/oidc` (CI does it); without node_modules the module skips,
except in CI (CI=true), where it must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from tests.livehelpers import PASSWORD, LiveServer, free_port

pytestmark = pytest.mark.live

OIDC_DIR = Path(__file__).resolve().parent.parent / "oidc"
NODE = shutil.which("node") or "/usr/bin/node"


class Provider:
    def __init__(self, workdir: Path, redirect_uri: str) -> None:
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.redirect_uri = redirect_uri
        self.log_path = workdir / "oidc-provider.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Provider:
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [NODE, str(OIDC_DIR / "provider.js"), str(self.port), self.redirect_uri],
            cwd=OIDC_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oidc-provider exited: {self.log_path.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/.well-known/openid-configuration", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"oidc-provider did not start: {self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("tests/oidc/node_modules is missing: run `npm ci --prefix tests/oidc`")
        pytest.skip("tests/oidc/node_modules is missing (npm ci --prefix tests/oidc)")
    workdir = tmp_path_factory.mktemp("oidc")
    app_port = free_port()
    idp = Provider(workdir, f"http://127.0.0.1:{app_port}/login/oidc/callback").start()
    server = LiveServer(
        workdir,
        port=app_port,
        env={
            "CRISIS_OIDC_ISSUER": idp.url,
            "CRISIS_OIDC_CLIENT_ID": "krisrum",
            "CRISIS_OIDC_CLIENT_SECRET": "krisrum-test-secret",
            "CRISIS_OIDC_ROLE_MAP": "krisrum-admin=admin,krisledning=leader",
            "CRISIS_LOCAL_LOGIN": "break-glass",
            "CRISIS_BREAK_GLASS_USERS": "admin,duty-officer",
        },
    )
    try:
        server.start(timeout=120)
    except Exception:
        idp.stop()
        raise
    yield server, idp
    server.stop()
    idp.stop()


def _form_action(html: str) -> str:
    return re.search(r'<form[^>]*action="([^"]+)"', html).group(1)


def _flash(html: str) -> str:
    found = re.search(r'class="flash[^"]*"[^>]*>(.*?)</', html, re.S)
    return found.group(1).strip() if found else ""


def oidc_login(server: LiveServer, account: str) -> tuple[requests.Session, requests.Response]:
    """Log in at the provider as `account` (any password) and give consent; the session and
    Krisrum's last answer (the page the callback redirected to)."""
    s = requests.Session()
    r = s.get(server.url + "/login/oidc?next=/account", timeout=10)
    assert 'name="prompt" value="login"' in r.text, r.text[:2000]
    r = s.post(
        urljoin(r.url, _form_action(r.text)), data={"prompt": "login", "login": account, "password": "x"}, timeout=10
    )
    if 'name="prompt" value="consent"' in r.text:
        r = s.post(urljoin(r.url, _form_action(r.text)), data={"prompt": "consent"}, timeout=10)
    assert r.url.startswith(server.url), r.url
    return s, r


def _me(s: requests.Session, server: LiveServer) -> requests.Response:
    return s.get(server.url + "/api/v1/auth/me", headers={"Accept": "application/json"}, timeout=10)


def test_login_page_offers_the_kommun_login(stack):
    server, _idp = stack
    page = requests.get(server.url + "/login", timeout=10).text
    assert 'href="/login/oidc' in page
    assert "Logga in med kommunens inloggning" in page


def test_groups_map_to_roles(stack):
    server, _idp = stack
    anna, r = oidc_login(server, "anna")  # krisledning + an unmapped group
    assert r.url == server.url + "/account"  # back where the login began
    me = _me(anna, server).json()
    assert (me["username"], me["role"], me["display_name"]) == ("anna.andersson", "leader", "Anna Andersson")

    bertil, _ = oidc_login(server, "bertil")  # krisledning and krisrum-admin: the more privileged wins
    me = _me(bertil, server).json()
    assert (me["username"], me["role"]) == ("bertil.berg-mark.se", "admin")

    # A second login finds the same account, not a new one.
    again, _ = oidc_login(server, "anna")
    assert _me(again, server).json()["id"] == _me(anna, server).json()["id"]


def test_a_user_without_a_mapped_group_is_refused(stack):
    server, _idp = stack
    s, r = oidc_login(server, "cissi")
    assert r.status_code == 200 and r.url.startswith(server.url + "/login")
    assert "ingen grupp som ger behörighet" in r.text
    assert _me(s, server).status_code == 401
    # Recorded with the refused logins on the admin page.
    admin = server.cookie_session("admin")
    assert re.search(r"<td>cissi <span", admin.get(server.url + "/admin/users", timeout=10).text)


def test_the_provider_cannot_take_over_a_break_glass_account(stack):
    server, _idp = stack
    s, r = oidc_login(server, "admin")  # preferred_username "admin", group krisrum-admin
    assert "tillhör ett annat konto" in r.text
    assert _me(s, server).status_code == 401


def test_logout_ends_the_session(stack):
    server, _idp = stack
    s, _ = oidc_login(server, "anna")
    copied = dict(s.cookies.get_dict(domain="127.0.0.1"))
    assert _me(s, server).status_code == 200
    page = s.get(server.url + "/account", timeout=10).text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    r = s.post(server.url + "/logout", data={"csrf_token": token}, timeout=10)
    assert r.url.startswith(server.url + "/login")
    assert _me(s, server).status_code == 401
    # Ended on the server: a copy of the cookie taken before the logout is dead too.
    assert requests.get(server.url + "/api/v1/auth/me", cookies=copied, timeout=10).status_code == 401


def test_provider_down_break_glass_login_works_and_others_are_refused(stack):
    server, idp = stack
    idp.stop()
    r = requests.get(server.url + "/login/oidc", timeout=30)
    assert r.status_code == 200 and r.url.startswith(server.url + "/login")
    assert "Kommunens inloggning svarar inte just nu" in r.text

    # A break-glass account logs in with its password...
    ok = requests.post(server.url + "/api/v1/auth/login", json={"username": "admin", "password": PASSWORD}, timeout=10)
    assert ok.status_code == 200 and ok.json()["role"] == "admin"
    # ...on the page too...
    s = requests.Session()
    page = s.get(server.url + "/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    r = s.post(
        server.url + "/login", data={"csrf_token": token, "username": "duty-officer", "password": PASSWORD}, timeout=10
    )
    assert _me(s, server).json()["role"] == "duty_officer"
    # ...while an ordinary local account is left to the identity provider, right password or not.
    refused = requests.post(
        server.url + "/api/v1/auth/login", json={"username": "leader", "password": PASSWORD}, timeout=10
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "local_login_disabled"
    s = requests.Session()
    page = s.get(server.url + "/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    r = s.post(
        server.url + "/login", data={"csrf_token": token, "username": "leader", "password": PASSWORD}, timeout=10
    )
    assert r.status_code == 403 and "Lokala konton används bara som reserv" in r.text
    assert _me(s, server).status_code == 401
