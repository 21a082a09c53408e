"""The signed-in user's permissions are read with the user (accounts.backends): pages that ask
has_perm() run no permission query of their own."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for
from tests.factories import make_plan, make_team, make_user


def permission_queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in queries if '"auth_permission"."codename"' in q["sql"]]


def test_a_managers_group_permission_shows_every_plan_with_no_permission_query(as_carol, plan):
    other = make_user("olga")
    make_plan(make_team("Elsewhere", olga="editor"), other, title="Elsewhere Plan")

    assert permission_queries(as_carol, "/plans/") == []
    assert "Elsewhere Plan" in as_carol.get("/plans/").text


def test_a_permission_given_to_the_user_alone_counts_too(plan):
    dana = make_user("dana")
    dana.user_permissions.add(Permission.objects.get(codename="view_every_plan"))

    assert "Offline Sync" in client_for(dana).get("/plans/").text


def test_a_member_without_the_permission_sees_only_their_teams(as_alice, plan):
    other = make_user("olga")
    make_plan(make_team("Elsewhere", olga="editor"), other, title="Elsewhere Plan")

    html = as_alice.get("/plans/").text

    assert "Offline Sync" in html and "Elsewhere Plan" not in html
    assert permission_queries(as_alice, "/plans/") == []
