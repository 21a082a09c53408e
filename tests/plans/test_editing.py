from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from plans.content import PlanContent
from plans.models import Goal, Phase, Plan, PlanVersion, Risk, Task
from tests.factories import make_plan
from tests.plans.editing import edit_url, form_data

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_edit_url_swaps_in_a_form_for_htmx(as_alice, plan):
    response = as_alice.get(edit_url(plan, "overview"), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="overview"')
    assert 'name="overview"' in html
    assert "<html" not in html


def test_the_edit_url_is_a_full_page_without_javascript(as_alice, plan):
    html = as_alice.get(edit_url(plan, "overview")).content.decode()
    assert "<html" in html
    assert 'name="overview"' in html
    assert "Implementation Phases" in html


def test_saving_a_text_section_makes_a_new_version(as_alice, plan, alice):
    data = {**form_data(plan, "overview"), "overview": "Now **bold**.", "edit-summary": "Reword"}
    response = as_alice.post(edit_url(plan, "overview"), data, **HTMX)
    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.content.decode()
    assert "Saved as version 2." in response.content.decode()
    plan.refresh_from_db()
    assert (plan.version, plan.overview) == (2, "Now **bold**.")
    version = PlanVersion.objects.get(plan=plan, number=2)
    assert (version.author, version.summary, version.changed_sections) == (
        alice,
        "Reword",
        ["overview"],
    )
    assert plan.history.filter(plan_version=2).count() == 1


def test_without_htmx_a_save_redirects_to_the_section(as_alice, plan):
    data = {**form_data(plan, "architecture"), "architecture": "Event sourced."}
    response = as_alice.post(edit_url(plan, "architecture"), data)
    assert response.status_code == 302
    assert response["Location"] == f"{plan.get_absolute_url()}#architecture"


def test_a_save_that_changes_nothing_writes_nothing(as_alice, plan):
    before = (Plan.history.count(), Risk.history.count(), PlanVersion.objects.count())
    for key in ("overview", "risks", "phases", "resources", "rollout"):
        response = as_alice.post(edit_url(plan, key), form_data(plan, key), **HTMX)
        assert "No changes: nothing was saved." in response.content.decode()
    assert (Plan.history.count(), Risk.history.count(), PlanVersion.objects.count()) == before


def test_rows_are_added_removed_and_reordered_in_one_save(as_alice, team, alice):
    plan = make_plan(team, alice, rows=3)
    data = form_data(plan, "goals")
    data.update({"goals-0-ORDER": "3", "goals-2-ORDER": "1", "goals-1-DELETE": "on"})
    data.update({"goals-TOTAL_FORMS": "4", "goals-3-text": "Goal new", "goals-3-ORDER": "2"})
    as_alice.post(edit_url(plan, "goals"), data, **HTMX)
    goals = PlanContent.from_plan(plan).goals
    assert [(g.text, g.position) for g in goals] == [("Goal 3", 1), ("Goal new", 2), ("Goal 1", 3)]
    history = Goal.history.filter(plan_id=plan.pk, plan_version=2)
    assert sorted(h.history_type for h in history) == ["+", "-", "~", "~"]


def test_phases_keep_their_own_ordered_tasks(as_alice, team, alice):
    plan = make_plan(team, alice, rows=2, tasks=2)
    data = form_data(plan, "phases")
    data.update({"phases-0-ORDER": "2", "phases-1-ORDER": "1"})  # swap phases
    data.update({"phases-0-tasks-0-ORDER": "2", "phases-0-tasks-1-ORDER": "1"})  # swap tasks
    data.update({"phases-1-tasks-0-DELETE": "on"})
    data.update(
        {
            "phases-TOTAL_FORMS": "3",
            "phases-2-name": "Hardening",
            "phases-2-effort": "1.25",
            "phases-2-ORDER": "3",
            "phases-2-tasks-TOTAL_FORMS": "2",
            "phases-2-tasks-INITIAL_FORMS": "0",
            "phases-2-tasks-0-text": "Fuzz the parser",
            "phases-2-tasks-1-text": "Soak test",
        }
    )
    response = as_alice.post(edit_url(plan, "phases"), data, **HTMX)
    assert response.status_code == 200, response.content.decode()[:2000]
    phases = PlanContent.from_plan(plan).phases
    assert [(p.name, [t.text for t in p.tasks]) for p in phases] == [
        ("Phase 2", ["Task 2.2"]),
        ("Phase 1", ["Task 1.2", "Task 1.1"]),
        ("Hardening", ["Fuzz the parser", "Soak test"]),
    ]
    assert str(phases[2].effort) == "1.25"


def test_removing_a_phase_records_its_tasks_removal(as_alice, team, alice):
    plan = make_plan(team, alice, rows=2, tasks=3)
    data = {**form_data(plan, "phases"), "phases-1-DELETE": "on"}
    as_alice.post(edit_url(plan, "phases"), data, **HTMX)
    assert Phase.objects.filter(plan=plan).count() == 1
    assert Task.history.filter(plan_id=plan.pk, plan_version=2, history_type="-").count() == 3


def test_without_javascript_add_row_posts_back_one_more_blank_row(as_alice, plan):
    data = {**form_data(plan, "risks"), "add_row": "risks"}
    response = as_alice.post(edit_url(plan, "risks"), data)
    html = response.content.decode()
    assert 'name="risks-1-risk"' in html
    assert Risk.objects.filter(plan=plan).count() == 1


def test_the_timeline_is_saved_with_its_dates(as_alice, plan):
    data = {**form_data(plan, "resources"), "testing_start": "2026-06-01", "testing_end": ""}
    as_alice.post(edit_url(plan, "resources"), data, **HTMX)
    plan.refresh_from_db()
    assert (plan.testing_start, plan.testing_end) == (dt.date(2026, 6, 1), None)


def test_the_overview_form_also_renames_the_plan(as_alice, plan):
    as_alice.post(edit_url(plan, "overview"), {**form_data(plan, "overview"), "title": "Sync 2"})
    plan.refresh_from_db()
    assert plan.title == "Sync 2"


def test_markdown_preview_shows_what_the_page_will_show(as_alice, team):
    response = as_alice.post(
        reverse("plans:preview") + "?field=overview",
        {"overview": "**hi** <script>x()</script>"},
        **HTMX,
    )
    html = response.content.decode()
    assert "<strong>hi</strong>" in html
    assert "<script" not in html


def test_the_section_url_gives_the_rendered_section_back(as_alice, plan):
    url = reverse("plans:section", args=[plan.pk, "risks"])
    html = as_alice.get(url, **HTMX).content.decode()
    assert html.lstrip().startswith('<section id="risks"')
    assert as_alice.get(url).status_code == 302


def test_generated_sections_cannot_be_edited(as_alice, plan):
    for key in ("approval", "changelog", "nonsense"):
        assert as_alice.get(edit_url(plan, key)).status_code == 404


@pytest.mark.parametrize("key", ["overview", "goals", "phases", "resources", "rollout"])
def test_edit_pages_and_saves_run_a_constant_number_of_queries(
    as_alice, team, alice, key, django_assert_max_num_queries
):
    plan = make_plan(team, alice, rows=50, tasks=5)
    with django_assert_max_num_queries(8):
        assert as_alice.get(edit_url(plan, key), **HTMX).status_code == 200
    data = form_data(plan, key)
    for name in list(data):  # change every row's text so that every row is updated
        if name.endswith(("-text", "-name", "-description")):
            data[name] = data[name] + " (edited)"
    data["overview"] = data.get("overview", "") + " More."
    with django_assert_max_num_queries(38):  # the same for any size and either database
        response = as_alice.post(edit_url(plan, key), data, **HTMX)
    assert "Saved as version 2." in response.content.decode()


def test_csrf_is_required(alice, plan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(edit_url(plan, "overview"), form_data(plan, "overview"))
    assert response.status_code == 403


def test_a_blank_new_row_is_dropped_and_the_opened_rows_are_not_compared(plan):
    """Validating a section compares only its new rows with their first (blank) values: the
    rows it opened with were compared for nothing (a third of validating 100 rows)."""
    from plans.forms import SectionForm
    from plans.sections import SECTIONS_BY_KEY

    section, content = SECTIONS_BY_KEY["risks"], PlanContent.from_plan(plan)
    empty = SectionForm(plan, content, section).formsets["risks"].empty_form
    blank = {  # a new row as the browser posts it, its selects on their first values
        field.html_name.replace("__prefix__", "1"): field.value()
        for field in empty
        if field.value() not in (None, False)
    }
    data = {**form_data(plan, "risks"), **blank, "risks-TOTAL_FORMS": "2"}
    data["risks-0-mitigation"] = "Retry with backoff"
    form = SectionForm(plan, content, section, data)
    assert form.is_valid(), form.error_links
    opened, blank = form.formsets["risks"].forms
    assert "changed_data" not in vars(opened) and opened.cleaned_data["id"] is not None
    assert form.formsets["risks"].kept_forms() == [opened]
    assert not blank.has_changed() and opened.has_changed()
