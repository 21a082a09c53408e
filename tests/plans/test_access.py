from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from plans.models import Plan
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
