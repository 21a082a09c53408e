"""Browser test: the review story of issue 14, a plan reviewed the way a merge request is.

alice writes "CSV Export"; bob leads Product Owner, quinn QA Lead. alice names a version and asks
for review; bob hears of it in his inbox, comments on a risk and mentions alice; she replies and
fixes the row, which outdates the thread; bob resolves it; quinn requests changes; alice fixes the
plan and asks again as 1.1; both leads approve. Each person has a browser context of their own.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Locator, Page, expect

from approvals.services import assign_roles
from notifications.models import Notification
from plans.models import OpenQuestion, Plan, Risk
from plans.services import create_plan
from tests.e2e.conftest import SAVED, SCREENSHOTS, edit, screenshot
from tests.factories import PASSWORD, make_content, make_team, make_user

TITLE = "CSV Export"
COMMENT = "Mitigation only covers `=`; what about `+` and `@`? "
REPLY = "Good catch: `+`, `-` and `@` are quoted too now."
QA_COMMENT = "The rollback plan says nothing about exports cut off halfway."


@pytest.fixture
def plan(transactional_db) -> Plan:
    alice = make_user("alice", first_name="Alice", last_name="Author")
    bob = make_user("bob", first_name="Bob", last_name="Lead")
    quinn = make_user("quinn", first_name="Quinn", last_name="Tester")
    team = make_team("Payments", alice="editor", bob="editor", quinn="editor")
    content = make_content(title=TITLE)
    content.risks = [
        Risk(
            risk="CSV injection",
            impact="high",
            likelihood="medium",
            mitigation="Prefix cells that start with = with a quote",
        )
    ]
    # An unresolved open question would block the approval this story ends with.
    content.open_questions = [OpenQuestion(text="Excel or LibreOffice first?", resolved=True)]
    plan = create_plan(team=team, author=alice, content=content)
    assign_roles(plan=plan, user=alice, assignments=[("Product Owner", bob), ("QA Lead", quinn)])
    return plan


def status(page: Page) -> Locator:
    return page.locator("#plan-status")


def inbox_link(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Inbox")
    )


def unread(page: Page) -> Locator:
    return inbox_link(page).locator(".badge")


def notification(page: Page, starts: str) -> Locator:
    """An inbox entry: a button that marks it read and opens what it is about."""
    return page.get_by_role("button", name=re.compile("^" + re.escape(starts)))


def request_review(page: Page, label: str, summary: str) -> None:
    form = page.locator("section#approval form.request-form")
    form.get_by_label("Version name").fill(label)
    form.get_by_label("Summary, for the Changelog").fill(summary)
    form.get_by_role("button", name="Request sign-off").click()
    expect(page.get_by_role("alert")).to_contain_text(
        re.compile(r"Sign-off requested for [0-9.]+: the leads have been notified\.")
    )
    expect(status(page)).to_have_text("In review")


def decide(page: Page, role: str, decision: str = "Approve", comment: str = "") -> None:
    """Decide as a role through its form in the Approval section, with the password."""
    button = page.get_by_role("button", name=f"{decision} as {role}", exact=True)
    form = page.locator("form.decision-form").filter(has=button)
    if comment:
        form.get_by_label("Comment (required when you request changes)").fill(comment)
    form.get_by_label("Your password, to sign").fill(PASSWORD)
    button.click()
    done = "Approved" if decision == "Approve" else "Changes requested"
    expect(page.get_by_role("alert")).to_contain_text(
        re.compile(rf"{done} as {role} on version \d+\.")
    )


def save(section: Locator, title: str) -> None:
    """conftest.save, but for a section that holds threads: their reply and resolve forms come
    back with the saved section, so only the edit form's going is awaited."""
    save_button = section.get_by_role("button", name=f"Save {title}", exact=True)
    save_button.click()
    expect(section.get_by_role("status")).to_have_text(SAVED)
    expect(save_button).to_have_count(0)
    expect(section.page.locator("section#approval")).not_to_contain_text("Updating sign-offs")


def shot(part: Locator, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    part.screenshot(path=SCREENSHOTS / f"{name}.png")


def test_a_plan_is_reviewed_like_a_merge_request(plan, open_as):
    url = plan.get_absolute_url()

    # 1. alice sends version 1 for review, leaving the name to the app (1.0).
    alice = open_as("alice")
    alice.goto(url)
    expect(status(alice)).to_have_text("Draft")
    expect(alice.locator("section#approval")).to_contain_text("Send version 1 for review")
    request_review(alice, "", "First cut: CSV export of payments")
    body = next(m.body for m in mail.outbox if m.to == ["bob@example.com"])
    assert re.search(rf"https?://[^\s/]+{re.escape(url)}#approval", body), body

    # 2. bob hears of it in his inbox and follows it to the plan's review panel.
    bob = open_as("bob")
    expect(unread(bob)).to_have_text("1 unread")
    inbox_link(bob).click()
    bob.wait_for_url("**/inbox/")
    notification(bob, f"Alice Author asks you to sign off “{TITLE}” 1.0 (version 1)").click()
    bob.wait_for_url(re.compile(rf"{re.escape(url)}#approval$"))
    panel = bob.locator("section.review-panel")
    roles = panel.locator(".review-roles li")
    expect(roles).to_have_text(
        [
            re.compile(r"Product Owner · Bob Lead · waiting"),
            re.compile(r"QA Lead · Quinn Tester · waiting"),
        ]
    )
    expect(panel).to_contain_text("Waiting for Bob Lead (Product Owner), Quinn Tester (QA Lead).")
    expect(panel.get_by_role("link", name="Approve as Product Owner", exact=True)).to_be_visible()
    expect(unread(bob)).to_have_count(0)
    shot(panel, "review-story-1-panel-bob")

    # 3. bob comments on the risk and mentions alice with the suggestions: it blocks approval.
    risks = bob.locator("section#risks")
    risks.get_by_role("link", name="Comment on CSV injection").click()
    box = risks.get_by_label("Comment on Risks and Mitigations: CSV injection")
    box.fill(COMMENT)
    box.press_sequentially("@al")
    bob.get_by_role("button", name="Alice Author (@alice)").click()
    expect(box).to_have_value(COMMENT + "@alice ")
    risks.get_by_role("button", name="Comment", exact=True).click()
    expect(risks.locator(".thread")).to_contain_text("what about + and @? @alice")
    bob.reload()
    expect(panel).to_contain_text(
        "Blocks approval: 1 thread is unresolved: the plan cannot be approved until every "
        "thread is resolved."
    )
    expect(bob.locator("section#approval")).to_contain_text(
        "Cannot be approved yet: 1 thread is unresolved"
    )

    # 4. alice reads the mention from her inbox, replies, and fixes the row: the thread is outdated.
    alice.goto("/")
    expect(unread(alice)).to_have_text("1 unread")
    inbox_link(alice).click()
    notification(alice, "Bob Lead mentioned you in the thread on Risks and Mitigations").click()
    alice.wait_for_url(re.compile(rf"{re.escape(url)}threads/\d+/#comment-\d+$"))
    thread = alice.locator(".thread")
    expect(thread).to_contain_text("Mitigation only covers")
    expect(unread(alice)).to_have_count(0)
    thread.get_by_label("Reply").fill(REPLY)
    thread.get_by_role("button", name="Reply", exact=True).click()
    expect(thread).to_contain_text("Good catch")
    alice.goto(url)
    section = edit(alice, "risks", "Risks and Mitigations")
    section.get_by_label("Mitigation").fill("Prefix cells that start with = + - @ with a quote")
    save(section, "Risks and Mitigations")
    outdated = section.locator(".thread .outdated")
    expect(outdated).to_have_text("Outdated — the row changed since this comment. What changed")
    expect(outdated.get_by_role("link", name="What changed")).to_have_attribute(
        "href", f"{url}compare/?from=1&to=2"
    )
    shot(section, "review-story-2-thread-outdated")

    # 5. bob hears of the reply and resolves the thread.
    bob.reload()
    expect(unread(bob)).to_have_text("1 unread")
    thread = bob.locator("section#risks .thread")
    expect(thread).to_contain_text("Good catch")
    thread.get_by_role("button", name="Resolve the thread on Risks and Mitigations").click()
    expect(thread.locator(".badge")).to_have_text(["Outdated", "Resolved"])
    bob.reload()
    expect(panel).not_to_contain_text("Blocks approval")

    # 6. quinn requests changes: the plan says so, for alice too, and a thread holds the comment.
    quinn = open_as("quinn")
    quinn.goto(url)
    decide(quinn, "QA Lead", "Request changes", QA_COMMENT)
    expect(status(quinn)).to_have_text("Changes requested")
    expect(quinn.locator("section#approval tbody tr", has_text="QA Lead")).to_contain_text(
        f"Changes requested on version 2 “{QA_COMMENT}”"
    )
    decision_thread = quinn.locator("#threads-approval .thread")
    expect(decision_thread).to_contain_text(f"Changes requested as QA Lead: {QA_COMMENT}")
    shot(quinn.locator("article.plan > header"), "review-story-3-changes-requested-header")
    shot(quinn.locator("section#approval"), "review-story-3-changes-requested-approval")
    alice.goto("/")
    mine = alice.locator("section", has=alice.locator("#drafts-h")).locator("li", has_text=TITLE)
    expect(mine.locator(".badge")).to_have_text("Changes requested")
    shot(alice.locator("section", has=alice.locator("#drafts-h")), "review-story-4-dashboard")

    # 7. alice fixes the Testing Strategy and asks again as 1.1: the Changelog lists both.
    mine.get_by_role("link", name=TITLE).click()
    alice.wait_for_url(f"**{url}")
    expect(alice.locator("#threads-approval .thread")).to_contain_text(QA_COMMENT)
    section = edit(alice, "testing", "Testing Strategy")
    section.get_by_label("Integration tests").fill("Kill the export halfway; roll back.")
    save(section, "Testing Strategy")
    alice.reload()
    request_review(alice, "1.1", "rollback covers partial exports")
    changelog = alice.locator("section#changelog tbody tr")
    expect(changelog).to_have_count(2)
    expect(changelog.nth(0).locator("td").nth(1)).to_have_text("1.0")
    expect(changelog.nth(0).locator("td").nth(2)).to_have_text("First cut: CSV export of payments")
    expect(changelog.nth(1).locator("td").nth(1)).to_have_text("1.1")
    expect(changelog.nth(1).locator("td").nth(2)).to_have_text("rollback covers partial exports")
    alice.get_by_role("link", name="History", exact=True).click()
    versions = alice.locator("table.history tbody tr")
    expect(versions.locator("td:first-child")).to_have_text(["v3 current 1.1", "v2", "v1 1.0"])
    expect(versions.nth(0)).to_contain_text("Testing Strategy")
    expect(versions.nth(1)).to_contain_text("Risks and Mitigations")
    shot(alice.locator("table.history"), "review-story-5-history")

    # 8. Both leads approve: the plan is approved and alice hears of it.
    bob.goto(url)
    decide(bob, "Product Owner")
    quinn.goto(url)
    decide(quinn, "QA Lead")
    expect(status(quinn)).to_have_text("Approved")
    expect(quinn.locator("#threads-approval .thread .badge")).to_have_text("Resolved")
    alice.goto("/inbox/")
    approved = notification(alice, f"“{TITLE}” is approved: every role signed version 3")
    expect(approved).to_be_visible()
    assert Notification.objects.filter(
        recipient__username="alice", kind=Notification.Kind.PLAN_APPROVED
    ).exists()
    approved.click()
    expect(status(alice)).to_have_text("Approved")
    shot(alice.locator("section.review-panel"), "review-story-6-approved-panel")
    shot(alice.locator("section#changelog"), "review-story-7-approved-changelog")
    alice.evaluate("window.scrollTo(0, 0)")
    screenshot(alice, "review-story-8-approved-plan")
