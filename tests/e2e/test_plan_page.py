from __future__ import annotations

from playwright.sync_api import expect

from plans.models import Plan
from tests.e2e.conftest import screenshot, sign_in
from tests.plans.test_plan_page import TEMPLATE_HEADINGS


def test_alice_signs_in_and_sees_every_template_heading_on_a_demo_plan(page, demo):
    sign_in(page, "alice")
    page.get_by_role("link", name="Plans", exact=True).click()
    page.get_by_role("link", name="Offline Sync").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Implementation Plan: Offline Sync"
    )
    shown = [h.strip() for h in page.locator("article h2, article h3").all_inner_texts()]
    assert [h for h in shown if h in TEMPLATE_HEADINGS] == TEMPLATE_HEADINGS
    expect(page.locator("#risks table.risks")).to_contain_text(
        "Clock skew between devices reorders edits"
    )
    expect(page.locator("#data-models pre code")).to_contain_text("interface")
    screenshot(page, "plan-page-alice")


def test_mallory_gets_the_not_found_page(page, demo):
    plan = Plan.objects.get(title="Offline Sync")
    sign_in(page, "mallory")
    expect(page.get_by_text("not in any team")).to_be_visible()
    response = page.goto(plan.get_absolute_url())
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    screenshot(page, "plan-page-mallory-404")


def test_carol_sees_every_team_plan(page, demo):
    sign_in(page, "carol")
    page.goto("/plans/")
    for plan in Plan.objects.all():
        expect(page.get_by_role("link", name=plan.title)).to_be_visible()
