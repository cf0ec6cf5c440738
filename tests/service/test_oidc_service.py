"""OpenID Connect login without a provider: the configuration, group→role mapping, the account
created/updated from the provider's claims, refusals, and the break-glass rule for local logins.
The whole flow against a real provider is tests/live/test_oidc_login.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crisis.auth import oidc
from crisis.config import ConfigError, load_config
from crisis.errors import ApiError

ROLE_MAP = {"krisrum-admin": "admin", "krisledning": "leader", "tib": "duty_officer", "alla": "observer"}
OIDC_ENV = {
    "CRISIS_TESTING": "on",
    "CRISIS_OIDC_ISSUER": "https://login.mark.se/realms/kommun/",
    "CRISIS_OIDC_CLIENT_ID": "krisrum",
    "CRISIS_OIDC_CLIENT_SECRET": "s3cret",
    "CRISIS_OIDC_ROLE_MAP": "krisrum-admin=admin, krisledning=leader",
}


def _login(claims, break_glass=("admin",)):
    return oidc.login(
        claims=claims, groups_claim="groups", role_map=ROLE_MAP, break_glass=list(break_glass), ip="10.0.0.1"
    )


def _failed_count():
    from crisis.auth.models import FailedLogin
    from crisis.extensions import db

    return db.session.scalar(sa.select(sa.func.count()).select_from(FailedLogin))


# --- configuration ---


def test_config_off_without_issuer():
    cfg = load_config({"CRISIS_TESTING": "on", "CRISIS_OIDC_ISSUER": ""})
    assert cfg["CRISIS_OIDC_ISSUER"] == "" and not oidc.enabled(cfg)
    assert cfg["CRISIS_LOCAL_LOGIN"] == "all" and cfg["CRISIS_OIDC_GROUPS_CLAIM"] == "groups"


def test_config_parses_the_role_map():
    cfg = load_config(OIDC_ENV)
    assert cfg["CRISIS_OIDC_ISSUER"] == "https://login.mark.se/realms/kommun"
    assert cfg["CRISIS_OIDC_ROLE_MAP"] == {"krisrum-admin": "admin", "krisledning": "leader"}
    # LDAP DNs hold commas and "=": then the pairs are separated by ";".
    dn = load_config({**OIDC_ENV, "CRISIS_OIDC_ROLE_MAP": "CN=Krisledning,OU=Grupper,DC=mark=leader; cn=x=observer"})
    assert dn["CRISIS_OIDC_ROLE_MAP"] == {"CN=Krisledning,OU=Grupper,DC=mark": "leader", "cn=x": "observer"}


@pytest.mark.parametrize(
    "change, words",
    [
        ({"CRISIS_OIDC_ROLE_MAP": "krisledning=boss"}, "CRISIS_OIDC_ROLE_MAP"),
        ({"CRISIS_OIDC_ROLE_MAP": ""}, "at least one group"),
        ({"CRISIS_OIDC_CLIENT_SECRET": ""}, "CRISIS_OIDC_CLIENT_SECRET"),
        ({"CRISIS_OIDC_ISSUER": "http://login.mark.se"}, "https://"),
        ({"CRISIS_OIDC_SCOPES": "profile"}, "openid"),
        ({"CRISIS_LOCAL_LOGIN": "some"}, "CRISIS_LOCAL_LOGIN"),
        ({"CRISIS_LOCAL_LOGIN": "break-glass"}, "CRISIS_BREAK_GLASS_USERS"),
    ],
)
def test_config_refuses_bad_values(change, words):
    with pytest.raises(ConfigError, match=words):
        load_config({**OIDC_ENV, **change})


def test_http_issuer_only_on_localhost():
    assert load_config({**OIDC_ENV, "CRISIS_OIDC_ISSUER": "http://localhost:5131"})["CRISIS_OIDC_ISSUER"]


# --- mapping ---


def test_the_most_privileged_mapped_role_wins():
    assert oidc.role_for(["alla", "krisledning", "krisrum-admin"], ROLE_MAP).value == "admin"
    assert oidc.role_for(["tib", "krisledning"], ROLE_MAP).value == "leader"
    assert oidc.role_for(["alla", "tib"], ROLE_MAP).value == "duty_officer"
    assert oidc.role_for(["okänd"], ROLE_MAP) is None
    assert oidc.role_for([], ROLE_MAP) is None


def test_groups_and_username_from_claims():
    assert oidc.groups_of({"groups": "tib"}, "groups") == ["tib"]
    assert oidc.groups_of({"groups": ["tib", 3, None]}, "groups") == ["tib"]
    assert oidc.groups_of({"roles": ["tib"]}, "groups") == []
    assert oidc.username_for({"sub": "abc", "preferred_username": "Anna.Berg@Mark.se"}) == "anna.berg-mark.se"
    assert oidc.username_for({"sub": "7f3c-11aa"}) == "7f3c-11aa"
    assert oidc.username_for({"sub": "å"}) == ""


# --- the account ---


def test_first_login_creates_the_user_and_a_session(app):
    from crisis.auth import service

    user, key = _login({"sub": "s-1", "preferred_username": "anna", "name": "Anna A", "groups": ["krisledning"]})
    assert (user.username, user.display_name, user.role.value, user.oidc_subject) == ("anna", "Anna A", "leader", "s-1")
    assert service.load_session_user(user.get_id(), key)[0].id == user.id
    assert service.authenticate(username="anna", password=oidc.NO_PASSWORD) is None  # no password login


def test_a_role_change_at_the_provider_takes_effect_on_the_next_login(app):
    from crisis.auth import service

    user, old_key = _login({"sub": "s-2", "preferred_username": "bo", "groups": ["krisledning"]})
    old_id = user.get_id()
    user2, new_key = _login({"sub": "s-2", "preferred_username": "bo", "name": "Bo B", "groups": ["alla"]})
    assert user2.id == user.id and user2.role.value == "observer" and user2.display_name == "Bo B"
    assert service.load_session_user(old_id, old_key) is None  # the old role's session is over
    assert service.load_session_user(user2.get_id(), new_key) is not None


def test_no_mapped_group_is_refused_recorded_and_creates_nothing(app):
    from crisis.auth import service

    before = _failed_count()
    with pytest.raises(ApiError) as e:
        _login({"sub": "s-3", "preferred_username": "cissi", "groups": ["annat"]})
    assert e.value.code == "oidc_no_role" and e.value.status == 403
    assert "ingen grupp" in str(e.value.message)
    assert service.get_by_username(username="cissi") is None
    assert _failed_count() == before + 1


def test_a_local_account_is_linked_but_never_a_break_glass_one(app, users):
    linked, _ = _login({"sub": "s-4", "preferred_username": "staff", "groups": ["tib"]})
    assert linked.id == users["staff"].id and linked.oidc_subject == "s-4" and linked.role.value == "duty_officer"
    with pytest.raises(ApiError) as e:
        _login({"sub": "s-5", "preferred_username": "admin", "groups": ["krisrum-admin"]})
    assert e.value.code == "oidc_username_taken"
    assert users["admin"].oidc_subject is None
    # Nor can another subject of the same name take over a linked account.
    with pytest.raises(ApiError):
        _login({"sub": "s-6", "preferred_username": "staff", "groups": ["krisrum-admin"]})


def test_a_deactivated_account_is_refused(app):
    from crisis.auth import service

    user, _ = _login({"sub": "s-7", "preferred_username": "dan", "groups": ["alla"]})
    service.update(user_id=user.id, active=False)
    with pytest.raises(ApiError) as e:
        _login({"sub": "s-7", "preferred_username": "dan", "groups": ["krisledning"]})
    assert e.value.code == "account_inactive"
    assert service.get(user_id=user.id).role.value == "observer"


def test_bad_claims_are_refused(app):
    with pytest.raises(ApiError):
        _login({"preferred_username": "x", "groups": ["alla"]})
    with pytest.raises(ApiError):
        _login({"sub": "x" * 256, "groups": ["alla"]})


# --- local logins and the pages ---


def test_break_glass_rule_for_local_logins():
    cfg = {**load_config(OIDC_ENV), "CRISIS_LOCAL_LOGIN": "break-glass", "CRISIS_BREAK_GLASS_USERS": ["admin"]}
    oidc.check_local_login(cfg, " Admin ")
    with pytest.raises(ApiError) as e:
        oidc.check_local_login(cfg, "leader")
    assert e.value.code == "local_login_disabled"
    oidc.check_local_login({**cfg, "CRISIS_LOCAL_LOGIN": "all"}, "leader")
    oidc.check_local_login({**cfg, "CRISIS_OIDC_ISSUER": ""}, "leader")  # without OIDC nothing changes


def test_without_issuer_the_login_page_is_unchanged(app):
    client = app.test_client()
    assert "kommunens inloggning" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/oidc").status_code == 404


def test_unreachable_provider_gives_a_message_on_the_login_page(tmp_path):
    from tests.conftest import make_app

    app = make_app(
        tmp_path,
        **{**OIDC_ENV, "CRISIS_OIDC_ISSUER": "http://127.0.0.1:9"},
        CRISIS_LOCAL_LOGIN="break-glass",
        CRISIS_BREAK_GLASS_USERS="admin",
    )
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/login/oidc"' in page and "Bara reservkonton" in page
    r = client.get("/login/oidc", follow_redirects=True)
    assert r.status_code == 200 and "Kommunens inloggning svarar inte just nu" in r.get_data(as_text=True)
    # A callback nobody started (no state in the session) is refused readably, never a 5xx.
    r = client.get("/login/oidc/callback?code=x&state=y", follow_redirects=True)
    assert r.status_code == 200 and "kunde inte slutföras" in r.get_data(as_text=True)
    r = client.get("/login/oidc/callback?error=access_denied", follow_redirects=True)
    assert r.status_code == 200 and "avbröts" in r.get_data(as_text=True)


def test_a_new_name_at_the_provider_follows_if_free(app, users):
    user, _ = _login({"sub": "s-8", "preferred_username": "eva", "groups": ["alla"]})
    renamed, _ = _login({"sub": "s-8", "preferred_username": "eva.ek", "groups": ["alla"]})
    assert renamed.id == user.id and renamed.username == "eva.ek"
    # A name another account has is not taken: the user keeps the old one.
    kept, _ = _login({"sub": "s-8", "preferred_username": "leader", "groups": ["alla"]})
    assert kept.id == user.id and kept.username == "eva.ek"
    assert users["leader"].username == "leader"
