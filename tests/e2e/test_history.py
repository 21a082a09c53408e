"""Browser tests: a plan's history, comparing two versions, restoring an old one."""

from __future__ import annotations

import re

from playwright.sync_api import Dialog, Locator, Page, expect

from plans.models import Plan
from tests.e2e.conftest import edit, save, screenshot, sign_in

NEW_RISK = "Quota exhaustion on shared devices"
RISK_SUMMARY = "Risk: shared-device quotas"
NEW_OVERVIEW = "Offline sync is postponed; this plan is parked until next quarter."


# Helpers ---------------------------------------------------------------------------------


def add_risk(section: Locator) -> Locator:
    """Click "+ Add …" in the risks formset; return the new (last) row."""
    rows = section.locator('[data-formset="risks"] > [data-rows] > li[data-row]')
    before = rows.count()
    section.locator('[data-formset="risks"] > [data-add]').click()
    expect(rows).to_have_count(before + 1)
    return rows.nth(before)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def history_rows(page: Page) -> Locator:
    return page.locator("table.history tbody tr")


# 1. Carol compares the first version with the latest --------------------------------------


def test_carol_compares_version_1_with_the_latest_and_sees_the_added_risk(page, demo):
    plan = Plan.objects.get(title="Offline Sync")
    assert plan.version == 1

    # Alice adds a risk, with a summary.
    sign_in(page, "alice")
    page.goto(plan.get_absolute_url())
    section = edit(page, "risks", "Risks and Mitigations")
    risk = add_risk(section)
    risk.get_by_role("textbox", name=re.compile(r"^Risk\*?$")).fill(NEW_RISK)
    risk.get_by_label("Impact").select_option("high")
    risk.get_by_label("Likelihood").select_option("medium")
    risk.get_by_label("Mitigation").fill("Per-device quota warnings before a sync")
    section.get_by_label("Summary of your change").fill(RISK_SUMMARY)
    save(section, "Risks and Mitigations")
    expect(page.locator("#risks table.risks tbody tr").last.locator("td").first).to_have_text(
        NEW_RISK
    )
    plan.refresh_from_db()
    latest = plan.version
    assert latest == 2
    sign_out(page)

    # Carol, a manager, reads the history.
    sign_in(page, "carol")
    page.goto(plan.get_absolute_url())
    page.get_by_role("link", name="History", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History of “Offline Sync”")
    rows = history_rows(page)
    expect(rows).to_have_count(latest)
    newest = rows.first
    expect(newest.locator("td").first).to_contain_text(f"v{latest}")
    expect(newest.locator("td").first).to_contain_text("current")
    expect(newest).to_contain_text("Alice Author")
    expect(newest).to_contain_text("Risks and Mitigations")
    expect(newest).to_contain_text(RISK_SUMMARY)
    expect(rows.last.locator("td").first).to_have_text("v1")

    # She compares version 1 with the latest through the form.
    compare = page.locator("form.compare-form")
    compare.get_by_label("Compare version").fill("1")
    compare.get_by_label("with version").fill(str(latest))
    compare.get_by_role("button", name="Compare").click()
    page.wait_for_url(re.compile(rf"/compare/\?from=1&to={latest}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"What changed from version 1 to version {latest}"
    )

    changed = page.locator("section.compare-section")
    expect(changed).to_have_count(1)
    risks = page.get_by_role("region", name="Risks and Mitigations")
    expect(risks).to_be_visible()
    added = risks.locator("li.row-added")
    expect(added).to_have_count(1)
    expect(added).to_contain_text(f"Added risk {NEW_RISK}")
    expect(added.locator(":scope > ins")).to_have_text(NEW_RISK)
    expect(added.locator(".field-values")).to_contain_text("Impact: High")
    expect(risks.locator("del")).to_have_count(0)

    unchanged = page.locator("details.unchanged")
    expect(unchanged.locator("summary")).to_have_text(re.compile(r"^\d+ sections unchanged$"))
    assert unchanged.get_attribute("open") is None
    expect(unchanged.get_by_text("Overview", exact=True)).to_be_hidden()
    screenshot(page, "history-compare-v1-latest")

    unchanged.locator("summary").click()
    expect(unchanged.get_by_text("Overview", exact=True)).to_be_visible()
    expect(unchanged.get_by_text("Risks and Mitigations", exact=True)).to_have_count(0)


# 2. Alice restores an old version -----------------------------------------------------------


def test_alice_restores_an_old_version(page, demo):
    plan = Plan.objects.get(title="Offline Sync")
    assert plan.version == 1
    sign_in(page, "alice")
    page.goto(plan.get_absolute_url())
    overview = page.locator("#overview")
    original_first_line = "Field teams use the Fieldbook mobile app"
    expect(overview).to_contain_text(original_first_line)

    section = edit(page, "overview", "Overview")
    section.get_by_label("Overview", exact=True).fill(NEW_OVERVIEW)
    section.get_by_label("Summary of your change").fill("Park the plan")
    save(section, "Overview")
    expect(overview).to_contain_text(NEW_OVERVIEW)
    expect(overview).not_to_contain_text(original_first_line)

    # Version 1, from the History page.
    page.get_by_role("link", name="History", exact=True).click()
    expect(history_rows(page)).to_have_count(2)
    history_rows(page).last.get_by_role("link", name="v1", exact=True).click()
    page.wait_for_url(f"**/plans/{plan.pk}/versions/1/")
    banner = page.locator(".old-version")
    expect(banner).to_contain_text("Old version.")
    expect(banner).to_contain_text("You are reading version 1 of 2")
    expect(page.locator("#overview")).to_contain_text(original_first_line)
    expect(page.get_by_role("link", name="Edit Overview")).to_have_count(0)
    screenshot(page, "history-old-version-1")

    # Restore it, accepting the confirmation.
    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    banner.get_by_role("button", name="Restore this version").click()
    page.wait_for_url(re.compile(rf"/plans/{plan.pk}/$"))
    assert len(dialogs) == 1 and dialogs[0].startswith("Restore version 1?"), dialogs

    expect(page.get_by_role("alert")).to_contain_text("Version 1 restored as version 3.")
    expect(page.locator(".old-version")).to_have_count(0)
    expect(page.locator("article.plan > header p").first).to_contain_text("version 3")
    expect(overview).to_contain_text(original_first_line)
    expect(overview).not_to_contain_text(NEW_OVERVIEW)
    screenshot(page, "history-restored-plan")

    page.get_by_role("link", name="History", exact=True).click()
    rows = history_rows(page)
    expect(rows).to_have_count(3)
    expect(rows.first.locator("td").first).to_contain_text("v3")
    expect(rows.first).to_contain_text("Restored version 1")
    expect(rows.first).to_contain_text("Overview")
    expect(rows.nth(1)).to_contain_text("Park the plan")
    screenshot(page, "history-after-restore")

    plan.refresh_from_db()
    assert plan.version == 3
    assert plan.overview.startswith(original_first_line)
