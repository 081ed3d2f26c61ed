"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page a test loads is checked for the things no page may get wrong: a Content-Security-Policy
header that forbids inline script, no CSP violation or JavaScript error in the console, exactly one
<h1>, and a label for every form control. Tests call ``ui.check()`` after each step; the fixture
refuses to pass a test that loaded a page it never checked.

The browser is launched once for the e2e package. It is not session-wide on purpose: Playwright's
sync API keeps an asyncio loop marked as running in the main thread while it is open, which would
break any later test that uses asyncio or async_to_sync.
"""

import io
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000

# Injected before any page script (init scripts are not subject to the page's CSP): turns every
# securitypolicyviolation event into a console error the watcher cannot miss.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('Content-Security-Policy violation: ' + e.violatedDirective + ' blocked ' +
                (e.blockedURI || 'inline code') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""

_AUDIT_DOM = """
() => {
  const unlabelled = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(type)) continue;
    const labelText = Array.from(el.labels || []).map((l) => l.textContent.trim()).join('');
    const aria = (el.getAttribute('aria-label') || '').trim() ||
                 (el.getAttribute('aria-labelledby') || '').trim();
    if (!labelText && !aria) unlabelled.push(el.outerHTML.slice(0, 160));
  }
  return {
    h1: Array.from(document.querySelectorAll('h1')).map((h) => h.textContent.trim()),
    unlabelled: unlabelled,
  };
}
"""


@dataclass
class Ui:
    """A browser tab plus everything observed on it."""

    page: "Page"
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_headers: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    loaded: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str) -> None:
        """Load a page as a user typing the address, and check it."""
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == 200, (
            f"GET {path} answered {response.status if response else 'nothing'}"
        )
        self.check()

    def check(self) -> dict[str, Any]:
        """Accessibility smoke and error check of the page as it is now."""
        page = self.page
        page.wait_for_load_state("load")
        where = page.url
        found = page.evaluate(_AUDIT_DOM)
        assert len(found["h1"]) == 1, f"{where} has {len(found['h1'])} <h1>: {found['h1']}"
        assert not found["unlabelled"], f"{where} has form controls without a label: " + "\n".join(
            found["unlabelled"]
        )
        self.assert_no_errors()
        status = self.statuses.get(where)
        assert status in (200, None), f"{where} answered {status}"
        self.checked.add(_strip_fragment(where))
        return found

    def csp_violations(self) -> list[str]:
        return [m for m in self.console_errors if "Content-Security-Policy" in m or "CSP" in m]

    def assert_no_errors(self) -> None:
        assert not self.csp_violations(), f"CSP violations: {self.csp_violations()}"
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.page_errors, f"JavaScript errors: {self.page_errors}"
        for url, policy in self.csp_headers.items():
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy, (
                f"{url} is served without a strict script-src: {policy!r}"
            )

    def assert_every_page_checked(self) -> None:
        unchecked = [u for u in self.loaded if _strip_fragment(u) not in self.checked]
        assert not unchecked, f"pages loaded but never checked: {unchecked}"


def _strip_fragment(url: str) -> str:
    return url.split("#", 1)[0]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()


def _restore_in_bulk(connection, snapshot: str) -> None:
    """Restore the migrated rows (states, counties, content types...) model by model.

    Django's serialized rollback saves the ~3,400 rows one at a time, about 1.5 s before every
    test; bulk upserts of the same parsed objects take a tenth of that. Anything with
    many-to-many data falls back to Django's own restore.
    """
    from django.core import serializers
    from django.db import transaction

    creation = connection.creation
    django_restore = creation.deserialize_db_from_string
    batches: dict[type, list] = {}
    for item in serializers.deserialize("json", snapshot, using=connection.alias):
        if any(item.m2m_data.values()):
            return
        batches.setdefault(type(item.object), []).append(item.object)

    def restore(data: str) -> None:
        if data is not snapshot:
            django_restore(data)
            return
        with transaction.atomic(using=connection.alias):
            with connection.constraint_checks_disabled():
                for model, objects in batches.items():
                    # An upsert, as Django's restore saves each object (update, else insert).
                    pk = model._meta.pk
                    fields = [f.name for f in model._meta.concrete_fields if f is not pk]
                    model._base_manager.using(connection.alias).bulk_create(
                        objects,
                        update_conflicts=True,
                        unique_fields=[pk.name],
                        update_fields=fields,
                    )
            connection.check_constraints(table_names=[m._meta.db_table for m in batches])

    creation.deserialize_db_from_string = restore


@pytest.fixture(scope="package")
def browser(django_db_setup) -> Iterator["Browser"]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Debian's Chromium is required for the browser tests and {CHROMIUM} is missing. "
            "Install it with `make chromium` (apt-get install chromium); "
            "never `playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # The sync API runs an event loop in this thread; Django would then refuse ORM calls from
    # test code ("async context"). Test code is synchronous, so allow it while the browser lives.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # With a loop running, Django's thread-critical connection storage switches to a context
    # variable, so this thread gets new DatabaseWrapper objects. Hand them the snapshot of the
    # migrated database that serialized rollback restores before each test.
    from django.db import connections

    snapshots = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    try:
        with sync_playwright() as playwright:
            for alias, contents in snapshots.items():
                connections[alias]._test_serialized_contents = contents
                _restore_in_bulk(connections[alias], contents)
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
            # The loop's context has connections of its own: close them here, or PostgreSQL
            # cannot drop the test database at the end ("being accessed by other users").
            connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _flushable(flushable_audit_table) -> None:
    """Every browser test runs against a live server in real transactions (see root conftest)."""


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Login rate limits and used TOTP codes live in the (in-process) cache the live server uses.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ui(request, browser: "Browser", live_server) -> Iterator[Ui]:
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(_REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    tab = Ui(page=page, base_url=live_server.url)

    def on_console(message) -> None:
        if message.type == "error":
            location = message.location or {}
            tab.console_errors.append(f"{message.text} ({location.get('url', page.url)})")

    def on_response(response) -> None:
        request = response.request
        if request.resource_type == "document" and request.frame == page.main_frame:
            tab.statuses[response.url] = response.status
            tab.csp_headers[response.url] = response.headers.get("content-security-policy", "")

    page.on("console", on_console)
    page.on("pageerror", lambda error: tab.page_errors.append(f"{error} ({page.url})"))
    page.on("response", on_response)
    page.on("load", lambda _page: tab.loaded.append(page.url))
    yield tab
    try:
        if not request.node.stash.get(_CALL_FAILED, True):
            tab.assert_no_errors()
            tab.assert_every_page_checked()
    finally:
        context.close()


# --- shared steps ----------------------------------------------------------------------------


def seed_small_demo(scale: str = "small") -> None:
    from django.core.management import call_command

    call_command("seed_demo", "--scale", scale, "--seed", "7", stdout=io.StringIO())


def fresh_totp_code(secret: str) -> str:
    """A code with at least a few seconds of its 30-second window left (no tolerance is set)."""
    import pyotp

    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.2)
    return pyotp.TOTP(secret).now()


def sign_in_program_admin(ui: Ui) -> None:
    """The demo program administrator signs in: email and password, then the TOTP step."""
    from interlocal.registry.demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET

    page = ui.page
    ui.goto("/accounts/login/")
    page.get_by_label("Email").fill("admin@interlocal.demo")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    ui.check()
    page.get_by_label("Code").fill(fresh_totp_code(DEMO_TOTP_SECRET))
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")
    ui.check()
