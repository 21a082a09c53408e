"""The section editor's drafts, presence, error summary and what a save refreshes."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from plans import presence
from plans.models import SectionDraft
from tests.conftest import client_for
from tests.factories import make_plan
from tests.plans.editing import edit_url, form_data

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def draft_url(plan, key: str) -> str:
    return reverse("plans:section_draft", args=[plan.pk, key])


def presence_url(plan) -> str:
    return reverse("plans:presence", args=[plan.pk])


# Drafts ------------------------------------------------------------------------------------


def test_a_draft_is_kept_and_offered_back_to_its_author_only(as_alice, plan, alice, bob):
    typed = {**form_data(plan, "overview"), "overview": "Half a thought"}
    response = as_alice.post(draft_url(plan, "overview"), typed)
    assert response.status_code == 200 and response.text.startswith("Draft kept at ")
    draft = SectionDraft.objects.get(plan=plan, user=alice, section="overview")
    assert draft.data["overview"] == ["Half a thought"]
    assert draft.base_version == 1
    plan.refresh_from_db()
    assert plan.version == 1  # not a version, nothing others see

    page = as_alice.get(edit_url(plan, "overview"), **HTMX).text
    assert "Restore your unsaved draft from" in page and "Discard draft" in page
    assert "Half a thought" not in page  # offered, not imposed

    bobs_page = client_for(bob).get(edit_url(plan, "overview"), **HTMX).text
    assert "unsaved draft" not in bobs_page and "Half a thought" not in bobs_page
    assert "Half a thought" not in client_for(bob).get(plan.get_absolute_url()).text


def test_restoring_a_draft_fills_the_form_with_it(as_alice, plan):
    as_alice.post(draft_url(plan, "overview"), {**form_data(plan, "overview"), "overview": "Mine"})
    page = as_alice.get(edit_url(plan, "overview") + "?draft=restore", **HTMX).text
    assert ">\nMine</textarea>" in page
    assert "Your draft from" in page
    assert 'name="edit-version" value="1"' in page


def test_a_restored_draft_of_an_older_version_merges_when_saved(as_alice, plan, bob):
    base = form_data(plan, "overview")
    as_alice.post(draft_url(plan, "overview"), {**base, "overview": "Alice's words."})
    client_for(bob).post(
        edit_url(plan, "overview"), {**form_data(plan, "overview"), "title": "Renamed"}, **HTMX
    )
    page = as_alice.get(edit_url(plan, "overview") + "?draft=restore", **HTMX).text
    assert "the plan moved on since version 1" in page
    response = as_alice.post(edit_url(plan, "overview"), {**base, "overview": "Alice's words."})
    assert response.status_code == 409  # merged with Bob's rename, shown before saving


def test_saving_the_section_or_discarding_drops_the_draft(as_alice, plan, alice):
    typed = {**form_data(plan, "overview"), "overview": "Saved at last"}
    as_alice.post(draft_url(plan, "overview"), typed)
    as_alice.post(edit_url(plan, "overview"), typed, **HTMX)
    assert not SectionDraft.objects.filter(user=alice).exists()

    as_alice.post(draft_url(plan, "goals"), form_data(plan, "goals"))
    response = as_alice.post(draft_url(plan, "goals") + "?discard=1", **HTMX)
    assert response.status_code == 200 and "Save Primary Goals" in response.text
    assert not SectionDraft.objects.filter(user=alice).exists()


def test_only_the_plans_editors_keep_drafts(plan, victor, mallory, as_alice):
    data = {**form_data(plan, "overview"), "overview": "x"}
    assert client_for(victor).post(draft_url(plan, "overview"), data).status_code == 403
    assert client_for(mallory).post(draft_url(plan, "overview"), data).status_code == 404
    assert as_alice.post(draft_url(plan, "changelog"), data).status_code == 404
    assert not SectionDraft.objects.exists()


def test_a_draft_is_size_limited_and_rate_limited(as_alice, plan):
    huge = {**form_data(plan, "overview"), "overview": "x" * 1_100_000}
    assert as_alice.post(draft_url(plan, "overview"), huge).status_code == 413
    data = {**form_data(plan, "overview"), "overview": "ok"}
    statuses = [as_alice.post(draft_url(plan, "overview"), data).status_code for _ in range(30)]
    assert statuses[:29] == [200] * 29 and statuses[29] == 429  # 30 a minute, the 413 too


def test_a_draft_keeps_only_form_fields(as_alice, plan, alice):
    data = {
        **form_data(plan, "overview"),
        "edit-version": "999",
        "bad field!": "x",
        "resolve-overview": "mine",
    }
    as_alice.post(draft_url(plan, "overview"), data)
    draft = SectionDraft.objects.get(user=alice)
    assert "bad field!" not in draft.data and "resolve-overview" not in draft.data
    assert "csrfmiddlewaretoken" not in draft.data
    assert draft.base_version == 1  # a version the plan never had reads as the current one


# Presence ----------------------------------------------------------------------------------


def test_an_open_editor_is_seen_by_others_not_by_themselves(as_alice, plan, bob, victor):
    assert as_alice.post(presence_url(plan), {"section": "risks"}).status_code == 204
    seen_by_bob = json.loads(client_for(bob).get(presence_url(plan)).content)
    assert seen_by_bob == {
        "editing": {"risks": {"names": ["Alice Author"], "title": "Risks and Mitigations"}}
    }
    assert json.loads(client_for(victor).get(presence_url(plan)).content)["editing"]  # a viewer
    assert json.loads(as_alice.get(presence_url(plan)).content) == {"editing": {}}

    as_alice.post(presence_url(plan), {"section": ""})  # closed
    assert json.loads(client_for(bob).get(presence_url(plan)).content) == {"editing": {}}


def test_presence_goes_stale_after_a_minute_without_heartbeat(plan, alice, bob, monkeypatch):
    presence.heartbeat(plan.pk, alice.pk, "Alice", "risks")
    assert presence.editing(plan.pk, bob.pk) == {"risks": ["Alice"]}
    later = __import__("time").time() + presence.STALE_SECONDS + 1
    monkeypatch.setattr(presence.time, "time", lambda: later)
    assert presence.editing(plan.pk, bob.pk) == {}


def test_a_closed_editor_stays_closed_whatever_a_heartbeat_at_the_same_instant_writes(
    plan, alice, bob, victor
):
    presence.heartbeat(plan.pk, alice.pk, "Alice", "risks")
    presence.heartbeat(plan.pk, bob.pk, "Bob", "overview")
    index = cache.get(f"presence:{plan.pk}")
    presence.heartbeat(plan.pk, alice.pk, "Alice", None)  # alice closes her editor…
    cache.set(f"presence:{plan.pk}", index)  # …as bob's heartbeat writes the list it read
    assert presence.editing(plan.pk, victor.pk) == {"overview": ["Bob"]}


def test_the_plans_list_of_editors_drops_those_gone(plan, alice, bob, victor, monkeypatch):
    presence.heartbeat(plan.pk, alice.pk, "Alice", "risks")
    later = __import__("time").time() + presence.STALE_SECONDS + 1
    monkeypatch.setattr(presence.time, "time", lambda: later)
    presence.heartbeat(plan.pk, bob.pk, "Bob", "overview")
    assert cache.get(f"presence:{plan.pk}") == [str(bob.pk)]
    assert presence.editing(plan.pk, victor.pk) == {"overview": ["Bob"]}


def test_a_save_clears_its_editors_presence(as_alice, plan, bob):
    as_alice.post(presence_url(plan), {"section": "overview"})
    as_alice.post(
        edit_url(plan, "overview"), {**form_data(plan, "overview"), "overview": "Done"}, **HTMX
    )
    assert json.loads(client_for(bob).get(presence_url(plan)).content) == {"editing": {}}


def test_only_editors_send_heartbeats_and_only_readers_poll(plan, victor, mallory):
    assert client_for(victor).post(presence_url(plan), {"section": "risks"}).status_code == 403
    assert client_for(mallory).get(presence_url(plan)).status_code == 404


def test_a_poll_costs_the_same_few_queries_however_many_edit(
    team, alice, bob, django_assert_max_num_queries
):
    plan = make_plan(team, alice, rows=5)
    for n, key in enumerate(["overview", "goals", "risks", "phases", "rollout"]):
        presence.heartbeat(plan.pk, 1000 + n, f"Person {n}", key)
    as_bob = client_for(bob)
    with django_assert_max_num_queries(8):
        response = as_bob.get(presence_url(plan))
    assert len(json.loads(response.content)["editing"]) == 5


# Errors and what a save refreshes ----------------------------------------------------------


def test_an_invalid_save_has_an_error_summary_linking_each_field(as_alice, team, alice):
    plan = make_plan(team, alice, rows=2)
    data = {**form_data(plan, "goals"), "goals-1-text": ""}
    page = as_alice.post(edit_url(plan, "goals"), data, **HTMX).text
    assert 'class="alert alert-danger py-2 error-summary"' in page
    assert '<a href="#id_goals-1-text">Goal 2: This field is required.</a>' in page


def test_a_save_refreshes_outline_status_meta_and_review_in_its_one_response(as_alice, plan):
    data = {**form_data(plan, "architecture"), "architecture": "Event sourced."}
    page = as_alice.post(edit_url(plan, "architecture"), data, **HTMX).text
    for oob in ('id="plan-outline"', 'id="plan-status"', 'id="plan-meta"', 'id="review-panel"'):
        assert f"{oob} class" in page or oob in page
        start = page.index(oob)
        assert 'hx-swap-oob="true"' in page[start : page.index(">", start)]
    assert 'id="approval-body" hx-swap-oob="true"' in page
    assert 'hx-trigger="load" hx-swap="outerHTML"' not in page  # no second request for sign-offs
    assert page.count("Saved as version 2.") == 1


def test_the_outline_counts_the_section_just_written(as_alice, team, alice):
    plan = make_plan(team, alice)
    plan.dependencies = ""
    plan.save()
    before = as_alice.get(plan.get_absolute_url()).text
    filled = int(before.split('class="small mb-2 completeness"><strong>')[1].split(" of ")[0])
    data = {**form_data(plan, "dependencies"), "dependencies": "Redis."}
    page = as_alice.post(edit_url(plan, "dependencies"), data, **HTMX).text
    assert f"<strong>{filled + 1} of " in page


def test_opening_an_editor_keeps_the_threads_the_page_has(as_alice, plan):
    page = as_alice.get(edit_url(plan, "overview"), **HTMX).text
    assert '<div class="threads d-print-none" id="threads-overview" hx-preserve="true">' in page
    assert "threads/page/" not in page  # no request for them: a save reloads them


def test_an_archived_plan_keeps_no_new_drafts_and_shows_no_one_editing(as_alice, plan, alice):
    from plans.services import set_archived

    set_archived(plan=plan, user=alice, archived=True)
    data = {**form_data(plan, "overview"), "overview": "x"}
    assert as_alice.post(draft_url(plan, "overview"), data).status_code == 403
    assert as_alice.post(presence_url(plan), {"section": "overview"}).status_code == 204
    assert presence.editing(plan.pk, 0) == {}


def test_a_draft_outlives_signing_out_and_in(plan, alice):
    first = client_for(alice)
    first.post(draft_url(plan, "overview"), {**form_data(plan, "overview"), "overview": "Kept"})
    first.logout()
    page = client_for(alice).get(edit_url(plan, "overview"), **HTMX).text
    assert "Restore your unsaved draft from" in page


def test_what_a_save_keeps_of_its_version_is_that_version_as_stored(as_alice, team, alice):
    """The response's facts (hash for sign-offs, unresolved questions) come from the content
    read in the save's transaction, and are kept under the version: they must be the ones
    the stored version gives, to the digit (an effort of 2.5 is stored as 2.50)."""
    from plans.rendered import facts_of, version_facts
    from plans.versions import content_at

    plan = make_plan(team, alice, rows=3)
    data = {**form_data(plan, "phases"), "phases-0-effort": "2.5", "phases-0-name": "Pilot"}
    page = as_alice.post(edit_url(plan, "phases"), data, **HTMX).text
    assert "Saved as version 2." in page
    plan.refresh_from_db()
    kept = version_facts(plan, 2)
    assert kept == facts_of(content_at(plan, 2))
    assert "Pilot" in page and "<strong>" in page


def test_a_save_leaves_no_draft_and_nothing_half_done_when_it_conflicts(as_alice, team, alice):
    from plans.models import Plan

    plan = make_plan(team, alice, rows=2)
    stale = form_data(plan, "risks")
    first = {**stale, "risks-0-mitigation": "Mine"}
    assert "Saved as version 2." in as_alice.post(edit_url(plan, "risks"), first, **HTMX).text
    as_alice.post(draft_url(plan, "risks"), {**stale, "risks-0-mitigation": "Theirs"})
    clash = {**stale, "risks-0-mitigation": "Theirs"}
    response = as_alice.post(edit_url(plan, "risks"), clash, **HTMX)
    assert response.status_code == 409
    assert Plan.objects.get(pk=plan.pk).version == 2
    assert SectionDraft.objects.filter(plan=plan, section="risks").exists()


# What an editor reads --------------------------------------------------------------------


def test_the_resources_editor_reads_its_team_rows_not_the_phases_it_charts(as_alice, team, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = make_plan(team, alice, rows=5, tasks=3)

    with CaptureQueriesContext(connection) as queries:
        html = as_alice.get(edit_url(plan, "resources"), **HTMX).text

    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "plans_teammember" in read
    assert "plans_phase" not in read and "plans_task" not in read
    assert html.count('name="team_members-') > 5 and "effort-chart" not in html
