"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser).

They skip, saying why, when /usr/bin/chromium is absent, unless E2E_REQUIRED=1 (as in CI).
Screenshots go to test-results/ (not committed).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _one_request_at_a_time(request: pytest.FixtureRequest) -> None:
    """On SQLite the live server's threads share one in-memory connection, and the pages send
    requests of their own (drafts, presence, threads) alongside htmx's: there the live server
    answers one at a time, or a request meets "database table is locked". PostgreSQL serves
    them side by side, as in production."""
    if "live_server" not in request.fixturenames:
        return
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    httpd = request.getfixturevalue("live_server").thread.httpd
    app = httpd.get_app()
    if getattr(app, "one_at_a_time", False):
        return
    lock = threading.Lock()

    def serialized(environ: Any, start_response: Any) -> Any:
        with lock:
            return app(environ, start_response)

    serialized.one_at_a_time = True  # type: ignore[attr-defined]
    httpd.set_app(serialized)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(f"E2E_REQUIRED=1 but there is no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium to run browser tests")
    from playwright.sync_api import expect, sync_playwright

    # CI runs two test workers and Chromium on two cores: give pages time under that load.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEBUG = True
    call_command("load_demo")
    settings.DEBUG = False


@pytest.fixture
def e2e_password() -> str:
    """The password `open_as` signs in with: the factories' (a module of demo users overrides
    it with the demo's)."""
    from tests.factories import PASSWORD

    return PASSWORD


@pytest.fixture
def open_as(browser, live_server, e2e_password) -> Iterator[Callable[[str], Any]]:
    """A page in a browser context of its own, signed in as the given user: people side by side."""
    contexts = []

    def open_page(username: str) -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, username, e2e_password)
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, username: str, password: str = "plansign-demo") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


SAVED = re.compile(r"Saved as version \d+\.")


def edit(page: Any, anchor: str, title: str) -> Any:
    """Open a section's edit form in place; the returned locator follows the swapped section."""
    from playwright.sync_api import expect

    section = page.locator(f"section#{anchor}")
    section.get_by_role("link", name=f"Edit {title}", exact=True).click()
    expect(section.get_by_role("button", name=f"Save {title}", exact=True)).to_be_visible()
    # Settled: the editor has put the focus in its form (plansign.js), so that a test's keys
    # go where it says and not where the focus lands a moment later.
    expect(section.locator("form.section-form :focus")).to_have_count(1)
    return section


def is_section_save(response: Any) -> bool:
    """A section form's POST, not the presence heartbeat or a draft's autosave that an open
    editor sends on its own meanwhile."""
    return response.request.method == "POST" and response.url.split("?")[0].endswith("/edit/")


def save(section: Any, title: str) -> None:
    from playwright.sync_api import expect

    with section.page.expect_response(is_section_save, timeout=30_000) as saved:
        section.get_by_role("button", name=f"Save {title}", exact=True).click()
    response = saved.value
    assert response.status == 200, f"Save {title}: {response.status}\n{response.text()[:3000]}"
    expect(section.get_by_role("status")).to_have_text(SAVED)
    expect(section.locator("form")).to_have_count(0)
    # A save refreshes the Approval section with a request of its own: let it finish, so
    # that the test's next request never races it (in-memory SQLite shares one connection
    # between the live server's threads).
    expect(section.page.locator("section#approval")).not_to_contain_text("Updating sign-offs")
