"""Browser tests: the dashboard, searching the plan list, the risk matrix and charts, printing."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from plans.content import PlanContent
from plans.models import Plan
from tests.e2e.conftest import SCREENSHOTS, screenshot, sign_in
from tests.plans.test_plan_page import TEMPLATE_HEADINGS

DEMO_TITLES = ["Offline Sync", "Single Sign-On with SAML", "Audit Log Export"]
CLOCK_SKEW_RISK = "Clock skew between devices reorders edits"
# htmx pushes the form's fields with spaces as %20; a plain GET form submission uses "+".
Q_CLOCK_SKEW = r"[?&]q=clock(\+|%20)skew(&|$)"


# Helpers ---------------------------------------------------------------------------------


def card(page: Page, heading: str) -> Locator:
    """A dashboard card: a <section> named by its heading, so a region."""
    return page.get_by_role("region", name=heading, exact=True)


def card_count(region: Locator) -> int:
    return int(region.locator(".card-header .badge").inner_text())


def result_titles(page: Page) -> Locator:
    return page.locator("#results table.plan-list tbody tr td:first-child a")


def element_shot(locator: Locator, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    locator.screenshot(path=SCREENSHOTS / f"{name}.png")


def open_offline_sync(page: Page, username: str = "alice") -> Plan:
    plan = Plan.objects.get(title="Offline Sync")
    sign_in(page, username)
    page.goto(plan.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Implementation Plan: Offline Sync"
    )
    return plan


# 1. The dashboard ----------------------------------------------------------------------------


def test_dashboard(page, demo):
    sign_in(page, "alice")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello, Alice"))

    counted = [
        "Sign-offs waiting for you",
        "Your plans waiting for sign-off",
        "Your drafts",
    ]
    for heading in [*counted, "Recently changed in your teams"]:
        expect(card(page, heading)).to_be_visible()

    # Each count badge says how many plans its card links to.
    for heading in counted:
        region = card(page, heading)
        links = region.locator("ul.list-group a")
        assert card_count(region) == links.count(), heading

    # Alice is the author of every demo plan, all drafts, none in review, none hers to sign.
    drafts = card(page, "Your drafts")
    assert card_count(drafts) == len(DEMO_TITLES)
    for title in DEMO_TITLES:
        link = drafts.get_by_role("link", name=title, exact=True)
        expect(link).to_have_attribute("href", Plan.objects.get(title=title).get_absolute_url())
    expect(card(page, "Your plans waiting for sign-off")).to_contain_text(
        "None of your plans is in review."
    )
    expect(card(page, "Sign-offs waiting for you")).to_contain_text(
        "Nothing waits for your sign-off."
    )

    # The recent changes card has no count but links each saved version and all activity.
    recent = card(page, "Recently changed in your teams")
    expect(recent.get_by_role("link", name="All activity")).to_have_attribute(
        "href", reverse("plans:activity")
    )
    for title in DEMO_TITLES:
        plan = Plan.objects.get(title=title)
        link = page.get_by_role("link", name=title, exact=True)
        saved = recent.locator("li.activity-save", has=link).last  # its first version
        expect(saved.get_by_role("link", name=title, exact=True)).to_have_attribute(
            "href", reverse("plans:version", args=[plan.pk, 1])
        )
    screenshot(page, "find-dashboard-alice")
    element_shot(page.locator("main .row.g-4").first, "find-dashboard-cards")


# 2. Searching with filters ---------------------------------------------------------------


def test_search_with_filters(page, demo):
    sign_in(page, "carol")
    page.goto("/plans/")
    expect(result_titles(page)).to_have_count(len(DEMO_TITLES))
    page.evaluate("() => { window.__sameDocument = 'yes'; }")

    # Typing searches in place: the address changes, the document does not.
    page.get_by_label("Search every section").press_sequentially("clock skew", delay=20)
    page.wait_for_url(re.compile(Q_CLOCK_SKEW))
    expect(page.locator("#results")).to_contain_text("2 plans")
    assert page.evaluate("() => window.__sameDocument") == "yes"
    element_shot(page.locator("#results"), "find-search-typed")
    # The plan with the whole phrase first, then the one with only "clock".
    expect(result_titles(page)).to_have_text(["Offline Sync", "Audit Log Export"])

    # Filters and sort, each applied in place and carried by the address.
    page.get_by_label("Status").select_option(label="In review")
    page.wait_for_url(re.compile(r"[?&]status=in_review(&|$)"))
    expect(page.locator("#results")).to_have_text("No plan matches “clock skew”.")
    page.get_by_label("Status").select_option(label="Draft")
    page.wait_for_url(re.compile(r"[?&]status=draft(&|$)"))
    page.get_by_label("Sort by").select_option(label="Title")
    page.wait_for_url(re.compile(r"[?&]sort=title(&|$)"))
    expect(result_titles(page)).to_have_text(["Audit Log Export", "Offline Sync"])
    assert page.evaluate("() => window.__sameDocument") == "yes"
    url = page.url
    assert re.search(Q_CLOCK_SKEW, url), url
    for param in ("status=draft", "sort=title"):
        assert re.search(rf"[?&]{param}(&|$)", url), (param, url)
    screenshot(page, "find-search-filtered")
    element_shot(page.locator("form.plan-filters"), "find-search-form")

    # Reloading the address gives the same form and results.
    page.reload()
    assert page.evaluate("() => window.__sameDocument") is None
    assert page.url == url
    expect(page.get_by_label("Search every section")).to_have_value("clock skew")
    expect(page.get_by_label("Status")).to_have_value("draft")
    expect(page.get_by_label("Sort by")).to_have_value("title")
    expect(result_titles(page)).to_have_text(["Audit Log Export", "Offline Sync"])
    element_shot(page.locator("#results"), "find-search-results-reloaded")


# 3. The risk matrix and the charts -------------------------------------------------------


def test_risk_matrix_and_timeline(page, demo):
    plan = open_offline_sync(page)
    risks = page.locator("section#risks")
    matrix = risks.locator("table.risk-matrix")
    expect(matrix.locator("tbody tr")).to_have_count(3)
    expect(matrix.locator("tbody td")).to_have_count(9)

    # The counts in the matrix add up to the rows of the risks table.
    table_rows = risks.locator("table.risks tbody tr")
    counts = [int(c) for c in matrix.locator("tbody td .count").all_inner_texts()]
    assert len(counts) == 9
    assert sum(counts) == table_rows.count() > 0

    # High impact, medium likelihood: a disclosure naming its count and severity.
    summary = matrix.locator("summary").filter(
        has_text=re.compile(r"^High impact, medium likelihood: ")
    )
    expect(summary).to_have_count(1)
    expect(summary).to_have_accessible_name(re.compile(r"critical severity$"))
    cell = summary.locator("xpath=ancestor::td")
    expect(cell).to_have_class(re.compile(r"\bsev-critical\b"))
    listed = cell.get_by_text(CLOCK_SKEW_RISK, exact=True)
    expect(listed).to_be_hidden()
    summary.click()
    expect(listed).to_be_visible()
    expect(cell.locator("details")).to_have_attribute("open", "")
    element_shot(risks, "find-risks-section")

    # Timeline: one bar per scheduled stage, a marker for deployment, dates from the plan.
    resources = page.locator("section#resources")
    timeline = resources.locator("figure.timeline-chart svg")
    expect(timeline).to_be_visible()
    bar_titles = timeline.locator("rect > title")
    expected = [
        f"{label}: {start.isoformat()} to {end.isoformat()} ({(end - start).days + 1} days)"
        for label, start, end in plan.timeline()
    ]
    assert [label for label, *_ in plan.timeline()] == ["Planning", "Development", "Testing"]
    expect(bar_titles).to_have_text(expected)
    expect(timeline.locator("rect")).to_have_class(
        [re.compile(r"bar-planning"), re.compile(r"bar-development"), re.compile(r"bar-testing")]
    )
    assert plan.deployment_date is not None
    expect(timeline.locator("line.marker-deploy > title")).to_have_text(
        f"Deployment: {plan.deployment_date.isoformat()}"
    )
    expect(timeline.locator("text.marker-label-deploy")).to_have_text("Deployment")
    expect(timeline.locator("title#timeline-title")).to_contain_text("Deployment: ")

    # Effort: one bar per phase, in the phases' order.
    phases = PlanContent.from_plan(plan).phases
    assert phases and all(p.phase.effort is not None for p in phases)
    effort = resources.locator("figure.effort-chart svg")
    expect(effort.locator("rect.bar-effort")).to_have_count(len(phases))
    expect(page.locator("section#phases .phase")).to_have_count(len(phases))
    expect(effort.locator("rect.bar-effort > title")).to_have_text(
        [
            f"Phase {i}: {p.phase.name}: {p.phase.effort.normalize():f} person-days"
            for i, p in enumerate(phases, 1)
        ]
    )
    element_shot(resources, "find-resources-section")


# 4. Printing -------------------------------------------------------------------------------


def test_print_to_pdf(page, demo):
    plan = open_offline_sync(page)
    expect(page.locator("nav.navbar")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("nav.plan-outline")).to_be_hidden()
    expect(page.locator(".plan-actions")).to_be_hidden()
    expect(page.get_by_role("link", name="Edit Overview")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "find-print-top.png")

    pdf = SCREENSHOTS / "find-offline-sync.pdf"
    page.pdf(path=pdf, format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftoppm"):
        # Page 1 as a PNG, to look at: test-results/find-offline-sync-pdf-page1.png
        page_one = SCREENSHOTS / "find-offline-sync-pdf-page1"
        options = ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"]
        subprocess.run(["pdftoppm", *options, pdf, page_one], check=True, timeout=30)

    if not shutil.which("pdftotext"):
        pytest.skip(
            "pdftotext not found, so the PDF's text is not checked: "
            "apt-get install -y poppler-utils"
        )
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", pdf, "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert f"Implementation Plan: {plan.title}" in " ".join(text.split())
    # Every template heading on a line of its own, in the template's order.
    position = 0
    for heading in TEMPLATE_HEADINGS:
        assert heading in lines[position:], f"{heading!r} not found after line {position}"
        position = lines.index(heading, position) + 1
    # Table cells wrap and interleave in the text: look for the risk's words, in order, close.
    risk_words = r"(?s)" + r"\b.{1,300}?\b".join(CLOCK_SKEW_RISK.split())
    risks_text = text[text.index("Risks and Mitigations") :]
    assert re.search(risk_words, risks_text), "the risks table is not in the PDF"
    # The PDF starts with the plan's header: no navigation bar, outline, buttons or icons.
    assert lines[0].startswith(f"Implementation Plan: {plan.title}"), lines[:3]
    assert lines[1] == plan.team.name or lines[1].startswith(f"{plan.team.name} "), lines[:3]
    for screen_only in ("Sign out", "Edit Overview", "sections written", "Export Markdown"):
        assert screen_only not in text, f"{screen_only!r} should not be printed"
