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


def _bool(name: str, value: str) -> bool:
    v = value.strip().lower()
    if v in {"on", "true", "1", "yes"}:
        return True
    if v in {"off", "false", "0", "no", ""}:
        return False
    raise ConfigError(f"{name} must be on or off, not {value!r}")


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
        # The kommun boundary (GeoJSON), a path under static/: the map, the wall
        # and the default area of CAP messages.
        "CRISIS_BOUNDARY": env.get("CRISIS_BOUNDARY") or "geo/marks_kommun.geojson",
        # Sender of CAP messages (no spaces); default krisrum.<kommun>.
        "CRISIS_CAP_SENDER": env.get("CRISIS_CAP_SENDER", "").strip(),
        "CRISIS_TILE_URL": env.get("CRISIS_TILE_URL") or "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "CRISIS_TILE_ATTRIBUTION": env.get("CRISIS_TILE_ATTRIBUTION") or "© OpenStreetMap contributors",
        "CRISIS_LOGIN_RATE_LIMIT": env.get("CRISIS_LOGIN_RATE_LIMIT") or "10 per minute",
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
        "CRISIS_SMTP_HOST": env.get("CRISIS_SMTP_HOST", ""),
        "CRISIS_SMTP_PORT": _int("CRISIS_SMTP_PORT", env.get("CRISIS_SMTP_PORT") or "25", 1, 65535),
        "CRISIS_SMTP_FROM": env.get("CRISIS_SMTP_FROM") or "krisrum@localhost",
        "CRISIS_MAIL_DRY_RUN": _bool("CRISIS_MAIL_DRY_RUN", env.get("CRISIS_MAIL_DRY_RUN") or "on"),
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
        # Ed25519 private key (PEM) that signs checkpoints of the log's chain head;
        # kept outside the database. Empty: no checkpoints (a warning at start).
        "CRISIS_SIGNING_KEY_FILE": env.get("CRISIS_SIGNING_KEY_FILE", "").strip(),
        # Append-only copy of every checkpoint (JSON lines); default beside the key.
        "CRISIS_CHECKPOINT_FILE": env.get("CRISIS_CHECKPOINT_FILE", "").strip(),
        "CRISIS_CHECKPOINT_MINUTES": _int(
            "CRISIS_CHECKPOINT_MINUTES", env.get("CRISIS_CHECKPOINT_MINUTES") or "10", 1, 1440
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # a staff session lasts a long night
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "JSON_SORT_KEYS": False,
    }
    cfg["SESSION_COOKIE_SECURE"] = cfg["CRISIS_SECURE_COOKIES"]
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
