"""A thread is outdated when its section, or its row, changed after its latest comment: edits
saved through the section forms, as people make them."""

from __future__ import annotations

from django.urls import reverse

from plans.models import Phase, Risk
from tests.factories import make_plan
from tests.plans.editing import edit_url, form_data
from threads import selectors, services
from threads.models import Thread

from .conftest import HTMX


def save(client, plan, key, **changes):
    response = client.post(edit_url(plan, key), form_data(plan, key) | changes, **HTMX)
    assert response.status_code == 200, response.content.decode()[:1000]


def outdated(thread):
    return (
        selectors.with_outdated(Thread.objects.filter(pk=thread.pk))
        .values_list("outdated", flat=True)
        .get()
    )


def on_row(plan, user, key, row, body="Hm."):
    return services.start_thread(plan=plan, user=user, section_key=key, row_id=row.pk, body=body)


def test_a_row_thread_is_outdated_once_its_row_changes_with_a_link_to_the_comparison(
    as_alice, plan, alice, bob, risk
):
    thread = on_row(plan, bob, "risks", risk, "Mitigation only covers `=`; what about `+`? @alice")
    assert not outdated(thread)

    save(as_alice, plan, "risks", **{"risks-0-mitigation": "Escape = + - @ at the start"})

    assert outdated(thread)
    html = as_alice.get(reverse("threads:detail", args=[plan.pk, thread.pk])).text
    assert "Outdated — the row changed since this comment." in html
    assert f"/plans/{plan.pk}/compare/?from=1&amp;to=2" in html


def test_a_reply_after_the_change_brings_the_thread_up_to_date(as_alice, plan, alice, risk):
    thread = on_row(plan, alice, "risks", risk)
    save(as_alice, plan, "risks", **{"risks-0-mitigation": "Escape everything"})
    services.reply(thread=thread, user=alice, body="Done.")
    assert not outdated(thread)


def test_a_row_thread_ignores_changes_to_other_rows_and_moves(as_alice, team, alice):
    plan = make_plan(team, alice, rows=3)
    second = Risk.objects.get(plan=plan, risk="Risk 2")
    thread = on_row(plan, alice, "risks", second)

    save(as_alice, plan, "risks", **{"risks-0-DELETE": "on", "risks-2-mitigation": "Other"})

    assert Risk.objects.get(pk=second.pk).position == 1  # moved up, unchanged
    assert not outdated(thread)


def test_a_deleted_row_outdates_its_threads_which_stay_on_the_section(as_alice, plan, alice, risk):
    thread = on_row(plan, alice, "risks", risk, "Keep this one?")
    save(as_alice, plan, "risks", **{"risks-0-DELETE": "on"})

    assert outdated(thread)
    page = as_alice.get(reverse("threads:page", args=[plan.pk]), **HTMX).text
    assert '<div class="threads d-print-none" id="threads-risks" hx-swap-oob="true">' in page
    assert "Risk 1" in page
    assert "Keep this one?" in page


def test_a_section_thread_is_outdated_by_an_edit_of_its_section_only(as_alice, plan, alice):
    overview = services.start_thread(plan=plan, user=alice, section_key="overview", body="Hm.")
    risks = services.start_thread(plan=plan, user=alice, section_key="risks", body="Hm.")

    save(as_alice, plan, "overview", overview="Now about tablets too.")

    assert (outdated(overview), outdated(risks)) == (True, False)
    save(as_alice, plan, "risks", **{"risks-0-impact": "low"})
    assert outdated(risks)


def test_a_phase_thread_is_outdated_when_one_of_its_tasks_changes(as_alice, team, alice):
    plan = make_plan(team, alice, rows=2, tasks=2)
    first, second = Phase.objects.filter(plan=plan).order_by("position")
    on_first = on_row(plan, alice, "phases", first)
    on_second = on_row(plan, alice, "phases", second)

    save(as_alice, plan, "phases", **{"phases-1-tasks-0-text": "Task 2.1, reworded"})

    assert (outdated(on_first), outdated(on_second)) == (False, True)


def test_threads_of_an_old_version_are_those_written_by_then(as_alice, plan, alice):
    services.start_thread(plan=plan, user=alice, section_key="overview", body="Early word")
    save(as_alice, plan, "overview", overview="Second version.")
    services.start_thread(plan=plan, user=alice, section_key="overview", body="Late word")

    old = as_alice.get(reverse("threads:page", args=[plan.pk]) + "?version=1", **HTMX).text
    now = as_alice.get(reverse("threads:page", args=[plan.pk]), **HTMX).text

    assert "Early word" in old and "Late word" not in old
    assert "Early word" in now and "Late word" in now
    assert "Reply" not in old and "Resolve" not in old
