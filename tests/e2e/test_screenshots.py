"""Browser tests: every page type photographed at desktop and phone width (for people to look
at: tests/e2e/screenshots/, or $SCREENSHOT_DIR), and no page scrolls sideways at 390 px."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.page_types import page_types

SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or Path(__file__).parent / "screenshots")
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
# Light at both widths; dark at desktop width (its layout is light's: only colours change), and
# not again for each editor (an editor's colours are the plan page's; axe checks their contrast
# in both schemes).
SHOTS_TAKEN = {"light": ("desktop", "phone"), "dark": ("desktop",)}
SHOT_HEIGHT = 6000  # pixels of a page photographed whole
# SCREENSHOTS=first-screen: only what one sees first of each page (CI, where nobody looks at the
# photographs: the whole pages were half of this test's time, 45 of 89 s).
WHOLE_PAGES = os.environ.get("SCREENSHOTS", "") != "first-screen"


@pytest.fixture
def e2e_password() -> str:
    return "plansign-demo"  # the demo's people


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_fits_a_phone_and_is_photographed(browser, live_server, demo, scheme):
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages: dict[tuple[str | None, str], Any] = {}
    too_wide = []
    for page_type in page_types():
        if scheme == "dark" and page_type.part:
            continue
        for size in SHOTS_TAKEN[scheme]:
            width, height = WIDTHS[size]
            page = pages.get((page_type.user, size))
            if page is None:
                context = browser.new_context(
                    base_url=live_server.url,
                    viewport={"width": width, "height": height},
                    color_scheme=scheme,
                )
                page = pages[(page_type.user, size)] = context.new_page()
                page.set_default_timeout(20_000)
                if page_type.user:
                    sign_in(page, page_type.user)
            page.goto(page_type.url)
            expect(page.locator("main")).to_be_visible()
            name = f"{page_type.name}-{size}-{scheme}"
            if not WHOLE_PAGES:
                pass
            elif page_type.part:
                page.locator(page_type.part).screenshot(path=SHOTS / f"{name}.png", timeout=90_000)
            else:
                # The page from its top, as far as anyone scrolls to look (a long plan at phone
                # width runs to tens of thousands of pixels, each costing the walk's time).
                tall = page.evaluate("document.documentElement.scrollHeight")
                clip = {"x": 0, "y": 0, "width": width, "height": min(tall, SHOT_HEIGHT)}
                page.screenshot(
                    path=SHOTS / f"{name}.png", full_page=True, clip=clip, timeout=90_000
                )
            page.screenshot(path=SHOTS / f"{name}-first-screen.png")  # what one sees first
            if size == "phone":
                widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if widths[0] > widths[1]:
                    too_wide.append(f"{name}: {widths[0]} px wide in {widths[1]} px")
    for page in pages.values():
        page.context.close()
    assert not too_wide, "\n".join(too_wide)
