"""Browser tests: a live server subprocess and headless Chromium via Playwright.

Chromium comes from Debian (/usr/bin/chromium); Playwright cannot download
browsers here. Pages are loaded with CRISIS_ASSETS=local and a tile URL that
does not answer, as in an outage: nothing may depend on the internet.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.livehelpers import PASSWORD, LiveServer

# Assertions that cross a socket or a server restart wait up to 20 s: CI runs this pass beside
# two others on two cores, where a live update can take several seconds (timing is bench/'s).
expect.set_options(timeout=20_000)

CHROMIUM = os.environ.get("CRISIS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-results"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("live")).start(timeout=90)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield _NoServiceWorkers(browser)
        browser.close()


class _NoServiceWorkers:
    """The browser, whose new contexts block service workers unless a test asks for them.

    Every page registers the app's service worker (static/js/offline.js). Chromium now and then
    hangs disposing of a context with a running service worker (a context close waited 300 s in
    CI), so only the offline tests, marked `service_workers`, run with it (see browser_page)."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **kwargs: Any) -> Any:
        kwargs.setdefault("service_workers", "block")
        return self._browser.new_context(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture
def browser_page(
    _browser: Any, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """browser_page("staff", viewport=(1280, 800)) -> a logged-in page in a fresh context
    (timezone_id="America/New_York": a laptop not set to Swedish time)."""
    contexts = []

    def _open(
        role: str, viewport: tuple[int, int] = (1280, 900), locale: str = "sv-SE", timezone_id: str = "Europe/Stockholm"
    ) -> Any:
        ctx = _browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            locale=locale,
            timezone_id=timezone_id,
            service_workers="allow" if request.node.get_closest_marker("service_workers") else "block",
        )
        ctx.set_default_timeout(20_000)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda exc: page.context.__dict__.setdefault("_errors", []).append(str(exc)))
        page.goto(live_server.url + "/login")
        page.fill("#username", role.replace("_", "-"))
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield _open
    failed = getattr(request.node, "rep_call", None)
    for i, ctx in enumerate(contexts):
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for j, page in enumerate(ctx.pages):
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{i}-{j}.png"), full_page=True)
        errors = ctx.__dict__.get("_errors", [])
        ctx.close()
        assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
