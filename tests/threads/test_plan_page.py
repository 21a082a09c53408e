"""Threads beside the plan page's sections: the kept sections carry only *Comment* links and
empty boxes; one request after the page loads fills them, in a constant number of queries."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from approvals.models import SignoffRole
from plans.content import ROW_MODELS
from plans.sections import SECTIONS
from tests.factories import make_plan
from tests.plans.editing import edit_url, form_data
from threads import services
from threads.models import Comment, Thread

from .conftest import HTMX


def test_the_plan_page_has_comment_links_and_empty_thread_boxes(as_alice, plan, risk, thread):
    html = as_alice.get(plan.get_absolute_url()).text
    assert '<div class="threads d-print-none" id="threads-risks"></div>' in html
    assert f"?section=risks&amp;row={risk.pk}" in html
    assert 'aria-label="Comment on Risk 1"' in html
    assert 'Comment<span class="visually-hidden"> on Overview</span>' in html
    assert f'hx-get="/plans/{plan.pk}/threads/page/" hx-trigger="load"' in html
    assert "really" not in html  # the threads come with the one request after the page


def test_comment_links_follow_who_may_write_whatever_was_kept_first(
    as_victor, as_alice, plan, team
):
    assert "Comment on Risk 1" not in as_victor.get(plan.get_absolute_url()).text
    assert "Comment on Risk 1" in as_alice.get(plan.get_absolute_url()).text
    assert "Comment on Risk 1" not in as_victor.get(plan.get_absolute_url()).text

    team.viewers_may_comment = True
    team.save()
    assert "Comment on Risk 1" in as_victor.get(plan.get_absolute_url()).text


def test_a_viewer_who_leads_a_sign_off_role_gets_comment_links_until_the_role_is_removed(
    as_victor, plan, victor
):
    """Whether the reader leads a role is read with the plan on the page (plans.access), not
    asked again: it must still follow the role as it is now."""
    role = SignoffRole.objects.create(plan=plan, name="Product Owner", assignee=victor)
    assert "Comment on Risk 1" in as_victor.get(plan.get_absolute_url()).text

    role.removed_at = timezone.now()
    role.save()
    assert "Comment on Risk 1" not in as_victor.get(plan.get_absolute_url()).text


def test_the_page_request_swaps_each_sections_threads_into_its_box(as_alice, plan, alice, thread):
    services.start_thread(plan=plan, user=alice, section_key="goals", body="Goals?")
    html = as_alice.get(reverse("threads:page", args=[plan.pk]), **HTMX).text
    assert html.count('hx-swap-oob="true"') == 2
    assert 'id="threads-overview" hx-swap-oob="true"' in html
    assert 'id="threads-goals" hx-swap-oob="true"' in html
    assert "2 open threads" in html


def test_without_htmx_the_page_request_leads_to_the_list(as_alice, plan):
    response = as_alice.get(reverse("threads:page", args=[plan.pk]))
    assert response["Location"] == reverse("threads:list", args=[plan.pk])


def test_an_old_versions_page_asks_for_the_threads_of_that_version(as_alice, plan):
    as_alice.post(edit_url(plan, "overview"), form_data(plan, "overview") | {"overview": "New."})
    html = as_alice.get(reverse("plans:version", args=[plan.pk, 1])).text
    assert f'hx-get="/plans/{plan.pk}/threads/page/?version=1"' in html
    assert "comment-link" not in html and "row-comment" not in html


def test_a_section_saved_in_place_brings_its_own_threads_in_the_same_answer(as_alice, plan):
    data = form_data(plan, "overview") | {"overview": "New."}
    html = as_alice.post(edit_url(plan, "overview"), data, **HTMX).text
    # A save may outdate the section's threads: they come out of band with the save's answer,
    # and the section's box keeps them (hx-preserve) instead of asking again.
    assert '<div class="threads d-print-none" id="threads-overview" hx-swap-oob="true">' in html
    assert 'id="threads-overview" hx-preserve="true"' in html
    assert "threads/page/" not in html


def many_threads(plan, user, count):
    """`count` threads of the plan, on sections and on rows of every kind, two comments each."""
    rows = [(key, model.objects.get(plan=plan)) for key, model in ROW_MODELS.items()]
    owner = {key: s.key for s in SECTIONS for key in s.rows}  # the section showing each row set
    now = timezone.now()
    threads = []
    for i in range(count):
        key, row = rows[i % len(rows)]
        on_row = i % 2 == 0
        threads.append(
            Thread(
                plan=plan,
                section_key=owner[key] if on_row else "overview",
                row_model=row._meta.label_lower if on_row else "",
                row_id=row.pk if on_row else None,
                row_label=str(row) if on_row else "",
                version=1,
                commented_version=1,
                created_by=user,
                created_at=now,
                resolved_at=now if i % 3 == 0 else None,
                resolved_by=user if i % 3 == 0 else None,
            )
        )
    Thread.objects.bulk_create(threads)
    Comment.objects.bulk_create(
        Comment(
            thread=t,
            team_id=t.plan.team_id,
            author=user,
            body=f"Comment {n} on {t.pk}",
            version=1,
            created_at=now,
        )
        for t in threads
        for n in (1, 2)
    )


def test_200_threads_load_in_a_constant_number_of_queries(
    as_alice, team, alice, django_assert_max_num_queries
):
    plan = make_plan(team, alice)
    as_alice.post(edit_url(plan, "risks"), form_data(plan, "risks") | {"risks-0-mitigation": "x"})
    many_threads(plan, alice, 200)
    page = reverse("threads:page", args=[plan.pk])
    listing = reverse("threads:list", args=[plan.pk])

    # the session, the user, the plan with the reader's role, threads, comments
    with django_assert_max_num_queries(6):
        html = as_alice.get(page, **HTMX).text
    assert html.count('class="thread card') == 200
    assert html.count("Outdated</span>") == 20  # the threads on the risk row

    with django_assert_max_num_queries(10):
        html = as_alice.get(listing).text
    assert html.count('<tr id="thread-row-') == 200


def test_a_reader_who_may_not_write_costs_one_query_more_at_most(
    as_victor, team, alice, django_assert_max_num_queries
):
    plan = make_plan(team, alice)
    many_threads(plan, alice, 200)
    with django_assert_max_num_queries(7):  # and whether victor leads a sign-off
        html = as_victor.get(reverse("threads:page", args=[plan.pk]), **HTMX).text
    assert "Reply" not in html
