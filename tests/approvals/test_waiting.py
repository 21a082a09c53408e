"""Who is waited for: the navigation's count and the lines listed (SQL) agree with the rule
written with the ORM in every state a role can be in."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from approvals.models import Signoff
from approvals.services import (
    RoleState,
    WaitingLines,
    _waiting_roles,
    assign_roles,
    request_signoff,
    waiting_count_of_outer_user,
)
from plans.models import Membership, OpenQuestion, Plan
from tests.factories import make_plan, make_user, sign_as


@pytest.fixture
def people(team):
    bob, quinn = make_user("bob"), make_user("quinn")
    for user in (bob, quinn):
        Membership.objects.create(team=team, user=user, role="editor")
    return bob, quinn


def in_review(team, alice, bob, quinn, title):
    plan = make_plan(team, alice, title=title)
    OpenQuestion.objects.filter(plan=plan).update(resolved=True)
    assign_roles(plan=plan, user=alice, assignments=[("Product", bob), ("QA", quinn)])
    request_signoff(plan=plan, user=alice)
    return Plan.objects.get(pk=plan.pk)


def approve(plan, name, user):
    role = plan.signoff_roles.get(name=name)
    version = Plan.objects.get(pk=plan.pk).version
    sign_as(role, user, read_version=version)


def counted(user) -> int:
    users = get_user_model().objects.annotate(n=waiting_count_of_outer_user())
    return users.get(pk=user.pk).n


def shown(state: RoleState) -> tuple:
    """What a waiting line shows of its role, plan and latest decision."""
    role, plan, decision = state.role, state.role.plan, state.signoff
    return (
        (role.pk, role.name, role.assignee_id),
        (plan.pk, plan.title, plan.version, plan.team.name, plan.author.username),
        plan.author.get_full_name(),
        decision and (decision.decision, decision.plan_version, decision.user_id),
    )


def test_the_lines_and_count_read_in_sql_are_the_roles_the_orm_rule_finds(
    team, alice, people, django_assert_max_num_queries
):
    bob, quinn = people
    waiting = in_review(team, alice, bob, quinn, "Waiting")  # bob and quinn: one role each
    signed = in_review(team, alice, bob, quinn, "Signed by bob")
    approve(signed, "Product", bob)  # bob: done; quinn: waiting
    stale = in_review(team, alice, bob, quinn, "Stale")
    approve(stale, "Product", bob)
    Signoff.objects.filter(plan=stale).update(plan_version=0)  # on an older version: stale
    archived = in_review(team, alice, bob, quinn, "Archived")
    Plan.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    make_plan(team, alice, title="Draft")  # no roles yet
    assert waiting.status == Plan.Status.IN_REVIEW

    for user in (alice, bob, quinn):
        assert counted(user) == _waiting_roles(user).count()
        listed = list(_waiting_roles(user).select_related("plan__team", "plan__author", "latest"))
        user.signoffs_waiting = counted(user)  # as the signed-in user is read (the count)
        lines = WaitingLines(user)
        with django_assert_max_num_queries(1):  # what a line shows is read with it
            read = [shown(s) for s in lines[0:10]]
        assert read == [shown(RoleState(r, r.latest, "")) for r in listed]
        assert [s.role.pk for s in lines[1:]] == [r.pk for r in listed[1:]]
        assert [s.role.pk for s in lines[:1]] == [r.pk for r in listed[:1]]
    assert [counted(u) for u in (alice, bob, quinn)] == [0, 2, 3]


def test_a_lead_who_left_the_team_or_only_reads_it_is_waited_for_nowhere(
    team, alice, people, client
):
    """A lead removed from the team, or made a viewer, after review was asked: no line, no
    count, on the dashboard or /approvals/."""
    bob, quinn = people
    in_review(team, alice, bob, quinn, "Waiting")
    Membership.objects.filter(team=team, user=bob).delete()
    Membership.objects.filter(team=team, user=quinn).update(role="viewer")
    for user in (bob, quinn):
        assert list(WaitingLines(user)) == [] and counted(user) == 0
        client.force_login(user)
        assert "Waiting" not in client.get("/approvals/").text
        assert "Nothing waits for your sign-off." in client.get("/").text


def test_a_lead_with_many_sign_offs_sees_them_a_page_at_a_time(
    team, alice, people, client, monkeypatch, django_assert_max_num_queries
):
    # At a company's size a lead can be waited for on a thousand plans: the dashboard shows
    # the first few and the count, /approvals/ pages through them all.
    monkeypatch.setattr("plans.views.DASHBOARD_ROWS", 2)
    monkeypatch.setattr("approvals.views.WAITING_PER_PAGE", 2)
    bob, quinn = people
    plans = [in_review(team, alice, bob, quinn, title) for title in ("First", "Second", "Third")]
    approve(plans[0], "Product", bob)
    Signoff.objects.filter(plan=plans[0]).update(plan_version=0)  # on an older version: stale
    client.force_login(bob)

    dashboard = client.get("/").text.split('id="waiting-h"')[1].split("</section>")[0]
    # the waiting count comes with the signed-in user: the page does not count the roles again
    with django_assert_max_num_queries(3):  # the session, the user, the lines
        first = client.get("/approvals/").text
    second = client.get("/approvals/?page=2").text

    assert sum(dashboard.count(t) for t in ("First", "Second", "Third")) == 2
    assert "All 3 sign-offs waiting for you" in dashboard
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "Stale</span> you approved version 0" in first  # its decision read with its line
    shown = [t for t in ("First", "Second", "Third") if t in first or t in second]
    assert shown == ["First", "Second", "Third"]
