"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

* `browser` launches /usr/bin/chromium headless once per session (never `playwright install`).
* `web` is a `Visit` for one test in one language: it opens pages, fills forms, and runs axe-core
  (node_modules/axe-core, injected into each page) on every page the test visits: any serious
  or critical violation fails the test. Screenshots of failed tests go to var/e2e-screenshots/.
* Every flow runs twice: Japanese (the default) and English (the language switch's cookie).

To add a flow: write `def test_x(web, ...)` in tests/e2e/, use `web.open(path)`, `web.fill(...)`,
`web.click(...)`, `web.submit(...)`; each page reached is checked for accessibility.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "e2e-screenshots"
BLOCKING_IMPACTS = {"serious", "critical"}



@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _migration_data(transactional_db):
    """Rows the migrations add (the facility genres). Other modules' transactional tests empty
    the database after themselves, so a browser test must not count on them still being there."""
    import importlib

    from django.apps import apps

    importlib.import_module("apps.disastermap.migrations.0002_default_genres").add_genres(apps, None)


@pytest.fixture(scope="package")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/bootstrap.sh --test (apt-get install chromium)")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run npm ci (scripts/bootstrap.sh --test does)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM
    # calls (setting up data) are still synchronous, so Django's async guard must stand aside.
    # Only while the browser runs (package scope): later tests, and the processes they start
    # (e.g. `check --deploy`), must see Django's normal guard.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox", "--disable-dev-shm-usage"])
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class Visit:
    """One person's browser tab; checks every page it reaches with axe-core."""

    def __init__(self, page, base_url: str, language: str) -> None:
        self.page = page
        self.base_url = base_url
        self.language = language
        self.audited: list[str] = []

    # --- moving around -------------------------------------------------------------------
    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.audit()

    def click(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.click(selector)
        self.audit()

    def fill(self, fields: dict[str, str]) -> None:
        for name, value in fields.items():
            self.page.fill(f'[name="{name}"]', value)

    def submit(self, fields: dict[str, str] | None = None, *, button: str = 'main [type="submit"]') -> None:
        self.fill(fields or {})
        self.click(button)

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    def text(self) -> str:
        return self.page.inner_text("body")

    # --- accessibility -------------------------------------------------------------------
    def audit(self) -> None:
        """axe-core on the page as it is now: no serious or critical violation."""
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }")
        blocking = [v for v in result if v["impact"] in BLOCKING_IMPACTS]
        lang = self.page.evaluate("document.documentElement.lang")
        self.audited.append(f"{self.path} [{lang}]")
        assert not blocking, f"axe on {self.path} [{lang}]:\n" + json.dumps(blocking, ensure_ascii=False, indent=1)


@pytest.fixture(params=["ja", "en"])
def language(request) -> str:
    return request.param


@pytest.fixture
def new_visit(browser, live_server, language, request) -> Iterator:
    """new_visit() -> a fresh browser (own cookies) in the test's language; several make several people."""
    contexts = []

    def make() -> Visit:
        # bypass_csp: axe-core is injected as an inline script, which the portal's CSP forbids.
        context = browser.new_context(locale="ja-JP" if language == "ja" else "en-US", bypass_csp=True,
                                      viewport={"width": 390, "height": 844})  # a phone first
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        context.set_default_timeout(15000)
        contexts.append(context)
        return Visit(context.new_page(), live_server.url, language)

    yield make

    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
                path = SCREENSHOTS / f"{name}-{n}{m}.png"
                page.screenshot(path=str(path), full_page=True)
                print(f"screenshot of the failed page: {path}")
    for context in contexts:
        context.close()


@pytest.fixture
def web(new_visit) -> Visit:
    return new_visit()


@pytest.fixture
def eager_tasks():
    """Celery tasks run in this process as they are queued (fan-out, delivery), as a worker would:
    the live-server test commits, so publishing really queues; nothing is left in the broker."""
    from civicportal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False


@pytest.fixture
def sign_in():
    """sign_in(web, user) through the real login form; role holders then give their TOTP code."""
    from apps.accounts.mfa import current_code, give_totp, needs_second_factor
    from tests.conftest import PASSWORD

    def login(web: Visit, user) -> None:
        web.open("/accounts/login/")
        web.submit({"login": user.email, "password": PASSWORD})
        if needs_second_factor(user):
            assert web.path == "/accounts/2fa/authenticate/"
            web.submit({"code": current_code(give_totp(user))})
        assert web.path == "/", web.path

    return login
