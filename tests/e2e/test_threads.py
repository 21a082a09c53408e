"""Browser test: the thread story of issue 14, with htmx and the mention suggestions.

bob comments on the Risks section's "CSV injection" row and mentions alice; alice replies and
fixes the mitigation, which outdates the thread; bob resolves it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from plans.models import Plan, Risk
from plans.services import create_plan
from tests.e2e.conftest import screenshot
from tests.factories import make_content, make_team, make_user
from threads.models import Thread

COMMENT = "Mitigation only covers `=`; what about `+` and `@`? "


@pytest.fixture
def plan(transactional_db) -> Plan:
    alice = make_user("alice", first_name="Alice", last_name="Author")
    make_user("bob", first_name="Bob", last_name="Lead")
    team = make_team("Payments", alice="editor", bob="editor")
    content = make_content(title="CSV Export")
    content.risks = [
        Risk(
            risk="CSV injection",
            impact="high",
            likelihood="medium",
            mitigation="Prefix cells that start with = with a quote",
        )
    ]
    return create_plan(team=team, author=alice, content=content)


def test_a_row_thread_from_comment_to_resolved(plan, open_as):
    bob = open_as("bob")
    bob.goto(plan.get_absolute_url())
    risks = bob.locator("section#risks")
    risks.get_by_role("link", name="Comment on CSV injection").click()
    box = risks.get_by_label("Comment on Risks and Mitigations: CSV injection")
    box.fill(COMMENT)
    box.press_sequentially("@al")
    bob.get_by_role("button", name="Alice Author (@alice)").click()
    expect(box).to_have_value(COMMENT + "@alice ")
    risks.get_by_role("button", name="Comment", exact=True).click()
    thread = risks.locator(".thread")
    expect(thread).to_contain_text("what about + and @? @alice")
    assert Notification.objects.filter(recipient__username="alice", kind="mention").exists()

    alice = open_as("alice")
    alice.goto(plan.get_absolute_url())
    thread = alice.locator("section#risks .thread")
    expect(thread).to_contain_text("Mitigation only covers")
    thread.get_by_label("Reply").fill("Good catch: `+`, `-` and `@` too now.")
    thread.get_by_role("button", name="Reply", exact=True).click()
    expect(thread).to_contain_text("Good catch")

    risks = alice.locator("section#risks")
    risks.get_by_role("link", name="Edit Risks and Mitigations", exact=True).click()
    risks.get_by_label("Mitigation").fill("Prefix cells that start with = + - @ with a quote")
    risks.get_by_role("button", name="Save Risks and Mitigations", exact=True).click()
    expect(risks.get_by_role("status")).to_contain_text("Saved as version 2.")
    outdated = risks.locator(".thread .outdated")
    expect(outdated).to_have_text("Outdated — the row changed since this comment. What changed")
    screenshot(alice, "thread-outdated")

    bob.reload()
    thread = bob.locator("section#risks .thread")
    expect(thread.get_by_role("link", name="What changed")).to_have_attribute(
        "href", f"/plans/{plan.pk}/compare/?from=1&to=2"
    )
    thread.get_by_role("button", name="Resolve the thread on Risks and Mitigations").click()
    expect(thread.locator(".badge")).to_have_text(["Outdated", "Resolved"])
    assert Thread.objects.get().resolved_by.username == "bob"
