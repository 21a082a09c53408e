"""An import brings no section with more rows than its form takes: it could never be saved."""

from __future__ import annotations

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans import forms, sections
from plans.markdown.reader import ImportError_, parse_plan
from plans.models import Plan
from plans.sections import MAX_ROWS

RISKS_HEADER = (
    "## Risks and Mitigations\n\n| Risk | Impact | Likelihood | Mitigation |\n|---|---|---|---|\n"
)


def with_risks(count: int) -> str:
    rows = "".join(f"| Risk {i} | High | Low | Watch it |\n" for i in range(count))
    return f"# Implementation Plan: Many\n\n{RISKS_HEADER}{rows}"


def with_tasks(count: int) -> str:
    tasks = "".join(f"  - Task {i}\n" for i in range(count))
    return (
        "# Implementation Plan: Busy\n\n## Implementation Phases\n\n### Phase 1: Build\n"
        f"- **Tasks:**\n{tasks}"
    )


def test_the_forms_and_the_importer_share_one_row_limit():
    assert forms.MAX_ROWS is sections.MAX_ROWS


def test_a_section_of_as_many_rows_as_a_form_takes_imports():
    assert len(parse_plan(with_risks(MAX_ROWS)).content.risks) == MAX_ROWS


def test_a_section_of_more_rows_is_refused_with_its_count():
    with pytest.raises(
        ImportError_,
        match=re.escape("Risks and Mitigations has 501 rows; a section holds at most 500."),
    ):
        parse_plan(with_risks(MAX_ROWS + 1))


def test_a_phase_of_more_tasks_is_refused():
    assert len(parse_plan(with_tasks(MAX_ROWS)).content.phases[0].tasks) == MAX_ROWS
    with pytest.raises(
        ImportError_, match=re.escape("Phase “Build” has 501 tasks; a phase holds at most 500.")
    ):
        parse_plan(with_tasks(MAX_ROWS + 1))


def test_the_import_page_says_so_next_to_the_file_and_creates_nothing(as_alice, team):
    file = SimpleUploadedFile("many.md", with_risks(MAX_ROWS + 1).encode())
    response = as_alice.post(reverse("plans:import"), {"team": team.pk, "file": file})
    assert response.status_code == 422
    assert (
        "Risks and Mitigations has 501 rows; a section holds at most 500."
        in response.content.decode()
    )
    assert not Plan.objects.exists()


def test_pasted_text_is_refused_the_same_way(as_alice, team):
    response = as_alice.post(
        reverse("plans:import"), {"team": team.pk, "text": with_risks(MAX_ROWS + 1)}
    )
    assert response.status_code == 422
    assert "a section holds at most 500" in response.content.decode()
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("# a\n" * 6_000, "6,000 headings; a plan has at most 5,000"),
        ("- a\n" * 60_000, "60,001 lines; a plan has at most 50,000"),
        ("a\n=\n" * 30_000, "60,001 lines"),
    ],
)
def test_a_document_no_plan_could_be_is_refused_before_it_is_read(document, message):
    started = time.perf_counter()
    with pytest.raises(ImportError_, match=message):
        parse_plan(document)
    assert time.perf_counter() - started < 0.5
