"""Browser tests: editing a plan section by section, in place, the way an editor does."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, expect

from plans.models import Plan
from tests.e2e.conftest import edit, is_section_save, save, screenshot, sign_in

# Helpers ---------------------------------------------------------------------------------


def rows(container: Locator, prefix: str) -> Locator:
    """The direct rows of one formset (not the rows of formsets nested in them)."""
    return container.locator(f'[data-formset="{prefix}"] > [data-rows] > li[data-row]')


def add_row(container: Locator, prefix: str) -> Locator:
    """Click the formset's "+ Add …" button; return the new (last) row."""
    formset = container.locator(f'[data-formset="{prefix}"]')
    before = rows(container, prefix).count()
    formset.locator(":scope > [data-add]").click()
    expect(rows(container, prefix)).to_have_count(before + 1)
    return rows(container, prefix).nth(before)


def fill_rows(section: Locator, prefix: str, label: str, texts: list[str]) -> None:
    for text in texts:
        # The field by its role: the row's Move and Remove buttons name it ("Move goal 1 up").
        add_row(section, prefix).get_by_role("textbox", name=label).fill(text)


# 1. A whole plan, from nothing ------------------------------------------------------------

GOALS = ["Edit every section in the browser", "Keep a version per save"]
CRITERIA = ["A section saves in under a second", "No edit is ever lost silently"]
DOCS = ["Editing guide for plan authors"]
QUESTIONS = ["Do we need offline editing?", "Should tasks carry owners?"]
RISKS = [
    ("Two editors overwrite each other", "high", "medium", "Conflict check per section"),
    ("Preview differs from the page", "low", "low", "One renderer for both"),
]
# (name, effort as typed, effort as shown, tasks, deliverables)
PHASES = [
    ("Design", "3", "3 person-days", ["Sketch the forms", "Review with the team"], "Mockups"),
    ("Build", "10", "10 person-days", ["Section forms", "Row formsets", "Conflicts"], "The app"),
    ("Launch", "1.5", "1.5 person-days", ["Flag on for one team", "Flag on for all"], "Notes"),
]


def test_alice_creates_a_plan_and_fills_every_section(page, demo):
    sign_in(page, "alice")
    page.goto("/plans/new/")
    page.get_by_label("Feature name").fill("Browser Plan")
    page.get_by_label("Team").select_option(label="Mobile Platform")
    page.get_by_role("button", name="Create plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Implementation Plan: Browser Plan"
    )
    plan_url = page.url

    # Overview, with a preview of its Markdown.
    section = edit(page, "overview", "Overview")
    expect(section.get_by_label("Feature name")).to_have_value("Browser Plan")
    section.get_by_label("Overview").fill(
        "Plans are edited **in the browser**, section by section."
    )
    section.get_by_role("button", name="Preview").click()
    expect(section.locator(".md-preview strong")).to_have_text("in the browser")
    screenshot(page, "editing-overview-preview")
    save(section, "Overview")

    section = edit(page, "goals", "Primary Goals")
    fill_rows(section, "goals", "Goal", GOALS)
    save(section, "Primary Goals")

    section = edit(page, "success-criteria", "Success Criteria")
    fill_rows(section, "success_criteria", "Criterion", CRITERIA)
    save(section, "Success Criteria")

    section = edit(page, "user-stories", "User Stories")
    story = add_row(section, "user_stories")
    story.get_by_role("textbox", name="User story").fill(
        "As a plan author, I want to edit one section at a time"
        " so that my changes are small and reviewable"
    )
    save(section, "User Stories")

    section = edit(page, "architecture", "Architecture")
    section.get_by_label("Architecture").fill("Server-rendered Django pages, swapped by htmx.")
    save(section, "Architecture")

    section = edit(page, "data-models", "Data Models")
    section.get_by_label("Data models").fill("A plan has ordered rows; phases have tasks.")
    save(section, "Data Models")

    section = edit(page, "api-endpoints", "API Endpoints")
    endpoint = add_row(section, "api_endpoints")
    endpoint.get_by_role("textbox", name="Endpoint").fill("/plans/{id}/sections/{key}/edit/")
    endpoint.get_by_label("Method").select_option("POST")
    endpoint.get_by_label("Request body").fill("section form")
    endpoint.get_by_label("Response").fill("the section")
    endpoint.get_by_label("Description").fill("Saves one section")
    screenshot(page, "editing-api-endpoints-form")
    save(section, "API Endpoints")

    section = edit(page, "dependencies", "Dependencies")
    section.get_by_label("Dependencies").fill("Django 6.1 and htmx 2.")
    save(section, "Dependencies")

    # Phases: three, with tasks; then the third moves up above the second.
    section = edit(page, "phases", "Implementation Phases")
    for name, effort, _, tasks, deliverables in PHASES:
        phase = add_row(section, "phases")
        phase.get_by_label("Name").fill(name)
        phase.get_by_label("Effort (person-days)").fill(effort)
        phase.get_by_label("Deliverables").fill(deliverables)
        tasks_prefix = phase.locator("[data-formset$='-tasks']").get_attribute("data-formset")
        assert tasks_prefix is not None
        fill_rows(phase, tasks_prefix, "Task", tasks)
    phases = rows(section, "phases")
    phases.nth(2).locator(":scope > .row [data-move='up']").click()
    for n, name in enumerate(["Design", "Launch", "Build"]):
        expect(phases.nth(n).get_by_label("Name")).to_have_value(name)
    screenshot(page, "editing-phases-form")
    save(section, "Implementation Phases")

    section = edit(page, "testing", "Testing Strategy")
    section.get_by_label("Unit tests").fill("Forms and services, with pytest.")
    section.get_by_label("Integration tests").fill("Every section through the views.")
    section.get_by_label("User acceptance testing").fill("Alice fills a plan in the browser.")
    save(section, "Testing Strategy")

    section = edit(page, "rollout", "Rollout Plan")
    section.get_by_label("Deployment strategy").fill("Behind a flag, team by team.")
    section.get_by_label("Rollback plan").fill("Turn the flag off.")
    flag = add_row(section, "feature_flags")
    flag.get_by_label("Name").fill("section_editing")
    flag.get_by_label("Purpose").fill("Shows the Edit links")
    screenshot(page, "editing-rollout-form")
    save(section, "Rollout Plan")

    section = edit(page, "risks", "Risks and Mitigations")
    for text, impact, likelihood, mitigation in RISKS:
        risk = add_row(section, "risks")
        risk.get_by_role("textbox", name="Risk").fill(text)
        risk.get_by_label("Impact").select_option(impact)
        risk.get_by_label("Likelihood").select_option(likelihood)
        risk.get_by_label("Mitigation").fill(mitigation)
    save(section, "Risks and Mitigations")

    section = edit(page, "resources", "Resources and Timeline")
    member = add_row(section, "team_members")
    member.get_by_label("Name").fill("Alice Author")
    member.get_by_label("Role").fill("Tech lead")
    for label, day in [
        ("Planning start", "2026-03-01"),
        ("Planning end", "2026-03-13"),
        ("Development start", "2026-03-16"),
        ("Development end", "2026-05-29"),
        ("Testing start", "2026-05-18"),
        ("Testing end", "2026-06-12"),
        ("Deployment target date", "2026-06-22"),
    ]:
        section.get_by_label(label).fill(day)
    save(section, "Resources and Timeline")

    section = edit(page, "documentation", "Documentation Updates")
    fill_rows(section, "documentation_updates", "Documentation update", DOCS)
    save(section, "Documentation Updates")

    section = edit(page, "open-questions", "Open Questions")
    fill_rows(section, "open_questions", "Question", QUESTIONS)
    rows(section, "open_questions").nth(1).get_by_label("Resolved").check()
    screenshot(page, "editing-open-questions-form")
    save(section, "Open Questions")

    # Everything is on the page as saved, after a reload.
    page.reload()
    assert page.url == plan_url
    expect(page.get_by_text("version 16", exact=False).first).to_be_visible()
    expect(page.locator("#overview strong")).to_have_text("in the browser")
    expect(page.locator("#goals li")).to_have_text(GOALS)
    expect(page.locator("#success-criteria li")).to_have_text(CRITERIA)
    expect(page.locator("#user-stories li")).to_have_text(
        "As a plan author, I want to edit one section at a time"
        " so that my changes are small and reviewable"
    )
    expect(page.locator("#architecture")).to_contain_text("swapped by htmx")
    expect(page.locator("#data-models")).to_contain_text("phases have tasks")
    expect(page.locator("#api-endpoints tbody td")).to_have_text(
        [
            "/plans/{id}/sections/{key}/edit/",
            "POST",
            "section form",
            "the section",
            "Saves one section",
        ]
    )
    expect(page.locator("#dependencies")).to_contain_text("Django 6.1 and htmx 2.")

    shown = [PHASES[0], PHASES[2], PHASES[1]]
    phase_blocks = page.locator("#phases .phase")
    expect(phase_blocks.locator("h3")).to_have_text(
        [f"Phase {n}: {p[0]}" for n, p in enumerate(shown, start=1)]
    )
    for n, (_, _, effort_shown, tasks, deliverables) in enumerate(shown):
        block = phase_blocks.nth(n)
        expect(block.locator("ol > li")).to_have_text(tasks)  # a numbered list, in order
        expect(block).to_contain_text(f"Estimated Effort: {effort_shown}")
        expect(block).to_contain_text(f"Deliverables: {deliverables}")
    expect(page.locator("#phases")).to_contain_text("Total estimated effort: 14.5 person-days.")

    testing = page.locator("#testing")
    expect(testing.locator(".md")).to_have_text(
        [
            "Forms and services, with pytest.",
            "Every section through the views.",
            "Alice fills a plan in the browser.",
        ]
    )
    rollout = page.locator("#rollout")
    expect(rollout.locator(".md")).to_have_text(
        ["Behind a flag, team by team.", "Turn the flag off."]
    )
    # Name, default, purpose, owner: a flag typed without a default or an owner leaves them blank.
    expect(rollout.locator("tbody td")).to_have_text(
        ["section_editing", "", "Shows the Edit links", ""]
    )
    risk_rows = page.locator("#risks table.risks tbody tr")
    expect(risk_rows).to_have_count(2)
    for n, (text, impact, likelihood, mitigation) in enumerate(RISKS):
        expect(risk_rows.nth(n).locator("td")).to_have_text(
            [text, impact.capitalize(), likelihood.capitalize(), mitigation]
        )
    resources = page.locator("#resources")
    expect(resources.locator(".plan-list-rows li")).to_have_text("Alice Author — Tech lead")
    expect(resources.locator(".timeline-list li")).to_have_text(
        [
            "Planning: 2026-03-01 to 2026-03-13",
            "Development: 2026-03-16 to 2026-05-29",
            "Testing: 2026-05-18 to 2026-06-12",
            "Deployment: 2026-06-22",
        ]
    )
    expect(page.locator("#documentation li")).to_have_text(DOCS)
    questions = page.locator("#open-questions li")
    expect(questions).to_have_text([f"Open{QUESTIONS[0]}", f"Resolved{QUESTIONS[1]}"])
    expect(page.locator("#changelog")).to_contain_text("No named version yet")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "editing-finished-plan")


# 2. Validation ------------------------------------------------------------------------------


def test_a_validation_error_keeps_the_input(page, demo):
    plan = Plan.objects.get(title="Offline Sync")
    sign_in(page, "alice")
    page.goto(plan.get_absolute_url())
    section = edit(page, "resources", "Resources and Timeline")
    section.get_by_label("Testing start").fill("2026-05-10")
    section.get_by_label("Testing end").fill("2026-05-01")
    member = add_row(section, "team_members")
    member.get_by_label("Name").fill("Dana Developer")
    member.get_by_label("Role").fill("QA")

    with page.expect_response(is_section_save) as response:
        section.get_by_role("button", name="Save Resources and Timeline").click()
    assert response.value.status == 422

    expect(section.get_by_role("alert")).to_contain_text("nothing was saved yet")
    field = section.locator("#div_id_testing_end")  # the field's own wrapper: label, input, error
    expect(field).to_contain_text("Testing cannot end before it starts (2026-05-10).")
    expect(field.get_by_label("Testing end")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(section.get_by_label("Testing start")).to_have_value("2026-05-10")
    expect(section.get_by_label("Testing end")).to_have_value("2026-05-01")
    member = rows(section, "team_members").last
    expect(member.get_by_label("Name")).to_have_value("Dana Developer")
    expect(member.get_by_label("Role")).to_have_value("QA")
    section.locator("#div_id_testing_end").scroll_into_view_if_needed()
    screenshot(page, "editing-validation-error")

    plan.refresh_from_db()
    assert str(plan.testing_end) != "2026-05-01"


# 3. Two editors, one section ----------------------------------------------------------------


def test_two_pages_conflict(page, demo, browser, live_server):
    plan = Plan.objects.get(title="Offline Sync")
    bob_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    try:
        bob_page = bob_context.new_page()
        bob_page.set_default_timeout(20_000)
        sign_in(page, "alice")
        sign_in(bob_page, "bob")
        page.goto(plan.get_absolute_url())
        bob_page.goto(plan.get_absolute_url())
        alice_risks = edit(page, "risks", "Risks and Mitigations")
        bob_risks = edit(bob_page, "risks", "Risks and Mitigations")

        rows(bob_risks, "risks").nth(0).get_by_label("Mitigation").fill("Mitigation by Bob")
        bob_risks.get_by_label("Summary of your change").fill("Sharper first mitigation")
        save(bob_risks, "Risks and Mitigations")

        alice_row = rows(alice_risks, "risks").nth(1)
        alice_row.get_by_label("Mitigation").fill("Mitigation by Alice")
        with page.expect_response(is_section_save) as response:
            alice_risks.get_by_role("button", name="Save Risks and Mitigations").click()
        assert response.value.status == 409
        warning = alice_risks.locator(".conflict")
        expect(warning).to_contain_text("Risks and Mitigations changed since you opened it")
        expect(warning.locator("li")).to_contain_text(["by Bob Lead"])
        expect(warning).to_contain_text("Sharper first mitigation")
        expect(warning.locator(".their-changes")).to_contain_text("Mitigation by Bob")
        expect(rows(alice_risks, "risks").nth(0).get_by_label("Mitigation")).to_have_value(
            "Mitigation by Bob"
        )
        expect(rows(alice_risks, "risks").nth(1).get_by_label("Mitigation")).to_have_value(
            "Mitigation by Alice"
        )
        screenshot(page, "editing-conflict")

        save(alice_risks, "Risks and Mitigations")
        page.reload()
        mitigations = page.locator("#risks table.risks tbody tr td:nth-child(4)")
        expect(mitigations.nth(1)).to_have_text("Mitigation by Alice")
        expect(mitigations.nth(0)).to_have_text("Mitigation by Bob")
    finally:
        bob_context.close()
