"""Site register (samhällsviktig verksamhet): sites, their dependencies and status.

The pure parts (dependency analysis in `risk`, file parsing in `importer`)
import neither Flask nor the database, so the CLI, the service layer and the
tests can all use them directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The site register and per-incident map pages, the sites API routes, the demo sites, `import-sites`."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.sites import cli, views
    from crisis.sites.demo import load_demo_sites

    reg = registry.of(app)
    app.register_blueprint(views.pages)
    reg.add_nav("sites.register", _l("Verksamheter"))
    reg.add_incident_nav("sites.incident_map", _l("Karta"))
    reg.add_seed(load_demo_sites)
    app.cli.add_command(cli.import_sites)
