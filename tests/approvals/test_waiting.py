"""Who is waited for: the navigation's count (SQL read with the user) and the list of
/approvals/ (the ORM) agree in every state a role can be in."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from approvals.models import Signoff
from approvals.services import (
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


def test_the_count_read_with_the_user_is_the_number_of_roles_listed(team, alice, people):
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
    assert [counted(u) for u in (alice, bob, quinn)] == [0, 2, 3]
