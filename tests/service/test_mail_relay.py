"""Call-out mail through an authenticated relay (the kommun's own, Microsoft 365
on port 587): STARTTLS with a verified certificate, then AUTH PLAIN or LOGIN,
against a local aiosmtpd server with a self-signed certificate made here.
Every failure (wrong password, no STARTTLS, an untrusted certificate, a login
configured without STARTTLS) is recorded in the log in plain Swedish."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from crisis.extensions import db
from crisis.log.models import LogEntry
from crisis.playbooks import activation, outbox
from crisis.playbooks.models import MailMessage

USER, PASSWORD = "krisrum@marks-kommun.example", "rätt-lösenord 42"
ELAVBROTT_EMAILS = ["kommundirektor@marks-kommun.example", "beredskap@marks-kommun.example"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1 (PEM cert, PEM key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "relay.pem", directory / "relay.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class _Relay:
    """Collects delivered messages and the login mechanisms used."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str]]] = []
        self.logins: list[tuple[str, bool]] = []  # (mechanism, accepted)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def authenticator(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == USER
            and auth_data.password.decode() == PASSWORD
        )
        self.logins.append((mechanism, ok))
        return AuthResult(success=ok, handled=False)  # aiosmtpd then answers 535 itself


def _start_relay(tmp_path: Path, *, starttls: bool = True, exclude: list[str] | None = None):
    cert_path, key_path = _certificate(tmp_path)
    relay = _Relay()
    kwargs: dict = {
        "authenticator": relay.authenticator,
        "auth_required": True,
        "auth_require_tls": True,
        "auth_exclude_mechanism": exclude or [],
    }
    if starttls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_path, key_path)
        kwargs.update(tls_context=context, require_starttls=True)
    port = _free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, relay, port, cert_path


@pytest.fixture
def relay_factory(app, tmp_path):
    controllers: list[Controller] = []

    def start(**options):
        controller, relay, port, cert_path = _start_relay(tmp_path, **options)
        controllers.append(controller)
        app.config.update(
            CRISIS_SMTP_HOST="127.0.0.1",
            CRISIS_SMTP_PORT=port,
            CRISIS_SMTP_FROM=USER,
            CRISIS_MAIL_DRY_RUN=False,
            CRISIS_SMTP_STARTTLS=True,
            CRISIS_SMTP_USERNAME=USER,
            CRISIS_SMTP_PASSWORD=PASSWORD,
            CRISIS_SMTP_CA_FILE=str(cert_path),
        )
        return relay

    yield start
    for controller in controllers:
        controller.stop()


def _activate(users) -> int:
    incident = activation.activate(
        actor=users["duty_officer"], playbook_key="elavbrott", title="Elavbrott Skene", context="", notify=True
    )
    outbox.wait_for_deliveries()
    return incident.id


def _mail_log(incident_id: int) -> str:
    db.session.rollback()
    (text,) = db.session.scalars(
        sa.select(LogEntry.text).where(
            LogEntry.incident_id == incident_id,
            LogEntry.kind == "system",
            sa.or_(LogEntry.text.like("%e-post%"), LogEntry.text.like("%E-post%")),
        )
    )
    return text


def _states(incident_id: int) -> set[str]:
    db.session.rollback()
    return {
        m.state.value for m in db.session.scalars(sa.select(MailMessage).where(MailMessage.incident_id == incident_id))
    }


def _readable_failure(text: str, reason: str) -> None:
    assert text.startswith("E-post kunde inte skickas till kommundirektor@marks-kommun.example"), text
    assert f"({reason}). Ring i stället." in text, text
    for technical in ("Error", "smtp_", "CRISIS_", "b'", "535", "[Errno", PASSWORD):
        assert technical not in text, (technical, text)


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_sent_after_starttls_and_login(app, users, relay_factory, mechanism):
    other = "LOGIN" if mechanism == "PLAIN" else "PLAIN"
    relay = relay_factory(exclude=[other])
    incident_id = _activate(users)
    assert relay.logins == [(mechanism, True)]
    assert sorted(r for _f, rcpts in relay.messages for r in rcpts) == sorted(ELAVBROTT_EMAILS)
    assert relay.messages[0][0] == USER
    assert _states(incident_id) == {"sent"}
    assert _mail_log(incident_id).startswith("E-post om larmningen skickad till")


@pytest.mark.parametrize("wrong", ["fel-lösenord", "wrong-password"])  # UTF-8 by hand, ASCII by smtplib
def test_wrong_password_is_a_readable_failure(app, users, relay_factory, wrong):
    relay = relay_factory()
    app.config["CRISIS_SMTP_PASSWORD"] = wrong
    incident_id = _activate(users)
    assert relay.messages == [] and relay.logins and not any(ok for _m, ok in relay.logins)
    assert _states(incident_id) == {"failed"}
    _readable_failure(
        _mail_log(incident_id), "e-postservern godtog inte inloggningen: kontrollera användarnamn och lösenord"
    )
    db.session.rollback()
    errors = set(db.session.scalars(sa.select(MailMessage.error).where(MailMessage.incident_id == incident_id)))
    assert all(e.startswith("smtp_auth_failed") and wrong not in e for e in errors)


def test_untrusted_certificate_is_a_readable_failure(app, users, relay_factory):
    relay = relay_factory()
    app.config["CRISIS_SMTP_CA_FILE"] = ""  # the system's CAs do not know the self-signed relay
    incident_id = _activate(users)
    assert relay.messages == [] and relay.logins == []
    _readable_failure(
        _mail_log(incident_id),
        "den krypterade anslutningen till e-postservern misslyckades (certifikatet kunde inte godkännas)",
    )


def test_starttls_wanted_but_not_offered(app, users, relay_factory):
    relay = relay_factory(starttls=False)
    app.config["CRISIS_SMTP_USERNAME"] = ""
    incident_id = _activate(users)
    assert relay.messages == []
    _readable_failure(_mail_log(incident_id), "e-postservern erbjuder ingen krypterad anslutning (STARTTLS)")


def test_login_is_never_sent_without_starttls(app, users, relay_factory):
    relay = relay_factory()
    app.config["CRISIS_SMTP_STARTTLS"] = False
    incident_id = _activate(users)
    assert relay.messages == [] and relay.logins == []
    _readable_failure(
        _mail_log(incident_id),
        "inloggning till e-postservern kräver krypterad anslutning (STARTTLS), som inte är påslagen",
    )


def test_settings_are_read_from_the_environment():
    from crisis.config import load_config

    cfg = load_config(
        {
            "CRISIS_SMTP_STARTTLS": "on",
            "CRISIS_SMTP_USERNAME": " krisrum@marks-kommun.example ",
            "CRISIS_SMTP_PASSWORD": "hemligt",
            "CRISIS_TESTING": "on",
        }
    )
    assert cfg["CRISIS_SMTP_STARTTLS"] is True
    assert cfg["CRISIS_SMTP_USERNAME"] == "krisrum@marks-kommun.example"
    assert cfg["CRISIS_SMTP_PASSWORD"] == "hemligt"
    assert load_config({"CRISIS_TESTING": "on"})["CRISIS_SMTP_STARTTLS"] is False
