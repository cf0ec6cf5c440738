"""Configuration, read once from the environment (and `.env` via python-dotenv).

Every key is documented in `config.example.env`. The rest of the code reads
`current_app.config[...]`, never `os.environ`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent.parent

# The secret key shipped in config.example.env. The app refuses to start with
# it unless it runs in demo or debug mode.
EXAMPLE_SECRET_KEY = "change-me-this-is-the-example-key"


class ConfigError(RuntimeError):
    """A configuration value is missing or invalid; the message says which."""


def _roles(name: str, value: str) -> frozenset[str]:
    from crisis.enums import Role

    roles = {r.strip() for r in value.split(",") if r.strip()}
    unknown = roles - {r.value for r in Role}
    if unknown:
        raise ConfigError(f"{name}: unknown role(s) {', '.join(sorted(unknown))}")
    return frozenset(roles)


def _bool(name: str, value: str) -> bool:
    v = value.strip().lower()
    if v in {"on", "true", "1", "yes"}:
        return True
    if v in {"off", "false", "0", "no", ""}:
        return False
    raise ConfigError(f"{name} must be on or off, not {value!r}")


def _roles(name: str, value: str) -> tuple[str, ...]:
    known = ("admin", "leader", "staff", "duty_officer", "exercise_control", "observer", "reporter")
    roles = tuple(r.strip() for r in value.split(",") if r.strip())
    bad = [r for r in roles if r not in known]
    if not roles or bad:
        raise ConfigError(f"{name} must be a comma-separated list of roles ({', '.join(known)}), not {value!r}")
    return roles


def _choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _int(name: str, value: str, lo: int, hi: int) -> int:
    try:
        n = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, not {value!r}") from None
    if not lo <= n <= hi:
        raise ConfigError(f"{name} must be between {lo} and {hi}, not {n}")
    return n


def _oidc(env: Mapping[str, str]) -> dict[str, Any]:
    """Login with the kommun's identity provider over OpenID Connect (crisis/auth/oidc.py).
    Without CRISIS_OIDC_ISSUER it is off and only local accounts exist."""
    from urllib.parse import urlsplit

    from crisis.enums import Role

    issuer = env.get("CRISIS_OIDC_ISSUER", "").strip().rstrip("/")
    local = _choice("CRISIS_LOCAL_LOGIN", env.get("CRISIS_LOCAL_LOGIN") or "all", ("all", "break-glass"))
    cfg: dict[str, Any] = {
        "CRISIS_OIDC_ISSUER": issuer,
        "CRISIS_OIDC_CLIENT_ID": env.get("CRISIS_OIDC_CLIENT_ID", "").strip(),
        "CRISIS_OIDC_CLIENT_SECRET": env.get("CRISIS_OIDC_CLIENT_SECRET", "").strip(),
        "CRISIS_OIDC_SCOPES": " ".join((env.get("CRISIS_OIDC_SCOPES") or "openid profile groups").split()),
        "CRISIS_OIDC_GROUPS_CLAIM": env.get("CRISIS_OIDC_GROUPS_CLAIM", "").strip() or "groups",
        "CRISIS_OIDC_ROLE_MAP": {},
        "CRISIS_LOCAL_LOGIN": local,
        "CRISIS_BREAK_GLASS_USERS": [
            u.strip().lower() for u in env.get("CRISIS_BREAK_GLASS_USERS", "").split(",") if u.strip()
        ],
    }
    if not issuer:
        return cfg
    url = urlsplit(issuer)
    local_host = url.hostname in {"localhost", "127.0.0.1", "::1"}
    if url.scheme != "https" and not (url.scheme == "http" and local_host):
        raise ConfigError("CRISIS_OIDC_ISSUER must be an https:// URL (http:// only for localhost)")
    if not cfg["CRISIS_OIDC_CLIENT_ID"] or not cfg["CRISIS_OIDC_CLIENT_SECRET"]:
        raise ConfigError(
            "CRISIS_OIDC_ISSUER is set: CRISIS_OIDC_CLIENT_ID and CRISIS_OIDC_CLIENT_SECRET are needed too"
        )
    if "openid" not in cfg["CRISIS_OIDC_SCOPES"].split():
        raise ConfigError("CRISIS_OIDC_SCOPES must include openid")
    raw = env.get("CRISIS_OIDC_ROLE_MAP", "").strip()
    # Group names may contain commas (LDAP DNs): then separate the pairs with ";".
    pairs = [p.strip() for p in raw.split(";" if ";" in raw else ",") if p.strip()]
    roles = {r.value for r in Role}
    role_map: dict[str, str] = {}
    for pair in pairs:
        group, eq, role = pair.rpartition("=")
        if not eq or not group.strip() or role.strip() not in roles:
            raise ConfigError(
                f"CRISIS_OIDC_ROLE_MAP: {pair!r} is not GROUP=ROLE with ROLE one of {', '.join(sorted(roles))}"
            )
        role_map[group.strip()] = role.strip()
    if not role_map:
        raise ConfigError("CRISIS_OIDC_ISSUER is set: CRISIS_OIDC_ROLE_MAP must map at least one group to a role")
    cfg["CRISIS_OIDC_ROLE_MAP"] = role_map
    if local == "break-glass" and not cfg["CRISIS_BREAK_GLASS_USERS"]:
        raise ConfigError(
            "CRISIS_LOCAL_LOGIN=break-glass needs CRISIS_BREAK_GLASS_USERS "
            "(else nobody can log in while the identity provider is down)"
        )
    return cfg


def _public_url(env: Mapping[str, str]) -> str:
    """The address people outside the crisis room open Krisrum at (links in call-out mail and SMS)."""
    from urllib.parse import urlsplit

    url = env.get("CRISIS_PUBLIC_URL", "").strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            "CRISIS_PUBLIC_URL must be an http:// or https:// address without query or fragment "
            "(e.g. https://krisrum.kommun.se)"
        )
    return url


def _sms(env: Mapping[str, str]) -> dict[str, Any]:
    """The SMS gateway (crisis/playbooks/sms.py): JSON POST {to, from, text} with a bearer token."""
    from urllib.parse import urlsplit

    url = env.get("CRISIS_SMS_GATEWAY_URL", "").strip()
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise ConfigError("CRISIS_SMS_GATEWAY_URL must be an http:// or https:// URL")
    secret = env.get("CRISIS_SMS_INBOUND_SECRET", "").strip()
    if secret and len(secret) < 16:
        raise ConfigError("CRISIS_SMS_INBOUND_SECRET must be at least 16 characters")
    return {
        "CRISIS_SMS_GATEWAY_URL": url,
        "CRISIS_SMS_GATEWAY_TOKEN": env.get("CRISIS_SMS_GATEWAY_TOKEN", "").strip(),
        "CRISIS_SMS_SENDER": (env.get("CRISIS_SMS_SENDER") or "Krisrum").strip(),
        "CRISIS_SMS_INBOUND_SECRET": secret,
        # Exercise incidents send SMS only to these numbers (comma-separated); others are logged as not sent.
        "CRISIS_EXERCISE_SMS_ALLOWLIST": [
            n.strip() for n in env.get("CRISIS_EXERCISE_SMS_ALLOWLIST", "").split(",") if n.strip()
        ],
        "CRISIS_SMS_TIMEOUT": _int("CRISIS_SMS_TIMEOUT", env.get("CRISIS_SMS_TIMEOUT") or "10", 1, 120),
        "CRISIS_SMS_RETRIES": _int("CRISIS_SMS_RETRIES", env.get("CRISIS_SMS_RETRIES") or "3", 0, 10),
        # Seconds before the first retry; doubled for each further one.
        "CRISIS_SMS_RETRY_SECONDS": _int(
            "CRISIS_SMS_RETRY_SECONDS", env.get("CRISIS_SMS_RETRY_SECONDS") or "5", 0, 600
        ),
    }


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config dict from the environment plus `overrides`.

    `.env` in the repository root is loaded first; real environment
    variables win over it (python-dotenv does not override by default).
    """
    load_dotenv(ROOT / ".env")
    env = dict(os.environ)
    if overrides:
        # CRISIS_* overrides behave exactly like environment variables.
        env.update({k: str(v) for k, v in overrides.items() if k.startswith("CRISIS_")})

    default_db = f"sqlite:///{ROOT / 'instance' / 'krisrum.sqlite3'}"
    db_url = env.get("CRISIS_DATABASE_URL") or default_db
    if db_url.startswith("postgres://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgres://") :]
    elif db_url.startswith("postgresql://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgresql://") :]

    demo = _bool("CRISIS_DEMO", env.get("CRISIS_DEMO", "off"))
    debug = _bool("CRISIS_DEBUG", env.get("CRISIS_DEBUG", "off"))
    secret = env.get("CRISIS_SECRET_KEY", "")

    cfg: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SECRET_KEY": secret,
        "CRISIS_HOST": env.get("CRISIS_HOST") or "127.0.0.1",
        "CRISIS_PORT": _int("CRISIS_PORT", env.get("CRISIS_PORT") or "5000", 1, 65535),
        "CRISIS_MESSAGE_QUEUE": env.get("CRISIS_MESSAGE_QUEUE", "").strip(),
        "CRISIS_REPLAY_LIMIT": _int("CRISIS_REPLAY_LIMIT", env.get("CRISIS_REPLAY_LIMIT") or "2000", 1, 1_000_000),
        "CRISIS_SCHEDULER": _bool("CRISIS_SCHEDULER", env.get("CRISIS_SCHEDULER") or "on"),
        "CRISIS_ASSETS": _choice("CRISIS_ASSETS", env.get("CRISIS_ASSETS") or "local", ("cdn", "local")),
        "CRISIS_DEMO": demo,
        "CRISIS_DEBUG": debug,
        "CRISIS_KOMMUN": env.get("CRISIS_KOMMUN") or "Marks kommun",
        # Who lägesrapporter go to (the send form's default, the print page's and WIS text's "Till").
        "CRISIS_REPORT_RECIPIENT": env.get("CRISIS_REPORT_RECIPIENT", "").strip()
        or "Länsstyrelsen i Västra Götalands län",
        # Roles that see what the RSA classifies about sites (Styrel priority, reservkraft hours).
        "CRISIS_SITE_SENSITIVE_ROLES": _roles(
            "CRISIS_SITE_SENSITIVE_ROLES",
            env.get("CRISIS_SITE_SENSITIVE_ROLES") or "admin,leader,staff,duty_officer,exercise_control",
        ),
        # The kommun boundary (GeoJSON), a path under static/: the map, the wall
        # and the default area of CAP messages.
        "CRISIS_BOUNDARY": env.get("CRISIS_BOUNDARY") or "geo/marks_kommun.geojson",
        # Sender of CAP messages (no spaces); default krisrum.<kommun>.
        "CRISIS_CAP_SENDER": env.get("CRISIS_CAP_SENDER", "").strip(),
        # Crisis communication: who approves messages to the public, and CAP details.
        "CRISIS_MESSAGE_APPROVER_ROLES": _roles(
            "CRISIS_MESSAGE_APPROVER_ROLES", env.get("CRISIS_MESSAGE_APPROVER_ROLES") or "leader,admin"
        ),
        "CRISIS_MESSAGE_SELF_APPROVAL": _bool(
            "CRISIS_MESSAGE_SELF_APPROVAL", env.get("CRISIS_MESSAGE_SELF_APPROVAL") or "off"
        ),
        "CRISIS_KOMMUNKOD": (env.get("CRISIS_KOMMUNKOD") or "1463").strip(),
        "CRISIS_CAP_GEOCODE_NAME": (env.get("CRISIS_CAP_GEOCODE_NAME") or "Kommunkod").strip(),
        "CRISIS_CAP_WEB": env.get("CRISIS_CAP_WEB", "").strip(),
        "CRISIS_CAP_CONTACT": env.get("CRISIS_CAP_CONTACT", "").strip(),
        "CRISIS_CAP_FEED_PUBLIC": _bool("CRISIS_CAP_FEED_PUBLIC", env.get("CRISIS_CAP_FEED_PUBLIC") or "on"),
        "CRISIS_TILE_URL": env.get("CRISIS_TILE_URL") or "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "CRISIS_TILE_ATTRIBUTION": env.get("CRISIS_TILE_ATTRIBUTION") or "© OpenStreetMap contributors",
        "CRISIS_LOGIN_RATE_LIMIT": env.get("CRISIS_LOGIN_RATE_LIMIT") or "10 per minute",
        # Refused tries per client address at the endpoints without a login: an unknown or
        # expired acknowledgement link (/ack/...) and a wrong SMS gateway secret. Only refusals
        # count, so a whole call-out list acknowledging from one office network is never slowed.
        "CRISIS_REFUSED_RATE_LIMIT": env.get("CRISIS_REFUSED_RATE_LIMIT") or "20 per minute",
        # A browser session unused for this long is over (the next request asks for a login).
        "CRISIS_SESSION_IDLE_MINUTES": _int(
            "CRISIS_SESSION_IDLE_MINUTES", env.get("CRISIS_SESSION_IDLE_MINUTES") or "480", 1, 525_600
        ),
        # Per account (whatever the address): after this many refused logins within
        # the lockout window, the account takes no password until the window has passed.
        "CRISIS_LOGIN_MAX_FAILURES": _int(
            "CRISIS_LOGIN_MAX_FAILURES", env.get("CRISIS_LOGIN_MAX_FAILURES") or "5", 1, 1000
        ),
        "CRISIS_LOGIN_LOCKOUT_MINUTES": _int(
            "CRISIS_LOGIN_LOCKOUT_MINUTES", env.get("CRISIS_LOGIN_LOCKOUT_MINUTES") or "15", 1, 1440
        ),
        "CRISIS_SECURE_COOKIES": _bool("CRISIS_SECURE_COOKIES", env.get("CRISIS_SECURE_COOKIES", "off")),
        "CRISIS_TESTING": _bool("CRISIS_TESTING", env.get("CRISIS_TESTING", "off")),
        "CRISIS_PLAYBOOK_DIR": env.get("CRISIS_PLAYBOOK_DIR") or str(ROOT / "playbooks"),
        # The highest level a TiB (duty_officer) may decide; a playbook above it only proposes.
        "CRISIS_TIB_MAX_LEVEL": _choice(
            "CRISIS_TIB_MAX_LEVEL",
            env.get("CRISIS_TIB_MAX_LEVEL") or "monitoring",
            ("normal", "monitoring", "reinforced", "staff"),
        ),
        # The kommun's delegationsordning: the mandates a decision may be taken under.
        "CRISIS_DELEGATION_FILE": env.get("CRISIS_DELEGATION_FILE") or str(ROOT / "config" / "delegationsordning.yaml"),
        # The kommun's sambandsplan (Rakel talk groups, numbers, runners, meeting points), copied to each incident.
        "CRISIS_SAMBANDSPLAN_FILE": env.get("CRISIS_SAMBANDSPLAN_FILE") or str(ROOT / "config" / "sambandsplan.yaml"),
        "CRISIS_SMTP_HOST": env.get("CRISIS_SMTP_HOST", ""),
        "CRISIS_SMTP_PORT": _int("CRISIS_SMTP_PORT", env.get("CRISIS_SMTP_PORT") or "25", 1, 65535),
        "CRISIS_SMTP_FROM": env.get("CRISIS_SMTP_FROM") or "krisrum@localhost",
        # An authenticated relay (e.g. Microsoft 365 on port 587): STARTTLS upgrades
        # the connection before anything else is said; the login is sent only over
        # it. The password comes from configuration only (never a page or the API).
        "CRISIS_SMTP_STARTTLS": _bool("CRISIS_SMTP_STARTTLS", env.get("CRISIS_SMTP_STARTTLS") or "off"),
        "CRISIS_SMTP_USERNAME": env.get("CRISIS_SMTP_USERNAME", "").strip(),
        "CRISIS_SMTP_PASSWORD": env.get("CRISIS_SMTP_PASSWORD", ""),
        # A PEM file of CA certificates to trust for the relay (a kommun's own CA);
        # empty: the system's trusted certificates.
        "CRISIS_SMTP_CA_FILE": env.get("CRISIS_SMTP_CA_FILE", "").strip(),
        "CRISIS_MAIL_DRY_RUN": _bool("CRISIS_MAIL_DRY_RUN", env.get("CRISIS_MAIL_DRY_RUN") or "on"),
        # Call-out acknowledgement: minutes before "not acknowledged" is raised (and the
        # ersättare proposed), and how long an acknowledgement link works.
        "CRISIS_CALLOUT_ACK_MINUTES": _int(
            "CRISIS_CALLOUT_ACK_MINUTES", env.get("CRISIS_CALLOUT_ACK_MINUTES") or "10", 1, 1440
        ),
        "CRISIS_ACK_LINK_DAYS": _int("CRISIS_ACK_LINK_DAYS", env.get("CRISIS_ACK_LINK_DAYS") or "7", 1, 90),
        # Where links in call-out mail and SMS point (the acknowledgement link, the incident);
        # empty: the address the sender's own request came to.
        "CRISIS_PUBLIC_URL": _public_url(env),
        # SMS through an HTTP gateway (off without a URL): see README "SMS gateway".
        **_sms(env),
        "CRISIS_EXERCISE_MAIL_ALLOWLIST": [
            a.strip().lower() for a in env.get("CRISIS_EXERCISE_MAIL_ALLOWLIST", "").split(",") if a.strip()
        ],
        # Capacity of one web process (python -m crisis.server, one gevent worker).
        "CRISIS_WORKER_CONNECTIONS": _int(
            "CRISIS_WORKER_CONNECTIONS", env.get("CRISIS_WORKER_CONNECTIONS") or "6000", 10, 1_000_000
        ),
        "CRISIS_MAX_SOCKETS": _int("CRISIS_MAX_SOCKETS", env.get("CRISIS_MAX_SOCKETS") or "5000", 1, 1_000_000),
        # Reverse proxies (nginx) in front that set X-Forwarded-For/-Proto/-Host;
        # 0 = none (their headers are then not trusted).
        "CRISIS_PROXY_COUNT": _int("CRISIS_PROXY_COUNT", env.get("CRISIS_PROXY_COUNT") or "0", 0, 5),
        "CRISIS_DB_POOL_SIZE": _int("CRISIS_DB_POOL_SIZE", env.get("CRISIS_DB_POOL_SIZE") or "10", 1, 1000),
        # The largest file (MB, 1 MB = 1,048,576 bytes) attached to a samverkanskonferens (the samlad lägesbild).
        "CRISIS_ATTACHMENT_MAX_MB": _int(
            "CRISIS_ATTACHMENT_MAX_MB", env.get("CRISIS_ATTACHMENT_MAX_MB") or "10", 1, 100
        ),
        # Ed25519 private key (PEM) that signs checkpoints of the log's chain head;
        # kept outside the database. Empty: no checkpoints (a warning at start).
        "CRISIS_SIGNING_KEY_FILE": env.get("CRISIS_SIGNING_KEY_FILE", "").strip(),
        # Append-only copy of every checkpoint (JSON lines); default beside the key.
        "CRISIS_CHECKPOINT_FILE": env.get("CRISIS_CHECKPOINT_FILE", "").strip(),
        "CRISIS_CHECKPOINT_MINUTES": _int(
            "CRISIS_CHECKPOINT_MINUTES", env.get("CRISIS_CHECKPOINT_MINUTES") or "10", 1, 1440
        ),
        **_oidc(env),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # a staff session lasts a long night
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,  # raised below to let the largest attachment through
        "JSON_SORT_KEYS": False,
    }
    cfg["SESSION_COOKIE_SECURE"] = cfg["CRISIS_SECURE_COOKIES"]
    # A request may carry the largest attachment plus its multipart envelope (1 MB is ample).
    cfg["MAX_CONTENT_LENGTH"] = max(cfg["MAX_CONTENT_LENGTH"], (cfg["CRISIS_ATTACHMENT_MAX_MB"] + 1) * 1024 * 1024)
    if ":memory:" not in db_url and db_url not in ("sqlite://", "sqlite:///"):
        # Requests wait for a pooled connection rather than open without
        # bound; as many again may be opened for a burst.
        pool = cfg["CRISIS_DB_POOL_SIZE"]
        cfg["SQLALCHEMY_ENGINE_OPTIONS"].update(pool_size=pool, max_overflow=pool, pool_timeout=30)
    if cfg["CRISIS_MAX_SOCKETS"] >= cfg["CRISIS_WORKER_CONNECTIONS"]:
        raise ConfigError(
            "CRISIS_MAX_SOCKETS must be below CRISIS_WORKER_CONNECTIONS "
            "(the difference is what stays free for HTTP requests)"
        )
    if overrides:
        # Anything else (Flask keys, e.g. TESTING) is passed through as given.
        cfg.update({k: v for k, v in overrides.items() if not k.startswith("CRISIS_")})
    _check_secret(cfg)
    return cfg


def _check_secret(cfg: dict[str, Any]) -> None:
    """Refuse to run a real deployment with no key or the published example key."""
    secret = cfg["SECRET_KEY"]
    relaxed = cfg["CRISIS_DEMO"] or cfg["CRISIS_DEBUG"] or cfg["CRISIS_TESTING"]
    if relaxed:
        if not secret:
            # Demo/debug/test without a key: a random one per process is
            # safe (sessions end at restart), and make run writes one to .env.
            cfg["SECRET_KEY"] = os.urandom(32).hex()
        return
    if not secret:
        raise ConfigError("CRISIS_SECRET_KEY is not set (see config.example.env)")
    if secret == EXAMPLE_SECRET_KEY:
        raise ConfigError(
            "CRISIS_SECRET_KEY is the example key from config.example.env; "
            "set a secret of your own, or CRISIS_DEMO=on for a demo"
        )
    if len(secret) < 16:
        raise ConfigError("CRISIS_SECRET_KEY must be at least 16 characters")
