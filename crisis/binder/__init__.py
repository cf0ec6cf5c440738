"""The reservpärm: one printout to run the crisis on paper when the systems are down.

Per incident (`/incidents/{id}/binder`) and kommun-wide for normal times
(`/binder`): call-out lists, the sambandsplan, the actor register, the
playbooks' checklists and first tasks, the site register with reservkraft and
Styrel priority, blank numbered log sheets and the latest lägesbild.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The two print pages."""
    from crisis.binder import views

    app.register_blueprint(views.pages)
