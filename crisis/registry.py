"""What the domains register on an app: menu entries and hooks.

Each domain package has one `init_app(app)` (see crisis/README.md) that
registers its blueprints, CLI commands (`app.cli.add_command`) and, here,
its menu entries, demo-data loaders, close hooks and scheduler start-up
jobs. `create_app` calls them in the order of `crisis.domains.DOMAINS`,
which is therefore also the order of the menus and of the hooks.

The registry lives on the app (`app.extensions["krisrum"]`), not in module
globals, so two apps in one process (tests) share nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from crisis.auth.permissions import Perm

EXTENSION_KEY = "krisrum"


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: Any  # a lazy gettext string
    perm: Perm = Perm.READ


@dataclass
class Registry:
    # Main menu: an entry shows when its endpoint exists and the user has the permission.
    nav: list[NavEntry] = field(default_factory=list)
    # Sub-navigation of an incident page: endpoints that take incident_id.
    incident_nav: list[NavEntry] = field(default_factory=list)
    # Demo data loaders, run once by `seed-demo` after the demo users and incident.
    seed_hooks: list[Callable[[], None]] = field(default_factory=list)
    # Called inside the closing transaction with (incident=, actor=), after the
    # close is recorded: e.g. playbooks stop the incident's reminders.
    close_hooks: list[Callable[..., None]] = field(default_factory=list)
    # "module:function"s run once (in an app context) whenever a scheduler
    # starts: each re-creates jobs lost in downtime and fires what came due
    # meanwhile. They are job arguments (pickled), hence paths, and must be idempotent.
    startup_jobs: list[str] = field(default_factory=list)

    def add_nav(self, endpoint: str, label: Any, perm: Perm = Perm.READ) -> None:
        _add_unique([e.endpoint for e in self.nav], endpoint)
        self.nav.append(NavEntry(endpoint, label, perm))

    def add_incident_nav(self, endpoint: str, label: Any, perm: Perm = Perm.READ) -> None:
        _add_unique([e.endpoint for e in self.incident_nav], endpoint)
        self.incident_nav.append(NavEntry(endpoint, label, perm))

    def add_seed(self, hook: Callable[[], None]) -> None:
        _add_unique(self.seed_hooks, hook)

    def on_close(self, hook: Callable[..., None]) -> None:
        _add_unique(self.close_hooks, hook)

    def on_scheduler_start(self, func_path: str) -> None:
        if ":" not in func_path:
            raise ValueError(f"{func_path!r} is not 'module:function'")
        _add_unique(self.startup_jobs, func_path)


def _add_unique(items: list[Any], item: Any) -> None:
    """Append `item` unless it is there already (a second registration is a bug)."""
    if item in items:
        raise ValueError(f"{item!r} is registered twice")
    items.append(item)


def install(app: Flask) -> Registry:
    if EXTENSION_KEY in app.extensions:
        raise RuntimeError("the Krisrum registry is already installed on this app")
    reg = app.extensions[EXTENSION_KEY] = Registry()
    return reg


def of(app: Flask | None = None) -> Registry:
    """The registry of `app` (default: the current app)."""
    target: Any = app if app is not None else current_app
    return target.extensions[EXTENSION_KEY]
