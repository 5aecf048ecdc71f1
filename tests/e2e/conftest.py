"""Real-browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's
``live_server``.

- The browser is ``/usr/bin/chromium`` (Debian package ``chromium``); Playwright's own browser
  download (``playwright install``) is never used. Without the binary (or without Playwright
  or axe-core) the tests are skipped, unless ``E2E_REQUIRED=1`` is set, as CI does: then they fail.
- Every page a test visits is saved as ``var/e2e-screenshots/<test>/<nn>-<name>.png`` and
  checked with axe-core (``node_modules/axe-core``, WCAG 2.1 A and AA); violations of impact
  "serious" or "critical" fail the test, listed with rule, impact, help and target selectors.
- The tests are transactional: the live server answers from another thread and must see
  committed data. ``serialized_rollback`` restores the groups and cost types that the
  migrations seed, which the flush after each transactional test removes.
- Playwright and Chromium are started for each test, not once per session; see
  ``e2e_browser`` for why (about a second per test).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection, models

from tests.conftest import PASSWORD

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BASE_DIR = Path(django_settings.BASE_DIR)
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_ROOT = BASE_DIR / "var" / "e2e-screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 15_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def _required() -> bool:
    return os.environ.get("E2E_REQUIRED", "") == "1"


def _unavailable(reason: str):
    if _required():
        pytest.fail(f"E2E_REQUIRED=1 but {reason}", pytrace=False)
    pytest.skip(reason)


# --- browser ------------------------------------------------------------------------------


@pytest.fixture
def e2e_browser():
    """A headless Chromium, driven by Playwright's sync API, for one test.

    Playwright's sync API runs its asyncio event loop in the main thread (in a greenlet),
    and the loop counts as running there for as long as Playwright is started. Two things
    follow for Django, which runs the test code in the same thread:

    - Django's async-safety guard takes every ORM call of the test code (fixtures,
      assertions on the database) for a call from inside a coroutine and raises
      SynchronousOnlyOperation. The test code is plain synchronous code and the live
      server answers in threads of its own, so the guard's concern does not apply:
      DJANGO_ALLOW_ASYNC_UNSAFE=true switches it off while the browser runs.
    - Django keeps database connections in an ``asgiref.local.Local`` that is
      thread-local without a running loop but context-local with one: the test code
      gets connections of its own while Playwright runs. Those lack the serialized
      test data that ``serialized_rollback`` restores from, so a session-wide browser
      left every later transactional test without groups and cost types. Hence one
      browser per test: it starts after the database is set up and stops (after its
      connections are closed) before the database is flushed.
    """
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    if not AXE_JS.exists():
        _unavailable(f"axe-core is not installed at {AXE_JS.relative_to(BASE_DIR)} (npm ci)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed (pip install -r requirements-dev.txt)")
    from django.db import connections

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        connections.close_all()  # the connections opened while the loop ran
        playwright.stop()
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


# --- accessibility --------------------------------------------------------------------------

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  const summary = (items) => items.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')), count: v.nodes.length,
  }));
  return {violations: summary(result.violations), incomplete: summary(result.incomplete), passes: result.passes.length};
}"""


@dataclass
class PageReport:
    name: str
    url: str
    violations: list[dict]

    def lines(self) -> list[str]:
        lines = [f"[{self.name}] {self.url}"]
        for v in self.violations:
            lines.append(f"  {v['id']} ({v['impact']}, {v['count']}x): {v['help']}")
            lines.extend(f"      {target}" for target in v["targets"])
        return lines


# --- personas and the pages they see ---------------------------------------------------------


FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = !!s.boxShadow && s.boxShadow !== 'none';
  return {
    tag: el.tagName.toLowerCase(), id: el.id, type: el.getAttribute('type') || '',
    cls: typeof el.className === 'string' ? el.className : '',
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 80),
    outline: s.outlineStyle + ' ' + s.outlineWidth, boxShadow: s.boxShadow, visible: outline || shadow,
  };
}"""


@dataclass
class Persona:
    """One person with a browser context of their own (own cookies) and one tab."""

    run: E2ERun
    label: str
    context: object
    page: object
    navigations: list[str] = field(default_factory=list)
    checked: set[int] = field(default_factory=set)

    def goto(self, path: str, name: str):
        response = self.page.goto(self.run.url(path))
        self.seen(name)
        return response

    def seen(self, name: str) -> None:
        """The page now shown: wait for it, save a screenshot, check it with axe."""
        self.page.wait_for_load_state("load")
        self.run.check(self, name)
        if self.navigations:
            self.checked.add(len(self.navigations) - 1)

    def login(self, username: str, password: str = PASSWORD) -> None:
        """Through the real login form, as a person would."""
        self.goto("/konto/anmelden/", "login")
        self.page.get_by_label("Benutzername").fill(username)
        self.page.get_by_label("Passwort", exact=True).fill(password)
        self.page.get_by_role("button", name="Anmelden").click()
        self.page.wait_for_url(lambda url: "/konto/anmelden/" not in url)
        self.seen("start")

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUS_STYLE)

    def unchecked_pages(self) -> list[str]:
        """Pages this persona saw without a check.

        A reload of the same address counts once, and so does a jump to an anchor of the
        page shown (same address with a ``#fragment``, as an error summary link makes).
        """
        missed = []
        for index, url in enumerate(self.navigations):
            if index in self.checked:
                continue
            following = self.navigations[index + 1] if index + 1 < len(self.navigations) else None
            previous = self.navigations[index - 1] if index else None
            reloaded = following == url
            anchor_jump = "#" in url and previous is not None and previous.split("#")[0] == url.split("#")[0]
            if not reloaded and not anchor_jump:
                missed.append(url)
        return missed


class E2ERun:
    """The browser contexts, screenshots and axe reports of one test."""

    def __init__(self, browser, base_url: str, screenshot_dir: Path) -> None:
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.screenshot_dir = screenshot_dir
        self.counter = 0
        self.reports: list[PageReport] = []
        self.all_reports: list[dict] = []
        self.personas: list[Persona] = []

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def persona(self, label: str) -> Persona:
        context = self.browser.new_context(
            base_url=self.base_url,
            locale="de-DE",
            timezone_id="Europe/Berlin",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        # Chromium asks for /favicon.ico on its own; the app has none. Answer it here, so
        # the log stays free of 404s and no request runs beside the page's own.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
        page = context.new_page()
        persona = Persona(run=self, label=label, context=context, page=page)
        page.on(
            "framenavigated",
            lambda frame: persona.navigations.append(frame.url) if frame == page.main_frame else None,
        )
        self.personas.append(persona)
        return persona

    def check(self, persona: Persona, name: str) -> None:
        self.counter += 1
        slug = re.sub(r"[^a-z0-9]+", "-", f"{persona.label}-{name}".lower()).strip("-")
        page = persona.page
        page.screenshot(path=str(self.screenshot_dir / f"{self.counter:02d}-{slug}.png"), full_page=True)
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate(AXE_RUN, WCAG_TAGS)
        violations = result["violations"]
        # Every finding for review, minor and moderate ones and those axe could not decide
        # ("incomplete", e.g. contrast over a background image): axe.json beside the screenshots.
        self.all_reports.append({"page": f"{self.counter:02d}-{slug}", "url": page.url, **result})
        (self.screenshot_dir / "axe.json").write_text(json.dumps(self.all_reports, indent=2, ensure_ascii=False))
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        if failing:
            report = PageReport(name=f"{self.counter:02d}-{slug}", url=page.url, violations=failing)
            self.reports.append(report)
            print("\n".join(["axe: serious/critical WCAG 2.1 A/AA violations", *report.lines()]))

    def assert_accessible(self) -> None:
        """Every page seen was checked, and none had serious or critical violations."""
        missed = [f"{p.label}: {url}" for p in self.personas for url in p.unchecked_pages()]
        assert not missed, "pages seen without screenshot and axe check:\n" + "\n".join(missed)
        if self.reports:
            lines = [f"axe found serious/critical WCAG 2.1 A/AA violations on {len(self.reports)} page(s):"]
            for report in self.reports:
                lines.extend(report.lines())
            pytest.fail("\n".join(lines), pytrace=False)

    def record_failure(self) -> None:
        """After a failure: a screenshot of each persona's page, and its address and messages in the log."""
        for persona in self.personas:
            page = persona.page
            self.counter += 1
            try:
                page.screenshot(path=str(self.screenshot_dir / f"{self.counter:02d}-{persona.label}-failure.png"))
                messages = page.locator(".site-messages").all_inner_texts()
                print(f"e2e failure: {persona.label} at {page.url} ({page.title()}); messages: {messages}")
            except Exception as exc:  # the page may be gone with the failure
                print(f"e2e failure: {persona.label}: no screenshot ({exc})")

    def close(self) -> None:
        for persona in self.personas:
            persona.context.close()


@pytest.fixture
def ids_in_the_thousands(transactional_db):
    """New rows get ids above 12,000, as in production after a while.

    German formatting prints an id of four digits with a thousands separator ("12.345")
    where a template writes ``{{ obj.pk }}`` into an attribute: a journey with small ids
    cannot see such a broken button or link.
    """
    minimum = 12_344
    with connection.cursor() as cursor:
        for model in apps.get_models():
            meta = model._meta
            if meta.proxy or not meta.managed or not isinstance(meta.pk, models.AutoField):
                continue
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
                (sequence,) = cursor.fetchone()
                if sequence:
                    cursor.execute(
                        f"SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM {sequence})))", [sequence, minimum]
                    )
            elif connection.vendor == "sqlite":
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [minimum, meta.db_table]
                )
                if cursor.rowcount == 0:
                    cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [meta.db_table, minimum])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so that ``e2e`` sees whether the test failed."""
    report = yield
    setattr(item, f"e2e_report_{report.when}", report)
    return report


@pytest.fixture
def e2e(request, e2e_browser, live_server, settings, tmp_path):
    """``e2e.persona("antrag")`` opens a browser context; pages are checked with ``seen()``."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    settings.MEDIA_ROOT = tmp_path / "media"
    directory = SCREENSHOT_ROOT / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    run = E2ERun(e2e_browser, live_server.url, directory)
    yield run
    report = getattr(request.node, "e2e_report_call", None)
    if report is not None and report.failed:
        run.record_failure()
    run.close()
