"""The activity feed: what happened across the plans a person may see, newest first."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from plans.activity import SOURCES, Filters, _newest_keys, feed
from plans.addresses import address_of
from plans.models import OpenQuestion, Plan, PlanVersion
from tests.factories import make_plan, make_team, make_user


def key_queries() -> int:
    """The queries of a page's newest keys: one UNION (PostgreSQL), or one a kind (SQLite)."""
    return 1 if connection.features.supports_slicing_ordering_in_compound else len(SOURCES)


@pytest.fixture
def two_teams(plan, alice):
    olga = make_user("olga", first_name="Olga")
    other = make_plan(make_team("Search", olga="editor"), olga, title="Query Rewrite")
    return plan, other


def test_a_manager_sees_activity_across_every_team(as_carol, two_teams):
    html = as_carol.get(reverse("plans:activity")).content.decode()
    assert "Offline Sync</a>" in html and "Query Rewrite</a>" in html


def test_members_see_activity_of_their_teams_only(as_alice, two_teams):
    html = as_alice.get(reverse("plans:activity")).content.decode()
    assert "Offline Sync</a>" in html and "Query Rewrite" not in html


def test_a_member_filtering_by_another_team_sees_none_of_its_events(as_alice, two_teams):
    """Events carry their team: filtering by a team one is not in still shows only what one
    may see."""
    _, other = two_teams
    html = as_alice.get(reverse("plans:activity"), {"team": other.team_id}).content.decode()
    assert "Query Rewrite" not in html


def test_activity_filters_by_team_person_and_dates(as_carol, two_teams):
    _, other = two_teams
    url = reverse("plans:activity")
    html = as_carol.get(url, {"team": other.team_id}).content.decode()
    assert "Query Rewrite</a>" in html and "Offline Sync" not in html
    html = as_carol.get(url, {"person": "Author"}).content.decode()  # alice's last name
    assert "Offline Sync</a>" in html and "Query Rewrite" not in html
    html = as_carol.get(url, {"until": "2000-01-01"}).content.decode()
    assert "No changes match." in html


def test_activity_is_paginated_with_a_constant_number_of_queries(
    as_carol, two_teams, django_assert_max_num_queries
):
    plan, _ = two_teams
    for _ in range(60):
        PlanVersion.objects.create(
            plan=plan,
            team=plan.team,
            number=PlanVersion.objects.count() + 10,
            created_at=plan.created_at,
        )
    with django_assert_max_num_queries(12):
        html = as_carol.get(reverse("plans:activity")).content.decode()
    assert html.count('class="list-group-item activity-save"') == 50
    older = re.search(r'href="(\?[^"]+)">Older', html)
    assert older is not None
    rest = as_carol.get(reverse("plans:activity") + older.group(1).replace("&amp;", "&")).text
    assert rest.count('class="list-group-item activity-') == 12  # 62 in all


def test_activity_lists_review_requests_decisions_approval_and_comments(plan, alice, as_carol):
    from approvals.models import SignoffRole
    from approvals.services import request_signoff
    from tests.factories import sign_as
    from threads.services import start_thread

    plan.team.allow_self_signoff = True
    plan.team.save()
    OpenQuestion.objects.filter(plan=plan).update(resolved=True)
    role = SignoffRole.objects.create(plan=plan, name="Product Owner", assignee=alice)
    start_thread(plan=plan, user=alice, section_key="risks", body="What about `+`?")
    from threads.models import Thread
    from threads.services import resolve_thread

    resolve_thread(thread=Thread.objects.get(), user=alice)
    request_signoff(plan=plan, user=alice, label="1.0", summary="Ready")
    sign_as(role, alice)
    html = as_carol.get(reverse("plans:activity")).text
    for text in (
        "asked for sign-off on 1.0: Ready",
        "approved 1.0 as Product Owner",
        "approved by every role at version 1",
        "commented: “What about `+`?”",
        "saved version 1",
    ):
        assert text in html, text


def test_activity_interleaves_kinds_newest_first_across_pages(plan, alice, as_carol):
    """Saves and comments alternate in time: each page shows them in that order, and the next
    page goes on where the first stopped, with none shown twice or left out."""
    import datetime as dt

    from threads.models import Comment
    from threads.services import start_thread

    start = plan.created_at
    PlanVersion.objects.filter(plan=plan).update(created_at=start)
    thread = start_thread(plan=plan, user=alice, section_key="risks", body="first")
    Comment.objects.filter(thread=thread).update(created_at=start)
    expected = []
    for i in range(1, 61):
        at = start + dt.timedelta(minutes=i)
        if i % 2:
            v = PlanVersion.objects.create(plan=plan, team=plan.team, number=100 + i, created_at=at)
            expected.append(f"saved version {v.number}")
        else:
            Comment.objects.create(
                thread=thread,
                team=plan.team,
                author=alice,
                body=f"note {i}",
                version=1,
                created_at=at,
            )
            expected.append(f"commented: “note {i}”")
    expected.reverse()
    first = as_carol.get(reverse("plans:activity")).text
    older = re.search(r'href="(\?[^"]+)">Older', first)
    assert older is not None
    rest = as_carol.get(reverse("plans:activity") + older.group(1).replace("&amp;", "&")).text
    shown = re.findall(r"saved version 1\d\d|commented: “note \d+”", first + rest)
    assert shown == expected


def test_activity_quotes_a_comment_without_its_bold_marks(plan, alice, as_carol):
    from threads.services import start_thread

    start_thread(plan=plan, user=alice, section_key="risks", body="Is clock skew **really** low?")
    html = as_carol.get(reverse("plans:activity")).text
    assert "commented: “Is clock skew really low?”" in html


@pytest.mark.parametrize(
    ("name", "keys"),
    [("plans:detail", (7,)), ("plans:version", (12, 3)), ("threads:detail", (40, 1_000_000))],
)
def test_an_address_made_once_a_page_is_the_one_reverse_gives(name, keys):
    assert address_of(name, len(keys))(*keys) == reverse(name, args=keys)


def test_an_address_made_once_a_page_keeps_the_served_prefix():
    set_script_prefix("/plansign/")
    try:
        assert address_of("plans:detail")(5) == "/plansign/plans/5/"
    finally:
        set_script_prefix("/")


def test_an_event_reads_of_its_plan_only_what_it_shows(plan, alice):
    """An event names its plan and its team: the rest of the plan's row is not read."""
    from threads.services import start_thread

    start_thread(plan=plan, user=alice, section_key="risks", body="Which risk?")
    with CaptureQueriesContext(connection) as queries:
        events = feed(Plan.objects.all(), Filters(), limit=50).events
    assert {e.kind for e in events} == {"save", "comment"}
    loads = [q["sql"] for q in queries.captured_queries[key_queries() :]]
    assert loads and not any('"plans_plan"."status"' in sql for sql in loads)
    assert not any('"plans_plan"."overview"' in sql for sql in loads)
    assert all(e.plan.title == "Offline Sync" and e.plan.team == plan.team.name for e in events)
    # The people of every kind of event are read together, by key, not joined to each kind.
    people = [sql for sql in loads if 'FROM "auth_user"' in sql]
    assert len(people) == 1 and not any('JOIN "auth_user"' in sql for sql in loads)
    assert {e.who.get_full_name() for e in events} == {"Alice Author"}


def test_every_kind_of_event_keeps_its_plans_team(plan, alice):
    from approvals.models import Signoff, SignoffRole
    from approvals.services import request_signoff
    from plans.models import NamedVersion
    from tests.factories import sign_as
    from threads.models import Comment
    from threads.services import resolve_thread, start_thread

    plan.team.allow_self_signoff = True
    plan.team.save()
    OpenQuestion.objects.filter(plan=plan).update(resolved=True)
    role = SignoffRole.objects.create(plan=plan, name="Product Owner", assignee=alice)
    thread = start_thread(plan=plan, user=alice, section_key="risks", body="Which risk?")
    resolve_thread(thread=thread, user=alice)
    request_signoff(plan=plan, user=alice, label="1.0", summary="Ready")
    sign_as(role, alice)
    for model in (PlanVersion, NamedVersion, Signoff, Comment):
        assert set(model.objects.values_list("team_id", flat=True)) == {plan.team_id}, model


def test_the_dashboard_finds_its_teams_events_without_joining_their_plans(plan, two_teams, alice):
    """Each event's row holds its team: the newest events of the viewer's teams are walked in
    an index, not joined one by one to their plans."""
    events = feed(Plan.objects.all(), Filters(teams=(plan.team_id,)), limit=10).events
    assert [e.plan.title for e in events] == ["Offline Sync"]
    with CaptureQueriesContext(connection) as queries:
        _newest_keys(Plan.objects.all(), Filters(teams=(plan.team_id,)), 11)
    keys = [q["sql"] for q in queries.captured_queries]
    assert keys and not any('JOIN "plans_plan"' in sql for sql in keys)


def test_the_newest_events_of_every_kind_are_read_in_one_query_where_the_database_can(plan):
    with CaptureQueriesContext(connection) as queries:
        _newest_keys(Plan.objects.all(), Filters(), 11)
    assert len(queries.captured_queries) == key_queries()


def test_events_of_one_moment_come_in_the_order_of_their_kinds_newest_key_first(plan, alice):
    """The order the next page's `skip` counts on: the same on either database."""
    from threads.models import Comment
    from threads.services import start_thread

    at = plan.created_at
    thread = start_thread(plan=plan, user=alice, section_key="risks", body="first")
    Comment.objects.filter(thread=thread).update(created_at=at)
    PlanVersion.objects.filter(plan=plan).update(created_at=at)
    for number in (2, 3):
        PlanVersion.objects.create(plan=plan, team=plan.team, number=number, created_at=at)
    keys = _newest_keys(Plan.objects.all(), Filters(), 11)
    saves = sorted(PlanVersion.objects.values_list("pk", flat=True), reverse=True)
    comment = Comment.objects.get().pk
    comments_kind = next(i for i, s in enumerate(SOURCES) if s.events.__name__ == "_comment_events")
    assert [(kind, key) for _, kind, key in keys] == [
        *((0, pk) for pk in saves),
        (comments_kind, comment),
    ]


def test_the_kept_union_keeps_no_ones_access(plan, alice, carol):
    """The newest keys' compiled SQL is kept per process (activity._union_sql): who may see a
    team's plans is read each time it runs, not kept with it."""
    from plans.models import Membership

    def keys(user):
        return _newest_keys(Plan.objects.visible_to(user), Filters(), 11)

    seen = keys(alice)
    assert seen and keys(alice) == seen  # the second time from the kept SQL
    membership = Membership.objects.get(user=alice, team=plan.team)
    membership.delete()
    assert keys(alice) == []
    assert keys(carol) == seen  # a manager's
    Membership.objects.create(user=alice, team=plan.team, role=membership.role)
    assert keys(alice) == seen


def test_the_kept_union_is_kept_by_its_filters(plan, alice, bob):
    """Another filter, another page (before, skip), another count: each its own SQL."""
    mine = Filters(person="alice")
    theirs = Filters(person="bob")
    everyone = _newest_keys(Plan.objects.all(), Filters(), 50)
    assert _newest_keys(Plan.objects.all(), mine, 50) == everyone  # alice saved them all
    assert _newest_keys(Plan.objects.all(), theirs, 50) == []
    assert _newest_keys(Plan.objects.all(), Filters(), 1) == everyone[:1]
    before_all = Filters(before=everyone[-1][0] - dt.timedelta(microseconds=1))
    assert _newest_keys(Plan.objects.all(), before_all, 50) == []


@pytest.mark.skipif(
    not connection.features.supports_slicing_ordering_in_compound,
    reason="SQLite reads one query a kind and keeps no union",
)
def test_the_kept_unions_are_bounded_however_many_filters_are_typed(plan, monkeypatch):
    """A person filter is free text: each distinct one is its own SQL, and the process keeps
    at most _UNIONS_KEPT of them before it starts again."""
    from plans import activity

    monkeypatch.setattr(activity, "_UNIONS", {})
    monkeypatch.setattr(activity, "_UNIONS_KEPT", 3)
    for i in range(10):
        assert _newest_keys(Plan.objects.all(), Filters(person=f"nobody{i}"), 11) == []
        assert len(activity._UNIONS) <= 3
