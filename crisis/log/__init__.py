"""The situation log (dagbok): append-only, numbered, hash-chained, with signed checkpoints of its head."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The log API routes (added to the API blueprint, crisis.api.bp, by `views`), the read audit
    page (/admin/reads, crisis.log.reads), and the signed
    checkpoints of the chain head periodically from the scheduler (incidents.close_locked signs the
    final head itself, after every close hook wrote its entries)."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.auth.permissions import Perm
    from crisis.log import classify, signing, views

    reg = registry.of(app)
    app.register_blueprint(views.pages)
    app.jinja_env.globals.update(osl_grounds=classify.OSL_GROUNDS)
    reg.add_nav("log.admin_reads", _l("Läsloggen"), Perm.ADMIN)
    key_file = app.config.get("CRISIS_SIGNING_KEY_FILE")
    if key_file:
        try:
            signing.load_private_key(key_file)
        except signing.SigningKeyError as e:  # an unreadable key stops the start, with its path
            from crisis.config import ConfigError

            raise ConfigError(f"CRISIS_SIGNING_KEY_FILE: {e}") from None
        reg.on_scheduler_start("crisis.log.jobs:recover")
    elif not app.config.get("TESTING"):
        app.logger.warning(
            "CRISIS_SIGNING_KEY_FILE is not set: no signed checkpoints of the log are written, so a rewrite "
            "by whoever can write the database is not detectable (verify-log: tail not protected)"
        )
