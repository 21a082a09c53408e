from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from approvals.models import SignoffRole
from plans.models import VIEW_ALL_PERMISSION, Plan
from tests.factories import make_plan, make_team, make_user


def test_it_redirects_anonymous_users_to_the_login_page(plan):
    for url in ("/", "/plans/", plan.get_absolute_url()):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_an_outsider_gets_404_on_a_plan(as_mallory, plan):
    assert as_mallory.get(plan.get_absolute_url()).status_code == 404


def test_an_outsider_sees_no_plan_in_the_list(as_mallory, plan):
    response = as_mallory.get(reverse("plans:list"))
    assert plan.title not in response.content.decode()


def test_a_viewer_reads_the_plan(as_victor, plan):
    response = as_victor.get(plan.get_absolute_url())
    assert response.status_code == 200


def test_a_manager_sees_every_team_plan(as_carol, plan, db):
    other_author = make_user("olga")
    other = make_plan(make_team("Search", olga="editor"), other_author, title="Query Rewrite")
    html = as_carol.get(reverse("plans:list")).content.decode()
    assert plan.title in html and other.title in html
    assert as_carol.get(other.get_absolute_url()).status_code == 200


def test_members_see_only_their_teams_plans(alice, plan, db):
    olga = make_user("olga")
    make_plan(make_team("Search", olga="editor"), olga, title="Query Rewrite")
    assert list(Plan.objects.visible_to(alice)) == [plan]


def test_anonymous_sees_nothing(plan):
    assert not Plan.objects.visible_to(AnonymousUser()).exists()


def test_only_editors_of_the_team_may_edit(plan, alice, victor, carol, mallory):
    assert plan.can_edit(alice)
    assert not plan.can_edit(victor)
    assert not plan.can_edit(carol)
    assert not plan.can_edit(mallory)
    assert not plan.can_edit(AnonymousUser())


def test_a_member_of_two_teams_sees_each_plan_once(alice, plan):
    Plan.objects.get(pk=plan.pk)
    make_team("Second", alice="viewer")
    assert Plan.objects.visible_to(alice).count() == 1


def _as_read(plan: Plan) -> tuple:
    """What a page reads of a plan that get_plan_for returned: its fields, those left to load,
    its team and author as read with it, and the reader's role and open threads."""
    values = {
        f.attname: getattr(plan, f.attname)
        for f in Plan._meta.concrete_fields
        if f.attname not in plan.get_deferred_fields()
    }
    team = {f.attname: getattr(plan.team, f.attname) for f in plan.team._meta.concrete_fields}
    author = plan.author
    author_values = {
        f.attname: getattr(author, f.attname)
        for f in author._meta.concrete_fields
        if f.attname not in author.get_deferred_fields()
    }
    return (
        values,
        plan.get_deferred_fields(),
        team,
        author_values,
        author.get_deferred_fields(),
        plan.unresolved_thread_count,
    )


@pytest.mark.parametrize("content", [True, False])
def test_the_plan_a_page_reads_is_the_plan_the_orm_reads(
    alice, carol, plan, content, django_assert_num_queries
):
    from django.db.models.expressions import RawSQL

    from plans.access import get_plan_for
    from threads import services

    services.start_thread(plan=plan, user=alice, section_key="overview", body="Offline?")
    # alice leads a current role; carol led one that was removed, and leads no more.
    SignoffRole.objects.create(plan=plan, name="Product Owner", assignee=alice)
    SignoffRole.objects.create(plan=plan, name="QA", assignee=carol, removed_at=timezone.now())
    Plan.objects.filter(pk=plan.pk).update(
        prior_approvals=[{"role": "QA Lead", "name": "Quinn", "date": "2026-01-02"}],
        archived_at=timezone.now(),
    )
    for user, role, leads in ((alice, "editor", True), (carol, None, False)):
        request = RequestFactory().get("/")
        request.user = user
        user.has_perm(VIEW_ALL_PERMISSION)  # as the page's user comes: with its permissions
        with django_assert_num_queries(1):
            read = get_plan_for(request, plan.pk, content=content)
            seen = _as_read(read)
        plans = Plan.objects.select_related("team", "author")
        plans = (
            plans.defer(*Plan.SEARCH_FIELDS) if content else plans.only(*Plan.BOOKKEEPING_FIELDS)
        )
        expected = plans.annotate(
            reader_role=RawSQL(
                "SELECT role FROM plans_membership m"
                " WHERE m.team_id = plans_plan.team_id AND m.user_id = %s",
                (user.pk,),
            ),
            unresolved_thread_count=RawSQL(
                "SELECT COUNT(*) FROM threads_thread t"
                " WHERE t.plan_id = plans_plan.id AND t.resolved_at IS NULL",
                (),
            ),
        ).get(pk=plan.pk)
        assert seen == _as_read(expected)
        assert read.role_of(user) == expected.reader_role == role
        current = SignoffRole.objects.current().filter(plan=plan, assignee=user).exists()
        assert read.known_lead(user) is current is leads
        assert read.unresolved_thread_count == 1


@pytest.mark.parametrize("pk", [0, -1, 2**63, 10**30])
def test_a_plan_key_out_of_any_range_is_no_plan(as_alice, plan, pk):
    from plans.access import get_plan_for

    request = RequestFactory().get("/")
    request.user = plan.author
    with pytest.raises(Http404):
        get_plan_for(request, pk)
