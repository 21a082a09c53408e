"""The navigation's count (SQL, read with the user) is the number of unread lines the inbox
(the ORM) lists, whoever the user is."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from notifications.selectors import count_unread, unread_count_of_outer_user
from plans.models import Membership
from tests.factories import make_notification, make_plan, make_team, make_user


def counted(user) -> int:
    users = get_user_model().objects.annotate(n=unread_count_of_outer_user())
    return users.get(pk=user.pk).n


@pytest.fixture
def other_plan(alice):
    return make_plan(make_team("Billing", alice="editor"), alice, title="Invoices")


def news_for(user, plan, other_plan) -> None:
    """Two unread of the Payments plan and one read; one unread of the Billing plan."""
    make_notification(plan, user)
    make_notification(plan, user)
    make_notification(plan, user, read_at=timezone.now())
    make_notification(other_plan, user)


def test_a_member_counts_the_unread_of_their_teams_plans(victor, plan, other_plan):
    news_for(victor, plan, other_plan)
    assert counted(victor) == count_unread(victor) == 2


def test_a_member_removed_from_the_team_counts_nothing(victor, plan, other_plan):
    news_for(victor, plan, other_plan)
    Membership.objects.filter(user=victor).delete()
    assert counted(victor) == count_unread(victor) == 0


def test_a_manager_counts_every_plans_unread(carol, plan, other_plan):
    news_for(carol, plan, other_plan)
    assert counted(carol) == count_unread(carol) == 3


def test_the_permission_of_ones_own_makes_a_manager(mallory, plan, other_plan):
    news_for(mallory, plan, other_plan)
    assert counted(mallory) == count_unread(mallory) == 0
    mallory.user_permissions.add(Permission.objects.get(codename="view_every_plan"))
    mallory = get_user_model().objects.get(pk=mallory.pk)  # has_perm() caches
    assert counted(mallory) == count_unread(mallory) == 3


def test_a_superuser_is_a_manager(plan, other_plan):
    root = make_user("root", is_superuser=True)
    news_for(root, plan, other_plan)
    assert counted(root) == count_unread(root) == 3


def test_nobody_counts_anyone_elses(alice, victor, plan, other_plan):
    news_for(victor, plan, other_plan)
    assert counted(alice) == count_unread(alice) == 0
