"""The actor register (aktörsregister) and the samverkan conferences of an incident.

Who the kommun works with in a crisis and how to reach them (page /actors,
API /actors); conferences with those actors per incident, whose agreements
become decisions or tasks (page /incidents/{id}/samverkan).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The register and samverkan pages, their API routes, the CLI import/export and the demo register."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.actors import cli, samverkan, views
    from crisis.actors.demo import load_demo_actors
    from crisis.auth.permissions import Perm
    from crisis.reports import prefill

    reg = registry.of(app)
    prefill.add_provider(app, samverkan.report_prefill)  # the lägesrapport's section from this domain
    app.register_blueprint(views.pages)
    reg.add_nav("actors.register", _l("Aktörer"), Perm.READ_CONFIDENTIAL)
    reg.add_incident_nav("actors.samverkan_page", _l("Samverkan"))
    app.jinja_env.globals.update(actor_names=views.actor_names, actor_choices=views.actor_choices)
    app.cli.add_command(cli.import_actors)
    app.cli.add_command(cli.export_actors)
    reg.add_seed(load_demo_actors)
