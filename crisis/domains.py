"""The ordered list of domains that make up the app.

`create_app` calls each domain's `init_app(app)` in this order. The order is
also the order of the main menu, of an incident's sub-navigation, of the
demo-data loaders (reports' demo needs the sites' demo first) and of the
close and scheduler start-up hooks. A new domain is added here, once.
"""

from __future__ import annotations

from types import ModuleType

from flask import Flask

from crisis import (
    actors,
    archive,
    auth,
    binder,
    decisions,
    drills,
    events,
    exercises,
    followup,
    inbox,
    incidents,
    lessons,
    log,
    meetings,
    messages,
    playbooks,
    points,
    readiness,
    reports,
    requests,
    rsa,
    samband,
    search,
    sites,
    situation,
    staffing,
    tasks,
    timeline,
    training,
    wall,
    web,
)

DOMAINS: tuple[ModuleType, ...] = (
    auth,
    incidents,
    log,
    events,
    staffing,
    sites,
    decisions,
    tasks,
    reports,
    situation,
    meetings,
    points,
    messages,
    actors,
    requests,
    wall,
    timeline,
    archive,
    lessons,
    readiness,
    search,
    exercises,
    drills,
    playbooks,
    samband,
    binder,
    training,
    rsa,
    followup,
    inbox,
    web,
)


def init_domains(app: Flask) -> None:
    for domain in DOMAINS:
        domain.init_app(app)
