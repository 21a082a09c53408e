"""A team's maintainers set its sign-off rules and its members' levels; nobody else can."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.models import Membership, Team
from tests.conftest import client_for
from tests.factories import make_user


@pytest.fixture
def maintainer(team, alice):
    Membership.objects.filter(team=team, user=alice).update(role="maintainer")
    return alice


def url(team: Team) -> str:
    return reverse("teams:settings", args=[team.pk])


def post_for(team: Team, **changes: str) -> dict[str, str]:
    members = list(team.memberships.order_by("user__username"))
    data = {
        "signoff_roles": "\n".join(team.signoff_roles),
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": str(len(members)),
        "add-username": "",
        "add-role": "editor",
    }
    for i, m in enumerate(members):
        data[f"members-{i}-user"] = str(m.user_id)
        data[f"members-{i}-role"] = m.role
    return {**data, **changes}


def test_a_maintainer_sets_the_roles_new_plans_start_with(maintainer, team, as_alice):
    data = post_for(team, signoff_roles="Product Owner\nSecurity Lead\n", allow_self_signoff="on")
    response = as_alice.post(url(team), data)
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.signoff_roles == ["Product Owner", "Security Lead"]
    assert team.allow_self_signoff


def test_a_maintainer_adds_a_member_and_changes_a_level(maintainer, team, as_alice, victor):
    make_user("nina")
    data = post_for(team, **{"add-username": "Nina", "add-role": "viewer"})
    data["members-1-role"] = "editor"  # victor, second by user name
    as_alice.post(url(team), data)
    levels = dict(team.memberships.values_list("user__username", "role"))
    assert levels == {"alice": "maintainer", "victor": "editor", "nina": "viewer"}


def test_the_last_maintainer_cannot_leave_the_team_unmanaged(maintainer, team, as_alice):
    data = post_for(team, **{"members-0-role": "editor"})
    response = as_alice.post(url(team), data, follow=True)
    assert "at least one maintainer" in response.text
    assert team.memberships.get(user=maintainer).role == "maintainer"


def test_an_unknown_person_is_refused_next_to_the_field(maintainer, team, as_alice):
    response = as_alice.post(url(team), post_for(team, **{"add-username": "nobody"}))
    assert response.status_code == 422
    assert "Nobody is called “nobody” here." in response.text


def test_editors_and_viewers_get_403_and_outsiders_404(team, as_alice, as_victor, as_mallory):
    assert as_alice.get(url(team)).status_code == 403  # an editor, not a maintainer
    assert as_victor.get(url(team)).status_code == 403
    assert as_mallory.get(url(team)).status_code == 404


def test_a_tampered_member_list_changes_nobody_else(maintainer, team, as_alice, mallory):
    data = post_for(team)
    data["members-1-user"] = str(mallory.pk)  # not a member: ignored
    data["members-1-role"] = "maintainer"
    as_alice.post(url(team), data)
    assert not team.memberships.filter(user=mallory).exists()


def test_the_dashboard_links_a_maintainer_to_the_settings(maintainer, team, as_alice, victor):
    assert url(team) in as_alice.get("/").text
    assert url(team) not in client_for(victor).get("/").text
