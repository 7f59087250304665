"""Chromium end-to-end fixtures: the site on a live server, the example
frontend on another origin, and a browser (Playwright with the system
Chromium). Screenshots of failed tests go to tests/e2e/screenshots/."""

import importlib.util
import io
import shutil
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from wagtail.models import Locale

from blogsite.settings.base import with_frame_source
from health_articles.models import HealthArticlePage

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FRONTEND_DIR = Path(__file__).resolve().parents[2] / "frontend"
# frontend/serve.py, as `make run` serves the frontend (not a package).
_spec = importlib.util.spec_from_file_location("serve", FRONTEND_DIR / "serve.py")
frontend_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(frontend_server)
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def browser(monkeypatch):
    """Chromium for one test. Playwright's sync API runs an event loop in the
    test's thread while the browser is open, so Django is told that database
    calls from that thread are safe (nothing else runs in the loop); the
    browser is closed before the database is reset for the next test."""
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # Database connections opened while Playwright runs belong to its
        # context, not the test's; close them here, or PostgreSQL keeps them
        # open and the test database cannot be dropped at the end.
        connections.close_all()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    # What the Content-Security-Policy refused, in any tab of the test.
    violations = []
    context.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and violations.append(message.text)
        ),
    )
    page.csp_violations = violations
    yield page
    if getattr(request.node, "call_failed", False):
        SCREENSHOTS.mkdir(exist_ok=True)
        for number, open_page in enumerate(context.pages):
            path = SCREENSHOTS / f"{request.node.name}-{number}.png"
            open_page.screenshot(path=str(path), full_page=True)
    context.close()


@pytest.fixture
def frontend(live_server, settings):
    """The example frontend on its own origin, reading the live server's API,
    and configured as the site's headless preview client."""
    server = frontend_server.make_server(live_server.url, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_port}"
    settings.CORS_ALLOWED_ORIGINS = [origin]
    # The API's absolute URLs (pages/find/'s redirect, media) on the live
    # server, whatever address the test's site has.
    settings.WAGTAILAPI_BASE_URL = live_server.url
    settings.CONTENT_SECURITY_POLICY = with_frame_source(
        settings.CONTENT_SECURITY_POLICY, origin
    )
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        "CLIENT_URLS": {"default": origin + "/"},
        "REDIRECT_ON_PREVIEW": True,
    }
    yield origin
    server.shutdown()
    server.server_close()


@pytest.fixture
def bilingual_demo(db):
    """All the demo, as ``make run`` loads it (the seed article in French
    too, the second clinic's site): the seed article in English and in
    French."""
    call_command("load_demo_content", stdout=io.StringIO())
    english = HealthArticlePage.objects.get(slug="massage-therapy-for-hip-pain")
    french = english.get_translation(Locale.objects.get(language_code="fr-ca"))
    return english, french


def axe_violations(page, minimum=("serious", "critical")):
    """axe-core's serious and critical violations on the page, as text."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} - "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in minimum
    ]
