from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from plans.content import PlanContent
from plans.markdown.reader import parse_plan
from plans.markdown.writer import write_plan
from plans.models import Plan
from tests.fixtures import SAMPLES, TEMPLATE


def words(text: str) -> list[str]:
    """Every word of a text: runs of letters and digits, in any script."""
    return re.findall(r"\w+", text)


def export(plan: Plan) -> str:
    return write_plan(PlanContent.from_plan(plan), named_versions=list(plan.named_versions.all()))


def upload(client, team, text: str, name: str = "plan.md"):
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/markdown")
    return client.post(reverse("plans:import"), {"team": team.pk, "file": file}, follow=True)


@pytest.fixture
def demo_plans(db, settings):
    settings.DEBUG = True
    call_command("load_demo")
    return list(Plan.objects.all())


def test_export_import_export_is_a_fixed_point_for_every_demo_plan(demo_plans):
    for plan in demo_plans:
        first = export(plan)
        second = write_plan(
            parse_plan(first).content, named_versions=list(plan.named_versions.all())
        )
        changelog = first.index("## Changelog")
        assert second[:changelog] == first[:changelog], plan.title
        # The changelog keeps the earlier rows (and, once saved, gains the import's own).
        assert first[changelog:] in second


def test_importing_a_demo_export_through_the_page_gives_the_same_document(
    demo_plans, client, django_user_model
):
    alice = django_user_model.objects.get(username="alice")
    client.force_login(alice)
    plan = demo_plans[0]
    document = export(plan)
    response = upload(client, plan.team, document, "offline-sync-v1.md")
    imported = Plan.objects.exclude(pk__in=[p.pk for p in demo_plans]).get()
    assert "Open the plan" in response.content.decode()
    again = export(imported)
    cut = document.index("## Changelog")
    assert again[:cut] == document[:cut]
    assert again[cut:] == document[cut:]  # named versions come back as the prior changelog


def test_the_template_itself_imports_section_for_section():
    template = TEMPLATE.read_text()
    result = parse_plan(template, "plan-template.md")
    content = result.content
    assert content.plan.title == "[Feature Name]"
    assert [g.text for g in content.goals] == ["[Goal 1]", "[Goal 2]", "[Goal 3]"]
    assert len(content.user_stories) == 3
    assert [e.endpoint for e in content.api_endpoints] == [
        "/api/resource",
        "/api/resource/:id",
        "/api/resource",
    ]
    assert [p.phase.name for p in content.phases] == ["[Phase Name]"] * 3
    assert [t.text for t in content.phases[0].tasks] == ["[Task 1]", "[Task 2]", "[Task 3]"]
    assert "```typescript" in content.plan.data_models
    # The export gives the template back, table cell padding aside. Placeholders that are no
    # value ("[High/Medium/Low]") stay verbatim in their own section, and the report says so.
    assert tables_tight(write_plan(content)) == tables_tight(template)
    assert content.plan.section_notes["risks"].startswith("| Risk | Impact |")
    assert any(line.kept for line in result.report)


def tables_tight(markdown: str) -> str:
    return "\n".join(
        re.sub(r" +", " ", line) if line.startswith("|") else line for line in markdown.split("\n")
    )


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_no_word_of_a_real_plan_is_lost(path):
    source = path.read_text(encoding="utf-8")
    exported = write_plan(parse_plan(source, path.name).content)
    missing = [w for w in set(words(source)) if w not in set(words(exported))]
    assert missing == []


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_real_plans_import_through_the_page(path, as_alice, team):
    response = upload(as_alice, team, path.read_text(encoding="utf-8"), path.name)
    assert response.status_code == 200
    assert "What went where" in response.content.decode()
    assert Plan.objects.filter(team=team).count() == 1


def test_common_heading_variants_are_recognised():
    document = (
        "# Implementation Plan: Variants\n\n## Risk Assessment\n\n"
        "| Mitigation | Likelihood | Risk | Impact |\n|---|---|---|---|\n"
        "| Retry | low | Flaky network | HIGH |\n\n"
        "## Testing Plan\n\n### Unit Testing\n\nPytest.\n\n"
        "## Rollout Strategy\n\n### Rollback\n\nFlip the flag.\n\n"
        "## Change Log\n\n| Date | Version | Changes | Author |\n|---|---|---|---|\n"
        "| 2025-01-02 | 0.9 | Draft | Sam |\n\n"
        "## Sign-off\n\n| Role | Name | Date | Signature |\n|---|---|---|---|\n"
        "| QA | Kim | 2025-01-03 | ok |\n"
    )
    result = parse_plan(document)
    risk = result.content.risks[0]
    assert (risk.risk, risk.impact, risk.likelihood, risk.mitigation) == (
        "Flaky network",
        "high",
        "low",
        "Retry",
    )
    assert result.content.plan.unit_tests == "Pytest."
    assert result.content.plan.rollback_plan == "Flip the flag."
    assert result.prior_changelog == [["2025-01-02", "0.9", "Draft", "Sam"]]
    assert result.content.plan.prior_approvals == [["QA", "Kim", "2025-01-03", "ok"]]


def test_phases_in_other_common_shapes():
    document = (
        "# Plan: Shapes\n\n## Implementation Phases\n\n### Phase 1: Build\n\n"
        "#### Tasks\n- [ ] Write code\n- [x] Review code\n\n#### Deliverables\n- A build\n\n"
        "**Estimated Effort:** 3 days\n"
    )
    phase = parse_plan(document).content.phases[0]
    assert phase.phase.name == "Build"
    assert [t.text for t in phase.tasks] == ["Write code", "Review code"]
    assert str(phase.phase.effort) == "3"
    assert phase.phase.deliverables == "- A build"


def test_front_matter_callouts_and_unknown_sections_are_kept_and_reported():
    document = (
        "---\nstatus: draft\n---\n\n> [!note] Careful\n\n# Plan: X\n\n## Glossary\n\nTerms.\n"
    )
    result = parse_plan(document)
    notes = result.content.plan.additional_notes
    assert (
        "status: draft" in notes
        and "> [!note] Careful" in notes
        and "## Glossary\n\nTerms." in notes
    )
    assert {line.heading for line in result.report if line.kept} >= {"Front matter", "Glossary"}


def test_a_document_without_a_title_is_named_after_the_file():
    assert (
        parse_plan("## Overview\n\nHi.\n", "offline_sync.md").content.plan.title == "offline sync"
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"),
        ("café".encode("latin-1"), "not UTF-8"),
        (b"   \n\n", "The document is empty."),
        (b"#" * 1_000_001, "over 1 MB"),
    ],
)
def test_bad_files_get_a_clear_message_and_create_nothing(as_alice, team, payload, message):
    file = SimpleUploadedFile("bad.md", payload)
    response = as_alice.post(reverse("plans:import"), {"team": team.pk, "file": file})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Plan.objects.exists()


def test_pasted_text_imports_too(as_alice, team):
    as_alice.post(
        reverse("plans:import"), {"team": team.pk, "text": "# Implementation Plan: Pasted\n"}
    )
    assert Plan.objects.get().title == "Pasted"


def test_hostile_content_is_stored_as_text_and_sanitized_on_display(as_alice, team):
    document = "# Plan: Evil\n\n## Overview\n\n<script>alert(1)</script> [x](javascript:alert(2))\n"
    upload(as_alice, team, document)
    plan = Plan.objects.get()
    assert "<script>" in plan.overview
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    assert "alert(1)" not in html and "javascript:" not in html


def test_the_report_is_shown_after_a_redirect_so_a_reload_imports_nothing(as_alice, team):
    response = upload(as_alice, team, "# Implementation Plan: Once\n")
    report_url = response.redirect_chain[-1][0]
    assert as_alice.get(report_url).status_code == 200
    assert Plan.objects.filter(title="Once").count() == 1


def test_a_viewer_cannot_import_into_the_team(as_victor, team):
    response = upload(as_victor, team, "# Plan: X\n")
    assert response.status_code == 422
    assert not Plan.objects.exists()


def test_a_manager_downloads_every_plan_as_a_zip(as_carol, as_alice, plan):
    import io
    import zipfile

    response = as_carol.get(reverse("plans:export_all"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == [f"payments/offline-sync-{plan.pk}-v1.md"]
    assert (
        archive.read(archive.namelist()[0])
        .decode()
        .startswith("# Implementation Plan: Offline Sync")
    )
    assert as_alice.get(reverse("plans:export_all")).status_code == 403


# Nothing is ever dropped silently: what no field takes is kept, verbatim, where it was.


def lost_words(document: str) -> list[str]:
    """The words of a document missing from the export of its import (as for the real plans)."""
    exported = write_plan(parse_plan(document).content)
    return sorted(set(words(document)) - set(words(exported)))


def test_table_columns_no_field_takes_are_kept_in_their_section():
    document = (
        "## Risks and Mitigations\n\n| Risk | Impact | Likelihood | Mitigation | Owner |\n"
        "|---|---|---|---|---|\n| Outage | High | Low | Retry | Priya |\n\n"
        "### Team Members\n\n| Name | Role | Email |\n|---|---|---|\n"
        "| Ann | Lead | ann@example.com |\n| Bo | Dev | on | call |\n"
    )
    result = parse_plan(document)
    assert lost_words(document) == []
    content = result.content
    assert [r.risk for r in content.risks] == ["Outage"]  # the row is still a row
    assert [m.name for m in content.team_members] == ["Ann"]
    notes = content.plan.section_notes
    assert "- Outage — Owner: Priya" in notes["risks"]
    assert "- Ann — Email: ann@example.com" in notes["team_members"]
    assert "| Bo | Dev | on | call |" in notes["team_members"]  # more cells than headings
    assert any(line.kept and "Owner" in line.outcome for line in result.report)


def test_changelog_columns_after_the_fourth_are_kept():
    document = (
        "## Changelog\n\n| Date | Version | Changes | Author | Reviewer |\n"
        "|---|---|---|---|---|\n| 2025-01-02 | 0.9 | Draft | Sam | Kim |\n"
    )
    result = parse_plan(document)
    assert lost_words(document) == []
    assert result.prior_changelog == [["2025-01-02", "0.9", "Draft", "Sam"]]
    assert "- 2025-01-02 — Reviewer: Kim" in result.content.plan.additional_notes
    assert any(line.kept and "Reviewer" in line.outcome for line in result.report)


@pytest.mark.parametrize(
    "document",
    ["## Milestones\n\n### Phase 1: Build\n", "### Feature Toggles\n", "## Additional Notes\n"],
)
def test_the_heading_of_an_empty_section_is_kept(document):
    assert lost_words(document) == []


def test_an_unsigned_approval_table_with_roles_not_of_the_template_is_kept():
    document = (
        "## Approval\n\n| Role | Name | Date | Signature |\n|---|---|---|---|\n"
        "| Security Officer | | | |\n"
    )
    result = parse_plan(document)
    assert lost_words(document) == []
    assert "| Security Officer | | | |" in result.content.plan.additional_notes
    assert any(line.kept and "Security Officer" in line.outcome for line in result.report)
    # The template's own unsigned table is still regenerated from the sign-offs.
    template = TEMPLATE.read_text()
    assert "Approval" not in parse_plan(template).content.plan.additional_notes


def test_a_ticked_box_is_kept_in_criteria_and_marks_tasks_done():
    document = (
        "### Success Criteria\n\n- [x] Fast sync\n- [ ] Small\n\n"
        "### Phase 1: Build\n\n- **Tasks:**\n  1. Write\n  2. [X] Review\n\n"
        "## Open Questions\n\n- [x] Settled\n"
    )
    result = parse_plan(document)
    assert lost_words(document) == []
    content = result.content
    assert [c.text for c in content.success_criteria] == ["[x] Fast sync", "Small"]
    assert [t.text for t in content.phases[0].tasks] == ["Write", "Review"]
    assert [t.done for t in content.phases[0].tasks] == [False, True]
    assert "  2. [x] Review" in write_plan(content)
    assert [(q.text, q.resolved) for q in content.open_questions] == [("Settled", True)]


def test_a_second_line_for_the_same_date_or_effort_is_kept():
    document = (
        "### Timeline\n\n- Deployment: 2027-08-04\n- Deployment: 2027-09-01\n\n"
        "### Phase 1: Build\n\n- **Estimated Effort:** 3 person-days\n"
        "- **Estimated Effort:** 5 person-days\n"
    )
    result = parse_plan(document)
    assert lost_words(document) == []
    plan = result.content.plan
    assert plan.deployment_date.isoformat() == "2027-08-04"  # the first one counts
    assert "- Deployment: 2027-09-01" in plan.section_notes["timeline"]
    assert str(result.content.phases[0].phase.effort) == "3"
    assert "- **Estimated Effort:** 5 person-days" in plan.additional_notes
