from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.timezone import now
from markdown_it import MarkdownIt

from plans.content import PlanContent
from plans.markdown.writer import content_hash, write_plan
from plans.models import ApiEndpoint, FeatureFlag, NamedVersion, Risk, TeamMember
from tests.factories import make_plan
from tests.fixtures import TEMPLATE
from tests.plans.editing import edit_url, form_data

NASTY = [
    "a | b || c",
    "`code | pipe` and ``double``",
    "<script>alert(1)</script> & <b>bold</b>",
    "*not emphasis* **nor this** _x_",
    "line one\nline two\r\nline three",
    "Ünïcödé — 日本語 — emoji 🚀",
    "back\\slash \\| escaped",
    "trailing pipe |",
]


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table as rows of raw cell sources, read by markdown-it-py (GFM tables)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    found: list[list[list[str]]] = []
    row: list[str] = []
    for token in tokens:
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and found and row is not None and _in_cell(tokens, token):
            row.append(token.content)
        elif token.type == "tr_close":
            found[-1].append(row)
    return found


def _in_cell(tokens, token) -> bool:
    i = tokens.index(token)
    return tokens[i - 1].type in ("th_open", "td_open")


def unescape(source: str) -> str:
    return re.sub(r"\\([\\|])", r"\1", source).replace("<br>", "\n")


def headings(markdown: str) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [
        f"{t.tag} {tokens[i + 1].content}" for i, t in enumerate(tokens) if t.type == "heading_open"
    ]


def test_the_export_has_the_template_headings_in_order(plan):
    template = headings(TEMPLATE.read_text())
    template = [h for h in template if "Phase" not in h]
    exported = [h for h in headings(write_plan(PlanContent.from_plan(plan))) if "Phase" not in h]
    assert [h.split(":")[0] for h in exported] == [h.split(":")[0] for h in template]


def test_an_empty_plan_keeps_every_heading(team, alice):
    empty = make_plan(team, alice, rows=0, overview="", architecture="")
    exported = headings(write_plan(PlanContent.from_plan(empty)))
    assert "h2 Overview" in exported and "h3 Primary Goals" in exported
    assert "h3 Architecture" in exported


def test_phases_are_written_in_the_template_shape(team, alice):
    plan = make_plan(team, alice, rows=1, tasks=2)
    text = write_plan(PlanContent.from_plan(plan))
    assert (
        "### Phase 1: Phase 1\n\n- **Tasks:**\n  1. Task 1.1\n  2. Task 1.2\n"
        "- **Estimated Effort:** 2.5 person-days\n- **Deliverables:** A release\n"
    ) in text


@pytest.mark.parametrize("value", NASTY)
def test_every_table_cell_holds_the_stored_value(team, alice, value):
    plan = make_plan(team, alice, rows=2)
    ApiEndpoint.objects.filter(plan=plan).update(description=value, response=value)
    Risk.objects.filter(plan=plan).update(risk=value, mitigation=value)
    FeatureFlag.objects.filter(plan=plan).update(description=value)
    TeamMember.objects.filter(plan=plan).update(name=value)
    NamedVersion.objects.create(
        plan=plan,
        team=plan.team,
        number=1,
        label="1.0",
        summary=value[:300],
        author=alice,
        created_at=now(),
    )
    found = tables(
        write_plan(PlanContent.from_plan(plan), named_versions=list(plan.named_versions.all()))
    )
    endpoints, _flags, risks, members, approval, changelog = found
    widths = {len(row) for t in found for row in t}
    assert [len(t[0]) for t in found] == [5, 2, 4, 2, 4, 4]
    assert all(len(row) == len(t[0]) for t in found for row in t), widths
    for row in endpoints[1:]:
        assert unescape(row[3]) == value.replace("\r\n", "\n")
        assert unescape(row[4]) == value.replace("\r\n", "\n")
    for row in risks[1:]:
        assert unescape(row[0]) == value.replace("\r\n", "\n")
        assert row[1] == "High"
    assert unescape(members[1][0]) == value.replace("\r\n", "\n")
    assert [r[0] for r in approval[1:]] == ["Product Owner", "Technical Lead", "QA Lead"]
    assert changelog[1][1] == "1.0"


def test_the_download_is_named_after_the_plan_and_version(as_alice, plan):
    response = as_alice.get(reverse("plans:export", args=[plan.pk]))
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="offline-sync-v1.md"'


def test_an_old_version_is_named_after_its_own_title(as_alice, plan):
    as_alice.post(edit_url(plan, "overview"), {**form_data(plan, "overview"), "title": "Sync 2"})
    old = as_alice.get(reverse("plans:export", args=[plan.pk]), {"version": 1})
    current = as_alice.get(reverse("plans:export", args=[plan.pk]))
    assert old["Content-Disposition"] == 'attachment; filename="offline-sync-v1.md"'
    assert current["Content-Disposition"] == 'attachment; filename="sync-2-v2.md"'


def test_an_old_version_can_be_exported(as_carol, as_alice, plan):
    as_alice.post(edit_url(plan, "overview"), {**form_data(plan, "overview"), "overview": "New."})
    response = as_carol.get(reverse("plans:export", args=[plan.pk]), {"version": 1})
    text = response.content.decode()
    assert response["Content-Disposition"] == 'attachment; filename="offline-sync-v1.md"'
    assert "Let people **edit offline**." in text and "New." not in text
    assert "| 2 |" not in text  # the changelog stops at version 1


@pytest.mark.parametrize("version", ["0", "2", "x"])
def test_a_version_that_does_not_exist_is_404(as_alice, plan, version):
    response = as_alice.get(reverse("plans:export", args=[plan.pk]), {"version": version})
    assert response.status_code == 404


def test_export_follows_the_plan_visibility(as_mallory, plan):
    assert as_mallory.get(reverse("plans:export", args=[plan.pk])).status_code == 404


def test_the_hash_changes_with_content_only(plan, as_alice):
    before = content_hash(PlanContent.from_plan(plan))
    assert before == content_hash(PlanContent.from_plan(plan))
    as_alice.post(edit_url(plan, "risks"), {**form_data(plan, "risks"), "risks-0-impact": "low"})
    assert content_hash(PlanContent.from_plan(plan)) != before
