"""Crisis communication: messages to the public (budskap) per channel with approval and publishing,
VMA requests, and CAP 1.2 with the kommun's Atom feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The communication page, the messages/VMA/CAP API routes, demo messages."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.messages import service, views
    from crisis.messages.demo import load_demo_messages
    from crisis.reports import prefill
    from crisis.search import kinds as search_kinds

    reg = registry.of(app)
    app.register_blueprint(views.pages)
    reg.add_incident_nav("communication.page", _l("Kommunikation"))
    search_kinds.register("message", _l("Budskap"), "communication.page", anchor="message-", number_format="M-{n}")
    app.jinja_env.globals.update(communication_labels=views.labels)
    reg.add_seed(load_demo_messages)
    prefill.add_provider(app, service.report_prefill)  # the lägesrapport's "VMA begärt"
