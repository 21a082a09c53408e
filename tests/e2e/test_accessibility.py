"""Browser tests: axe-core finds no critical and no serious violation on any page type, in the
light colour scheme, nor any of its colour rules in the dark one (the markup is the same)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import COLOUR_RULES, check
from tests.e2e.conftest import sign_in
from tests.e2e.page_types import page_types


@pytest.fixture
def e2e_password() -> str:
    return "plansign-demo"  # the demo's people


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_type_has_a_serious_accessibility_violation(browser, live_server, demo, scheme):
    pages, reports = {}, []
    for page_type in page_types():
        page = pages.get(page_type.user)
        if page is None:
            context = browser.new_context(
                base_url=live_server.url,
                viewport={"width": 1280, "height": 900},
                color_scheme=scheme,
                bypass_csp=True,  # lets the test inject axe-core; the app's CSP is unchanged
            )
            page = pages[page_type.user] = context.new_page()
            page.set_default_timeout(20_000)
            if page_type.user:
                sign_in(page, page_type.user)
        response = page.goto(page_type.url)
        assert response is not None and response.status == 200, page_type.name
        expect(page.locator("main")).to_be_visible()
        rules = COLOUR_RULES if scheme == "dark" else None
        reports.append(check(page, f"{page_type.name} ({scheme})", page_type.part, rules))
    for page in pages.values():
        page.context.close()
    print("\naxe violations per page type (elements):")
    for report in reports:
        print(report.summary())
    failing = [report.details() and f"{report.name}:\n{report.details()}" for report in reports]
    failing = [text for text in failing if text]
    assert not failing, "\n".join(failing)
