"""A plan edited in a browser with JavaScript off: an editor is a page of its own (the whole
plan, one section as a form), a save returns to the plan, and a refused value comes back next
to its field with the input kept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, make_plan, make_team, make_user


@pytest.fixture
def page(browser, live_server, transactional_db):
    alice = make_user("alice", first_name="Alice", last_name="Author")
    team = make_team("Payments", alice="editor")
    make_plan(team, alice, title="Offline Sync", rows=20)
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, alice.username, PASSWORD)
    yield page
    context.close()


def test_a_section_is_edited_and_saved_without_javascript(page):
    page.get_by_role("link", name="Plans", exact=True).click()
    page.get_by_role("link", name="Offline Sync").click()
    expect(page.locator("section#risks")).to_contain_text("Risk 20")  # read first: kept

    page.get_by_role("link", name="Edit Overview", exact=True).click()

    expect(page).to_have_url(re.compile(r"/sections/overview/edit/$"))
    overview = page.get_by_role("textbox", name="Overview", exact=True)
    expect(overview).to_be_visible()
    expect(page.locator("section#risks")).to_contain_text("Risk 20")  # the rest of the plan
    overview.fill("Written with *no* script at all.")
    page.get_by_role("button", name="Save Overview", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("Overview saved as version 2.")
    expect(page.locator("section#overview")).to_contain_text("Written with no script at all.")
    expect(page.locator("section#overview form")).to_have_count(0)


def test_a_refused_date_comes_back_with_the_input_kept_without_javascript(page):
    page.get_by_role("link", name="Plans", exact=True).click()
    page.get_by_role("link", name="Offline Sync").click()
    page.get_by_role("link", name="Edit Resources and Timeline", exact=True).click()

    page.get_by_label("Planning start").fill("2026-05-02")
    page.get_by_label("Planning end").fill("2026-05-01")
    page.get_by_role("button", name="Save Resources and Timeline", exact=True).click()

    expect(page.get_by_label("Planning start")).to_have_value("2026-05-02")
    expect(page.locator("section#resources")).to_contain_text("cannot end before it starts")
    expect(page.locator("section#overview")).to_be_visible()  # the page around it
