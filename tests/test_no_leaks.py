"""Nothing about a team's plans reaches someone who left the team, and signed-in pages are kept
by no shared cache."""

from __future__ import annotations

import pytest
from django.urls import reverse

from approvals.services import assign_roles, request_signoff
from plans.models import Membership
from tests.conftest import client_for
from tests.factories import make_plan, make_user

SECRET = "Quarterly layoffs"


@pytest.fixture
def leaver(team):
    user = make_user("lee", first_name="Lee", last_name="Leaver")
    Membership.objects.create(team=team, user=user, role="editor")
    return user


@pytest.fixture
def in_review(team, alice, leaver):
    plan = make_plan(team, alice, title=SECRET)
    assign_roles(plan=plan, user=alice, assignments=[("Product Owner", leaver)])
    request_signoff(plan=plan, user=alice)
    return plan


def pages(plan):
    return [
        reverse("dashboard"),
        reverse("approvals:waiting"),
        reverse("plans:list"),
        reverse("plans:list") + "?q=layoffs",
        reverse("plans:activity"),
    ]


def test_a_lead_sees_the_plan_waiting_while_in_the_team(in_review, leaver):
    client = client_for(leaver)
    assert SECRET in client.get(reverse("approvals:waiting")).text
    assert 'title="waiting for you">1<' in client.get(reverse("dashboard")).text


def test_a_member_removed_from_the_team_sees_none_of_its_plans_anywhere(in_review, leaver):
    Membership.objects.filter(user=leaver).delete()
    client = client_for(leaver)
    for url in pages(in_review):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.text, url
        assert 'title="waiting for you"' not in response.text, url
    assert client.get(in_review.get_absolute_url()).status_code == 404


def test_a_lead_made_a_viewer_is_no_longer_asked_to_sign(in_review, leaver):
    Membership.objects.filter(user=leaver).update(role="viewer")
    client = client_for(leaver)
    assert SECRET not in client.get(reverse("approvals:waiting")).text
    assert 'title="waiting for you"' not in client.get(reverse("dashboard")).text


@pytest.mark.parametrize(
    "path", ["/", "/plans/", "/approvals/", "/plans/{pk}/", "/plans/{pk}/export.md"]
)
def test_signed_in_pages_and_exports_are_private_and_not_stored(plan, as_alice, path):
    response = as_alice.get(path.format(pk=plan.pk))
    assert response.status_code == 200
    assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {"private", "no-store"}
