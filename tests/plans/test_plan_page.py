from __future__ import annotations

import re

import pytest
from django.urls import reverse

from plans.sections import SECTIONS
from tests.factories import make_plan

TEMPLATE_HEADINGS = [
    "Overview",
    "Goals and Requirements",
    "Primary Goals",
    "Success Criteria",
    "User Stories",
    "Technical Specifications",
    "Architecture",
    "Data Models",
    "API Endpoints",
    "Dependencies",
    "Implementation Phases",
    "Testing Strategy",
    "Unit Tests",
    "Integration Tests",
    "User Acceptance Testing",
    "Rollout Plan",
    "Deployment Strategy",
    "Feature Flags",
    "Rollback Plan",
    "Risks and Mitigations",
    "Resources and Timeline",
    "Team Members",
    "Timeline",
    "Documentation Updates",
    "Open Questions",
    "Approval",
    "Changelog",
]


def headings(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", h).strip()
        for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html, re.S)
    ]


def test_it_shows_every_template_heading_in_template_order(as_alice, plan):
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    found = [h for h in headings(html) if h in TEMPLATE_HEADINGS]
    assert found == TEMPLATE_HEADINGS


def test_it_shows_the_title_as_the_template_does(as_alice, plan):
    response = as_alice.get(plan.get_absolute_url())
    assert "Implementation Plan: Offline Sync" in response.content.decode()


def test_it_renders_markdown_and_keeps_code_blocks(as_alice, plan):
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    assert "<strong>edit offline</strong>" in html
    assert '<code class="language-typescript">interface Edit { id: string; }' in html


def test_it_shows_phases_with_numbered_tasks_effort_and_deliverables(as_alice, team, alice):
    plan = make_plan(team, alice, rows=2, tasks=3)
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    assert "Phase 2: Phase 2" in html
    box = r'<input type="checkbox" class="form-check-input me-1" disabled aria-label="not done">'
    assert re.search(
        rf"<ol>\s*<li>{box}Task 2\.1</li><li>{box}Task 2\.2</li><li>{box}Task 2\.3</li></ol>", html
    )
    assert "2.5 person-days" in html
    assert "Total estimated effort: 5 person-days." in html


def test_it_shows_risks_endpoints_and_flags_as_tables(as_alice, plan):
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    assert '<th scope="col">Likelihood</th>' in html
    assert "<td><code>/api/edits/1</code></td>" in html
    assert "<td><code>flag_1</code></td>" in html


def test_it_shows_the_timeline_and_the_team(as_alice, plan):
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    assert "<strong>Development:</strong> 2026-01-19 to 2026-03-13" in html
    assert "<strong>Deployment:</strong> 2026-04-01" in html
    assert "<strong>Member 1</strong> — Engineer" in html


def test_its_changelog_says_no_version_was_named_yet(as_alice, plan):
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    assert "No named version yet" in html


def test_it_shows_the_approval_table_unsigned(as_alice, plan):
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    for role in ("Product Owner", "Technical Lead", "QA Lead"):
        assert f"<td>{role}</td>" in html


def test_it_says_when_a_section_is_empty(as_alice, team, alice):
    plan = make_plan(team, alice, rows=0, overview="")
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    assert "No goals yet." in html
    assert "Not written yet." in html


def test_it_runs_a_constant_number_of_queries(as_alice, team, alice, django_assert_max_num_queries):
    big = make_plan(team, alice, rows=50, tasks=20)
    with django_assert_max_num_queries(24):
        response = as_alice.get(big.get_absolute_url())
    assert response.content.decode().count('done">Task ') == 50 * 20


def test_it_lists_every_section_in_the_outline(as_alice, plan):
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    for section in SECTIONS:
        assert f'href="#{section.anchor}"' in html


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_refuses_changes_by_other_methods(as_alice, plan, method):
    response = getattr(as_alice, method)(plan.get_absolute_url())
    assert response.status_code == 405


def test_it_answers_404_for_a_plan_that_does_not_exist(as_alice, db):
    assert as_alice.get(reverse("plans:detail", args=[999999])).status_code == 404


def test_an_imported_plan_shows_done_tasks_kept_notes_and_its_earlier_approval_record(
    as_alice, team
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    document = (
        "# Plan: Shown\n\n## Risks\n\nWe review these weekly.\n\n"
        "| Risk | Impact | Likelihood |\n|---|---|---|\n| Outage | High | Low |\n\n"
        "## Implementation Phases\n\n### Phase 1: Build\n\n- [x] Write\n- [ ] Test\n\n"
        "## Approval\n\n| Role | Name | Date | Signature |\n|---|---|---|---|\n"
        "| QA Lead | Kim | 2025-01-03 | ok |\n"
    )
    file = SimpleUploadedFile("p.md", document.encode(), content_type="text/markdown")
    as_alice.post(reverse("plans:import"), {"team": team.pk, "file": file}, follow=True)
    plan = team.plans.get(title="Shown")
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    assert 'disabled checked aria-label="done">Write' in html
    assert 'aria-label="not done">Test' in html
    assert "We review these weekly." in html  # kept in the Risks section, shown there
    assert "Earlier approval record" in html and "Kim" in html
    assert "not sign-offs" in html


@pytest.mark.parametrize("key", ["goals", "data_models", "risks"])
def test_the_edit_page_without_javascript_keeps_every_heading_in_template_order(
    as_alice, plan, key
):
    """The section being edited shows its form where it stands, inside its group; the others
    as kept, whether the cache had them (the second visit) or not."""
    edit = reverse("plans:section_edit", args=[plan.pk, key])
    for _ in range(2):
        html = as_alice.get(edit).content.decode()
        found = [h for h in headings(html) if h in TEMPLATE_HEADINGS]
        assert found == TEMPLATE_HEADINGS
        assert html.count('name="edit-version"') == 1
    page = as_alice.get(plan.get_absolute_url()).content.decode()
    assert [h for h in headings(page) if h in TEMPLATE_HEADINGS] == TEMPLATE_HEADINGS
    assert 'name="edit-version"' not in page
