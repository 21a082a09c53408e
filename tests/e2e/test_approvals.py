"""Browser tests: a plan's review, from "Request sign-off" to "Approved", lead by lead.

alice writes the plan; bob leads Product Owner and Technical Lead, quinn QA Lead (the demo).
Each person has a browser context of their own, signed in side by side.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from plans.models import Plan
from tests.e2e.conftest import SCREENSHOTS, edit, save, screenshot, sign_in

PLAN = "Single Sign-On with SAML"
PASSWORD = "plansign-demo"
QA_COMMENT = "Test a sign-in while the IdP certificate is being rotated."
NEW_UNIT_TESTS = "Also a recorded response signed with the old certificate during a rotation."


# Helpers ---------------------------------------------------------------------------------


@pytest.fixture
def e2e_password() -> str:
    return PASSWORD  # the demo's people


def status_badge(page: Page) -> Locator:
    return page.get_by_role("heading", level=1).locator(".badge")


def approval_row(page: Page, role: str) -> Locator:
    """The Approval table's row of one role: Role, Name, Date, Signature."""
    return page.locator("section#approval tbody tr").filter(
        has=page.locator("td:first-child", has_text=role)
    )


def request_signoff(page: Page) -> None:
    page.locator("section#approval").get_by_role("button", name="Request sign-off").click()
    expect(page.get_by_role("alert")).to_contain_text("Sign-off requested")
    expect(status_badge(page)).to_have_text("In review")


def sign(page: Page, role: str, decision: str = "Approve", comment: str = "") -> None:
    """Decide as a role through its form in the Approval section, with the password."""
    button = page.get_by_role("button", name=f"{decision} as {role}", exact=True)
    form = page.locator("form.decision-form").filter(has=button)
    if comment:
        form.get_by_label("Comment").fill(comment)
    form.get_by_label("Your password, to sign").fill(PASSWORD)
    button.click()
    done = "Approved" if decision == "Approve" else "Changes requested"
    expect(page.get_by_role("alert")).to_contain_text(
        re.compile(rf"{done} as {role} on version \d+\.")
    )


def signoffs_link(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Sign-offs")
    )


def signature(name: str, version: int) -> re.Pattern[str]:
    """What a valid approval shows: who, which version, and the start of its content hash."""
    return re.compile(
        rf"^\s*Approved {name}, [0-9.]+ \(version {version}\), sha256:[0-9a-f]{{12}}\s*$"
    )


def mails(subject: str) -> list[str]:
    """Who got an email with this subject, sorted."""
    return sorted(address for m in mail.outbox if m.subject == subject for address in m.to)


def shot(section: Locator, name: str) -> None:
    """A screenshot of one part of the page, readable at a glance (next to the full page)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    section.screenshot(path=SCREENSHOTS / f"{name}.png")


# The review, start to finish ----------------------------------------------------------------


def test_a_plan_is_reviewed_sent_back_changed_and_approved_by_every_lead(page, demo, open_as):
    plan = Plan.objects.get(title=PLAN)
    today = timezone.localdate().isoformat()
    alice = page
    sign_in(alice, "alice")
    alice.goto(plan.get_absolute_url())
    expect(status_badge(alice)).to_have_text("Draft")
    approval = alice.locator("section#approval")
    expect(approval).to_contain_text("Cannot be approved yet: 2 open questions are unresolved")

    # Alice resolves the open questions first: otherwise the last approval is refused.
    section = edit(alice, "open-questions", "Open Questions")
    questions = section.locator('[data-formset="open_questions"] > [data-rows] > li[data-row]')
    expect(questions).to_have_count(4)
    for n in range(4):
        questions.nth(n).get_by_label("Resolved").check()
    save(section, "Open Questions")
    expect(alice.locator("#open-questions li .badge")).to_have_text(["Resolved"] * 4)
    alice.reload()
    expect(approval).not_to_contain_text("Cannot be approved yet")
    plan.refresh_from_db()
    read = plan.version  # the version the leads read and sign

    request_signoff(alice)
    subject = f"Sign-off requested: {PLAN}"
    assert mails(subject) == ["bob@example.com", "quinn@example.com"]

    # Bob sees what waits for him, and signs as Product Owner.
    bob = open_as("bob")
    expect(signoffs_link(bob).locator(".badge")).to_have_text("2 waiting for you")
    signoffs_link(bob).click()
    bob.wait_for_url("**/approvals/")
    waiting = bob.locator(".list-group-item").filter(has_text=PLAN)
    expect(waiting).to_have_count(2)
    expect(waiting.nth(0)).to_contain_text("as Product Owner")
    expect(waiting.nth(1)).to_contain_text("as Technical Lead")
    for n in range(2):
        expect(waiting.nth(n)).to_contain_text("Waiting for you")
    waiting.first.get_by_role("link", name=PLAN).click()
    bob.wait_for_url(re.compile(rf"/plans/{plan.pk}/#approval$"))

    sign(bob, "Product Owner")
    row = approval_row(bob, "Product Owner")
    cells = row.locator("td")
    expect(cells.nth(1)).to_have_text("Bob Lead")
    expect(cells.nth(2)).to_have_text(today)
    expect(cells.nth(3)).to_have_text(signature("Bob Lead", read))
    expect(approval_row(bob, "Technical Lead")).to_contain_text("not signed")
    expect(status_badge(bob)).to_have_text("In review")
    expect(signoffs_link(bob).locator(".badge")).to_have_text("1 waiting for you")
    shot(bob.locator("section#approval"), "approvals-bob-signed")
    assert mails(f"Signed off: {PLAN}") == ["alice@example.com"]

    # Quinn requests changes as QA Lead: the plan says so until alice asks again.
    quinn = open_as("quinn")
    expect(signoffs_link(quinn).locator(".badge")).to_have_text("1 waiting for you")
    quinn.goto(plan.get_absolute_url())
    sign(quinn, "QA Lead", "Request changes", QA_COMMENT)
    expect(status_badge(quinn)).to_have_text("Changes requested")
    expect(quinn.locator("form.decision-form")).to_have_count(0)
    assert mails(f"Changes requested: {PLAN}") == ["alice@example.com"]
    assert QA_COMMENT in next(m.body for m in mail.outbox if m.subject.startswith("Changes"))

    # Alice reads the comment, changes the Testing Strategy and asks again.
    alice.reload()
    expect(status_badge(alice)).to_have_text("Changes requested")
    qa = approval_row(alice, "QA Lead")
    expect(qa).to_contain_text("Quinn Tester")
    expect(qa).to_contain_text(f"Changes requested on version {read}")
    expect(qa.locator(".signoff-comment")).to_have_text(f"“{QA_COMMENT}”")
    section = edit(alice, "testing", "Testing Strategy")
    section.get_by_label("Unit tests").fill(NEW_UNIT_TESTS)
    save(section, "Testing Strategy")
    alice.reload()
    request_signoff(alice)
    plan.refresh_from_db()
    assert plan.version == read + 1
    assert mails(subject) == ["bob@example.com"] * 2 + ["quinn@example.com"] * 2

    stale = approval_row(alice, "Product Owner")
    expect(stale).to_have_class(re.compile(r"\bstale\b"))
    expect(stale.locator(".badge")).to_have_text("Stale")
    expect(stale).to_contain_text(f"Approved on version {read}; the plan changed since.")
    expect(stale.locator(".badge", has_text="Approved")).to_have_count(0)
    approval.scroll_into_view_if_needed()
    shot(approval, "approvals-stale-row")
    stale.get_by_role("link", name="What changed").click()
    alice.wait_for_url(re.compile(rf"/plans/{plan.pk}/compare/\?from={read}&to={read + 1}$"))
    expect(alice.get_by_role("heading", level=1)).to_have_text(
        f"What changed from version {read} to version {read + 1}"
    )
    changed = alice.locator("section.compare-section")
    expect(changed).to_have_count(1)
    expect(changed.get_by_role("heading")).to_have_text("Testing Strategy")
    expect(changed.locator("ins").first).to_be_visible()
    screenshot(alice, "approvals-what-changed")

    # Bob's approval is stale: he is asked again, for both roles.
    bob.goto("/approvals/")
    waiting = bob.locator(".list-group-item").filter(has_text=PLAN)
    expect(waiting).to_have_count(2)
    expect(waiting.filter(has_text="as Product Owner")).to_contain_text(
        f"Stale you approved version {read}"
    )
    expect(signoffs_link(bob).locator(".badge")).to_have_text("2 waiting for you")
    bob.goto(plan.get_absolute_url())
    sign(bob, "Product Owner")
    sign(bob, "Technical Lead")
    expect(status_badge(bob)).to_have_text("In review")
    expect(signoffs_link(bob).locator(".badge")).to_have_count(0)

    quinn.goto(plan.get_absolute_url())
    sign(quinn, "QA Lead")
    expect(status_badge(quinn)).to_have_text("Approved")

    alice.goto(plan.get_absolute_url())
    expect(status_badge(alice)).to_have_text("Approved")
    for role, name in [
        ("Product Owner", "Bob Lead"),
        ("Technical Lead", "Bob Lead"),
        ("QA Lead", "Quinn Tester"),
    ]:
        row = approval_row(alice, role)
        expect(row).not_to_have_class(re.compile(r"\bstale\b"))
        expect(row.locator("td").nth(1)).to_have_text(name)
        expect(row.locator("td").nth(3)).to_have_text(signature(name, read + 1))
    expect(approval).not_to_contain_text("Request sign-off")
    shot(approval, "approvals-approved-table")
    shot(alice.locator("article.plan > header"), "approvals-approved-header")
    shot(alice.locator("section#changelog"), "approvals-approved-changelog")
    alice.evaluate("window.scrollTo(0, 0)")
    screenshot(alice, "approvals-approved-plan")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED
