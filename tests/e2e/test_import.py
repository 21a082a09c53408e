"""Browser tests: importing a plan from a Markdown file, and exporting it back."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from plans.content import PlanContent
from plans.markdown.writer import write_plan
from plans.models import Plan
from tests.e2e.conftest import screenshot, sign_in

FILE_NAME = "offline-sync-v1.md"
CHANGELOG = "## Changelog"


# Helpers ---------------------------------------------------------------------------------


def export(plan: Plan) -> str:
    """The document Plansign exports for a plan, built in Django (no browser)."""
    return write_plan(PlanContent.from_plan(plan), named_versions=list(plan.named_versions.all()))


def table_rows(markdown: str) -> list[str]:
    """The body rows of the first Markdown table in the text (header and rule left out)."""
    rows: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            break
    return rows[2:]


def report_row(page: Page, heading: str) -> Locator:
    """The import report's row for a heading of the document."""
    first_cell = page.locator("td:first-child", has_text=re.compile(rf"^{re.escape(heading)}$"))
    return page.locator("table.import-report tbody tr").filter(has=first_cell)


def open_import_form(page: Page) -> None:
    page.goto("/plans/")
    page.get_by_role("link", name="Import", exact=True).click()
    page.wait_for_url("**/plans/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a plan from Markdown")


def choose_team(page: Page, plan: Plan) -> None:
    page.get_by_label("Team").select_option(label=str(plan.team))


# 1. Alice imports an exported plan and exports it back -------------------------------------


def test_alice_imports_a_file_and_exports_the_same_document(page, demo, tmp_path: Path):
    source = Plan.objects.get(title="Offline Sync")
    document = export(source)
    upload = tmp_path / FILE_NAME
    upload.write_text(document, encoding="utf-8")
    before = set(Plan.objects.values_list("pk", flat=True))

    # Alice imports the file from the plan list.
    sign_in(page, "alice")
    open_import_form(page)
    choose_team(page, source)
    page.get_by_label("Markdown file").set_input_files(upload)
    page.get_by_role("button", name="Import", exact=True).click()

    # The report says what went where; nothing in a clean export is kept as notes.
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported “Offline Sync”")
    expect(page.get_by_role("heading", name="What went where")).to_be_visible()
    rows = page.locator("table.import-report tbody tr")
    expect(rows.first).to_be_visible()
    assert all(cell.startswith("→ ") for cell in rows.locator("td:nth-child(2)").all_inner_texts())
    expect(report_row(page, "Overview")).to_contain_text("→ Overview (")
    expect(report_row(page, "Primary Goals")).to_contain_text("→ 9 goals")
    expect(report_row(page, "API Endpoints")).to_contain_text("→ 8 API endpoints")
    expect(report_row(page, "Phase 1: Design and spikes")).to_contain_text(
        "→ phase “Design and spikes” with 5 tasks"
    )
    expect(report_row(page, "Risks and Mitigations")).to_contain_text("→ 9 risks")
    expect(report_row(page, "Changelog")).to_contain_text("earlier changelog row")
    expect(page.locator(".import-report .badge")).to_have_count(0)
    expect(page.locator(".import-report tr.table-warning")).to_have_count(0)
    screenshot(page, "import-report")

    imported = Plan.objects.exclude(pk__in=before).get()
    assert imported.title == "Offline Sync"
    assert imported.version == 1
    assert imported.team == source.team

    # She opens the new plan.
    page.get_by_role("link", name="Open the plan").click()
    page.wait_for_url(re.compile(rf"/plans/{imported.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Implementation Plan: Offline Sync"
    )
    expect(page.locator("#risks table.risks")).to_contain_text(
        "Clock skew between devices reorders edits"
    )

    # She exports it; the download is the imported document: its Changelog lists the document's
    # own rows, and the plan's named versions (none yet; every save is in its History).
    with page.expect_download() as download:
        page.get_by_role("link", name="Export Markdown").click()
    assert download.value.suggested_filename == FILE_NAME
    downloaded = Path(download.value.path()).read_text(encoding="utf-8")

    cut = document.index(CHANGELOG)
    assert downloaded[:cut] == document[:cut]
    assert downloaded[cut:].startswith(CHANGELOG)
    earlier = table_rows(document[cut:])
    assert table_rows(downloaded[cut:]) == earlier


# 2. A file that is not UTF-8 is refused -----------------------------------------------------


def test_a_file_that_is_not_utf8_is_refused_next_to_the_file_field(page, demo, tmp_path: Path):
    source = Plan.objects.get(title="Offline Sync")
    upload = tmp_path / "cafe.md"
    upload.write_bytes("# Implementation Plan: café\n".encode("latin-1"))
    count = Plan.objects.count()

    sign_in(page, "alice")
    open_import_form(page)
    choose_team(page, source)
    file_input = page.get_by_label("Markdown file")
    file_input.set_input_files(upload)
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import a plan from Markdown")
    # The message sits under the file field and is its accessible description.
    field = page.locator("#div_id_file")
    expect(file_input).to_have_attribute("aria-invalid", "true")
    expect(file_input).to_have_accessible_description(re.compile(r"not UTF-8"))
    expect(field.locator(".invalid-feedback")).to_contain_text("not UTF-8")
    expect(field.locator(".invalid-feedback")).to_be_visible()
    expect(page.get_by_text("not UTF-8")).to_have_count(1)
    screenshot(page, "import-not-utf8")

    assert Plan.objects.count() == count


# 3. Alice previews an import and moves a heading to another section before importing ------


def test_alice_previews_an_import_and_re_maps_a_heading(page, demo, tmp_path: Path):
    team_plan = Plan.objects.get(title="Offline Sync")
    upload = tmp_path / "hazards.md"
    upload.write_text(
        "# Plan: Hazards\n\n## Goals\n\n- Work offline\n\n"
        "## Hazards\n\n- Data loss\n- Lost edits\n",
        encoding="utf-8",
    )
    before = Plan.objects.count()
    sign_in(page, "alice")
    open_import_form(page)
    choose_team(page, team_plan)
    page.get_by_label("Markdown file").set_input_files(upload)
    page.get_by_role("button", name="Preview", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import preview: hazards.md")
    summary = page.locator(".import-summary")
    expect(summary).to_contain_text("1 row in 1 section; 1 passage kept as notes")
    assert Plan.objects.count() == before  # nothing created yet

    # Choosing Risks for "Hazards" updates the preview in place (htmx), without a reload.
    page.evaluate("window.__same_page = true")
    page.get_by_label("Section for “Hazards”").select_option(label="Risks and Mitigations")
    expect(summary).to_contain_text("3 rows in 2 sections; 0 passages kept as notes")
    assert page.evaluate("window.__same_page") is True
    screenshot(page, "import-preview")

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported “Hazards”")
    imported = Plan.objects.get(title="Hazards")
    assert [r.risk for r in PlanContent.from_plan(imported).risks] == ["Data loss", "Lost edits"]
