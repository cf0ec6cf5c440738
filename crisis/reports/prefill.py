"""Prefill providers of the lägesrapport: other domains fill in what they know.

A domain registers a provider in its `init_app`:

    from crisis.reports import prefill
    prefill.add_provider(app, my_service.report_prefill)

When a draft is made, every provider is called in registration order, inside
the draft's transaction, as `provider(incident=..., since=...)` (`since`: when
the previous report was approved, or None for the first report). It returns a
dict with any of PREFILL_KEYS; a non-empty text replaces what the draft
carried forward from the previous report, a later provider's text is appended
to an earlier one's. Everything stays editable in the draft. Examples:
resource requests fill "behov" (needs in priority order), samverkan records
"samverkan", service points "trygghetspunkter", VMA requests "vma_begard" and
"vma_begard_at". A provider must only read; an exception in one is logged and
skipped, so a broken provider never stops a report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask, current_app

PREFILL_KEYS = frozenset(
    {
        "behov",
        "samverkan",
        "trygghetspunkter",
        "omfattning",
        "sarbara_grupper",
        "osakerheter",
        "vma_begard",
        "vma_begard_at",
    }
)
EXTENSION_KEY = "krisrum.report_prefill"

Provider = Callable[..., dict[str, Any]]
_log = logging.getLogger("krisrum.reports")


def add_provider(app: Flask, provider: Provider) -> None:
    providers_ = app.extensions.setdefault(EXTENSION_KEY, [])
    if provider in providers_:
        raise ValueError(f"{provider!r} is registered twice")
    providers_.append(provider)


def providers() -> list[Provider]:
    return list(current_app.extensions.get(EXTENSION_KEY, []))


def collect(*, incident: Any, since: datetime | None) -> dict[str, Any]:
    """What the providers know, merged: texts joined by a blank line, other values the last one's."""
    merged: dict[str, Any] = {}
    for provider in providers():
        try:
            values = provider(incident=incident, since=since) or {}
        except Exception:  # a broken provider never stops a report
            _log.exception("report prefill provider %r failed", provider)
            continue
        for key, value in values.items():
            if key not in PREFILL_KEYS or value in (None, ""):
                continue
            if isinstance(value, str) and isinstance(merged.get(key), str) and merged[key]:
                merged[key] = f"{merged[key]}\n\n{value}"
            else:
                merged[key] = value
    return merged
