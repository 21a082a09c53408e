"""Browser tests: the look's behaviours — versions picked with ticks, dark mode from the system,
the outline folded on a phone, and success messages that fade."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.page_types import review_under_way


@pytest.fixture
def plan(demo):
    return review_under_way()  # Offline Sync at version 2, in review


def new_page(browser, live_server, user="carol", **options):
    context = browser.new_context(base_url=live_server.url, **options)
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, user)
    return page


def test_two_ticked_versions_are_compared(browser, live_server, plan):
    page = new_page(browser, live_server, viewport={"width": 1280, "height": 900})
    page.goto(f"/plans/{plan.pk}/history/")
    v1, v2 = page.get_by_label("Compare version 1"), page.get_by_label("Compare version 2")
    v1.uncheck()
    v2.uncheck()
    v2.check()
    v1.check()
    expect(page.get_by_label("Compare version", exact=True)).to_have_value("1")
    expect(page.get_by_label("with version")).to_have_value("2")
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"/compare/\?from=1&to=2$"))
    page.context.close()


def test_the_app_is_dark_when_the_system_is(browser, live_server, plan):
    page = new_page(browser, live_server, color_scheme="dark")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    page.context.close()


def test_on_a_phone_the_outline_is_folded_and_the_page_fits(browser, live_server, plan):
    page = new_page(browser, live_server, viewport={"width": 390, "height": 844})
    page.goto(plan.get_absolute_url())
    outline = page.get_by_role("navigation", name="Sections")
    expect(outline).to_be_hidden()
    page.locator("summary", has_text="Sections").click()
    expect(outline).to_be_visible()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]
    page.context.close()


def test_a_success_message_fades_away(browser, live_server, plan):
    page = new_page(browser, live_server, "alice", viewport={"width": 1280, "height": 900})
    page.goto(f"/plans/{plan.pk}/versions/1/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Restore this version").click()
    message = page.get_by_role("alert").filter(has_text="restored")
    expect(message).to_be_visible()
    expect(message).to_have_count(0, timeout=12_000)
    page.context.close()


def test_the_timeline_has_a_date_axis_and_the_tasks_are_boxes(browser, live_server, plan):
    from tests.e2e.test_screenshots import SHOTS

    page = new_page(browser, live_server, viewport={"width": 1280, "height": 900})
    page.goto(plan.get_absolute_url())
    chart = page.locator("section#resources .timeline-chart")
    expect(chart.locator(".chart-tick").first).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=SHOTS / "timeline.png")
    overview = page.locator("section#overview")
    expect(overview.get_by_role("checkbox", name="done", exact=True)).to_be_checked()
    expect(overview.get_by_role("checkbox", name="not done")).not_to_be_checked()
    overview.screenshot(path=SHOTS / "overview-tasks.png")
    page.context.close()
