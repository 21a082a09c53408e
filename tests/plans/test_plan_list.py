from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone

from plans.models import Plan
from plans.views import BoundedCountPaginator
from tests.factories import make_plan, make_team


def test_it_lists_title_team_status_author_and_last_change(as_alice, plan):
    html = as_alice.get(reverse("plans:list")).content.decode()
    assert "Offline Sync" in html
    assert '<td data-label="Team">Payments</td>' in html
    assert "Draft" in html
    assert "Alice Author" in html
    assert "just now</time>" in html
    # The moment itself on hover, as the activity and the history write it.
    at = timezone.localtime(plan.updated_at)
    assert f'<time datetime="{at.isoformat()}" title="{at:%Y-%m-%d %H:%M}">just now' in html


def test_it_searches_titles(as_alice, team, alice):
    make_plan(team, alice, title="Dark Mode")
    make_plan(team, alice, title="Offline Sync")
    html = as_alice.get(reverse("plans:list"), {"q": "dark"}).content.decode()
    assert "Dark Mode" in html and "Offline Sync" not in html


def test_it_hides_archived_plans_unless_asked(as_alice, team, alice):
    archived = make_plan(team, alice, title="Old Idea")
    Plan.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    assert "Old Idea" not in as_alice.get(reverse("plans:list")).content.decode()
    html = as_alice.get(reverse("plans:list"), {"archived": "1"}).content.decode()
    assert "Old Idea" in html


def test_it_paginates(as_alice, team, alice):
    for i in range(30):
        make_plan(team, alice, title=f"Plan {i:02}", rows=0)
    html = as_alice.get(reverse("plans:list")).content.decode()
    assert "Page 1 of 2" in html


def test_it_runs_a_constant_number_of_queries(as_alice, team, alice, django_assert_max_num_queries):
    for i in range(20):
        make_plan(team, alice, title=f"Plan {i:02}", rows=0)
    with django_assert_max_num_queries(12):
        response = as_alice.get(reverse("plans:list"))
    assert response.content.decode().count("Plan ") >= 20


def test_the_dashboard_shows_my_drafts_and_recent_plans(as_alice, plan):
    html = as_alice.get("/").content.decode()
    assert "Your drafts" in html and "Offline Sync" in html


def test_the_dashboard_says_when_there_are_more_drafts_than_it_shows(as_alice, team, alice):
    for i in range(11):
        make_plan(team, alice, title=f"Draft {i:02}", rows=0)
    html = as_alice.get("/").content.decode()
    drafts = html.split('id="drafts-h"')[1].split("</section>")[0]
    assert '<span class="badge text-bg-secondary">10+</span>' in drafts
    assert drafts.count("Draft ") == 10 and "Draft 00" not in drafts  # the newest ten
    assert f'href="{reverse("plans:list")}?author=alice&amp;sort=status">All your plans' in drafts
    listed = as_alice.get(reverse("plans:list"), {"author": "alice", "sort": "status"}).text
    assert all(f"Draft {i:02}" in listed for i in range(11))  # the link finds them all


def test_the_dashboard_lists_drafts_and_plans_in_review_apart_the_newest_ten_of_each(
    as_alice, team, alice
):
    for i in range(11):
        make_plan(team, alice, title=f"Draft {i:02}", rows=0)
    for i in range(12):
        Plan.objects.filter(pk=make_plan(team, alice, title=f"Review {i:02}", rows=0).pk).update(
            status=Plan.Status.IN_REVIEW
        )
    asked = make_plan(team, alice, title="Asked to change", rows=0)
    Plan.objects.filter(pk=asked.pk).update(status=Plan.Status.CHANGES_REQUESTED)
    make_plan(make_team("Other team"), alice, title="Elsewhere", rows=0)  # alice is not in it
    html = as_alice.get("/").text
    drafts = html.split('id="drafts-h"')[1].split("</section>")[0]
    in_review = html.split('id="review-h"')[1].split("</section>")[0]
    assert drafts.count("Draft ") == 9 and "Asked to change" in drafts and "Review" not in drafts
    assert in_review.count("Review ") == 10 and "Draft" not in in_review
    assert "Review 00" not in in_review and "Review 01" not in in_review  # the newest ten
    assert "10+" in drafts and "10+" in in_review and "Elsewhere" not in html


def test_the_dashboard_counts_the_drafts_it_shows_all_of(as_alice, plan):
    drafts = as_alice.get("/").content.decode().split('id="drafts-h"')[1].split("</section>")[0]
    assert '<span class="badge text-bg-secondary">1</span>' in drafts
    assert "All your plans" not in drafts


def test_the_dashboard_tells_an_outsider_why_it_is_empty(as_mallory, plan):
    html = as_mallory.get("/").content.decode()
    assert "not in any team" in html and "Offline Sync" not in html


def test_the_dashboard_shows_four_lists_in_a_constant_number_of_queries(
    as_alice, team, alice, django_assert_max_num_queries
):
    for i in range(15):
        make_plan(team, alice, title=f"Plan {i:02}", rows=0)
    # the recent list reads each kind of event with a query of its own (plans.activity)
    with django_assert_max_num_queries(14):
        html = as_alice.get("/").content.decode()
    for heading in (
        "Sign-offs waiting for you",
        "Your plans waiting for sign-off",
        "Your drafts",
        "Recently changed in your teams",
    ):
        assert heading in html
    assert html.count("<strong>Alice Author</strong> saved version 1") == 10


def test_the_count_and_pages_come_with_the_rows(as_carol, team, alice):
    for i in range(30):
        make_plan(team, alice, title=f"Plan {i:02}")

    first = as_carol.get("/plans/?sort=title").text
    second = as_carol.get("/plans/?sort=title&page=2").text
    beyond = as_carol.get("/plans/?sort=title&page=9").text

    assert "30 plans" in first and "Page 1 of 2" in first
    assert "Plan 24" in first and "Plan 25" not in first
    assert "Plan 25" in second and "Plan 29" in second and "Page 2 of 2" in second
    assert "Plan 29" in beyond  # past the last page: the last page


def test_search_results_are_counted_and_paged(as_carol, team, alice):
    for i in range(30):
        make_plan(team, alice, title=f"Quasar plan {i:02}", rows=0)
    make_plan(team, alice, title="Dark Mode", rows=0)

    first = as_carol.get("/plans/?q=quasar&sort=title").text
    second = as_carol.get("/plans/?q=quasar&sort=title&page=2").text

    assert "30 plans" in first and "Page 1 of 2" in first and "Dark Mode" not in first
    assert "Quasar plan 29" in second and "Page 2 of 2" in second


def test_a_search_runs_a_constant_number_of_queries(
    as_alice, team, alice, django_assert_max_num_queries
):
    for i in range(20):
        make_plan(team, alice, title=f"Quasar plan {i:02}", rows=0)
    with django_assert_max_num_queries(12):
        response = as_alice.get(reverse("plans:list"), {"q": "quasar"})
    assert response.text.count("Quasar plan ") >= 20


def test_a_long_list_is_counted_only_so_far_past_the_page(as_carol, team, alice, monkeypatch):
    # At a company's size the list counts 250 plans past the page, not every plan.
    monkeypatch.setattr(BoundedCountPaginator, "COUNT_AHEAD", 5)
    for i in range(40):
        make_plan(team, alice, title=f"Plan {i:02}", rows=0)

    first = as_carol.get("/plans/?sort=title").text
    second = as_carol.get("/plans/?sort=title&page=2").text
    beyond = as_carol.get("/plans/?sort=title&page=200").text

    assert "More than 30 plans" in first and "Page 1 of more than 2" in first
    assert 'page=2">Next' in first
    assert "40 plans" in second and "Page 2 of 2" in second and "Plan 39" in second
    assert "Plan 39" in beyond and "Page 2 of 2" in beyond  # past the last page: the last


def test_far_pages_are_counted_by_the_walk_that_finds_them(
    as_carol, team, alice, monkeypatch, django_assert_max_num_queries
):
    # Past the first pages the keys are walked to the page and COUNT_AHEAD beyond: that walk
    # is the count, with no COUNT query of its own.
    monkeypatch.setattr(BoundedCountPaginator, "COUNT_AHEAD", 5)
    monkeypatch.setattr("plans.views.PLANS_PER_PAGE", 2)
    for i in range(40):
        make_plan(team, alice, title=f"Plan {i:02}", rows=0)

    middle = as_carol.get("/plans/?sort=title&page=6").text
    with django_assert_max_num_queries(6):  # session, user, teams, mates, keys, rows
        last = as_carol.get("/plans/?sort=title&page=20").text

    assert "Plan 10" in middle and "Plan 11" in middle and "Plan 12" not in middle
    assert "More than 17 plans" in middle and "Page 6 of more than 9" in middle
    assert "Plan 38" in last and "Plan 39" in last
    assert "40 plans" in last and "Page 20 of 20" in last


def test_a_common_word_ranks_only_the_most_recent_matches_and_says_so(
    as_carol, team, alice, monkeypatch
):
    # Ranking reads every match: at a company's size a common word ranks only recent ones.
    monkeypatch.setattr("plans.search.RANKED_AT_MOST", 3)
    for i in range(5):
        make_plan(team, alice, title=f"Quasar plan {i}", rows=0)

    ranked = as_carol.get("/plans/?q=quasar").text
    by_change = as_carol.get("/plans/?q=quasar&sort=changed").text

    assert "The best matches among 3 plans that match: the most recently changed" in ranked
    assert "Quasar plan 4" in ranked and "Quasar plan 1" not in ranked
    assert "5 plans" in by_change and "Quasar plan 0" in by_change
    assert "The best matches" not in by_change


def titles_in(html: str) -> list[str]:
    return re.findall(r'class="fw-semibold">([^<]+)</a>', html)


def test_an_older_plan_holding_every_word_is_ranked_before_newer_plans_holding_one(
    as_carol, team, alice, monkeypatch
):
    # More newer plans hold one of the words than are ranked: the plans holding every word
    # are ranked first, however old, then the newest of the rest.
    monkeypatch.setattr("plans.search.RANKED_AT_MOST", 3)
    make_plan(team, alice, title="Quasar drift log", rows=0)
    make_plan(team, alice, title="Drifting quasars", rows=0)
    for i in range(4):
        make_plan(team, alice, title=f"Quasar plan {i}", rows=0)
    make_plan(team, alice, title="Drift plan", rows=0)

    ranked = titles_in(as_carol.get("/plans/?q=quasar+drift").text)

    assert sorted(ranked[:2]) == ["Drifting quasars", "Quasar drift log"]  # every word first
    assert ranked[2:] == ["Drift plan"]  # then the newest plan holding one word
    assert "The best matches among 3 plans that match" in (
        as_carol.get("/plans/?q=quasar+drift").text
    )


def test_the_rest_of_a_search_are_the_newest_plans_holding_any_word_each_once(
    as_carol, team, alice, monkeypatch
):
    # Asked word by word on PostgreSQL (a UNION of one slice a word): a plan holding two of
    # the words is one of the rest, once, and an older one is left out.
    monkeypatch.setattr("plans.search.RANKED_AT_MOST", 3)
    make_plan(team, alice, title="Quasar drift nebula", rows=0)
    make_plan(team, alice, title="Old drift", rows=0)
    make_plan(team, alice, title="Nebula", rows=0)
    make_plan(team, alice, title="Quasar drift", rows=0)  # the newest, found by two words

    ranked = titles_in(as_carol.get("/plans/?q=quasar+drift+nebula").text)

    assert ranked[0] == "Quasar drift nebula"  # every word
    assert sorted(ranked[1:]) == ["Nebula", "Quasar drift"]  # the newest two of the rest


def test_a_search_of_several_words_counts_its_matches_on_every_page(
    as_carol, team, alice, monkeypatch
):
    # Several words' ranked keys are read first and counted there, not by a window.
    monkeypatch.setattr("plans.views.PLANS_PER_PAGE", 2)
    for i in range(4):
        make_plan(team, alice, title=f"Quasar drift {i}", rows=0)
    make_plan(team, alice, title="Quasar alone", rows=0)
    make_plan(team, alice, title="Unrelated", rows=0)

    first = as_carol.get("/plans/?q=quasar+drift").text
    last = as_carol.get("/plans/?q=quasar+drift&page=3").text

    assert "5 plans" in first and "Page 1 of 3" in first
    assert titles_in(first)[0].startswith("Quasar drift")
    assert "5 plans" in last and "Page 3 of 3" in last
    assert titles_in(last) == ["Quasar alone"]  # holding one word: ranked last


def test_a_far_page_shows_the_same_rows_as_an_offset_would(
    as_carol, team, alice, monkeypatch, django_assert_max_num_queries
):
    # Past the first pages the offset is walked over the plans' keys alone (an index's).
    monkeypatch.setattr("plans.views.PLANS_PER_PAGE", 2)
    for i in range(12):
        make_plan(team, alice, title=f"Plan {i:02}", rows=0)

    near = as_carol.get("/plans/?sort=title&page=4").text
    with django_assert_max_num_queries(12):
        far = as_carol.get("/plans/?sort=title&page=5").text
    last = as_carol.get("/plans/?sort=title&page=6").text

    assert "Plan 06" in near and "Plan 07" in near and "Plan 08" not in near
    assert "Plan 08" in far and "Plan 09" in far and "Plan 07" not in far
    assert "Plan 10" not in far
    assert "Plan 10" in last and "Plan 11" in last and "Page 6 of 6" in last


def test_each_row_counts_the_sections_written_as_the_plan_was_saved(as_alice, team, alice):
    make_plan(team, alice, title="Full Plan")
    make_plan(team, alice, title="Sparse Plan", rows=0, overview="", architecture="")

    html = as_alice.get(reverse("plans:list")).text
    full = html.split("Full Plan")[1].split("</tr>")[0]
    sparse = html.split("Sparse Plan")[1].split("</tr>")[0]

    assert 'title="15 of 15 sections written">15/15</span>' in full
    # Sparse: no rows in any row section, no overview, no architecture.
    written = Plan.objects.get(title="Sparse Plan").sections_written
    assert 0 < written < 15
    assert f'title="{written} of 15 sections written">{written}/15</span>' in sparse


def test_plans_saved_before_the_count_was_kept_are_counted_by_the_migration(team, alice):
    import importlib
    from types import SimpleNamespace

    from django.db import connection

    migration = importlib.import_module("plans.migrations.0024_plans_count_their_written_sections")
    make_plan(team, alice, title="Full Plan")
    make_plan(team, alice, title="Sparse Plan", rows=0, overview="", architecture="")
    counted = dict(Plan.objects.values_list("title", "sections_written"))
    Plan.objects.update(sections_written=0)

    # The migration's own SQL on this database (SQLite's schema editor cannot open inside a
    # test's transaction: the statement is run as the editor would run it).
    with connection.cursor() as cursor:
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        migration.count_written_sections(None, editor)

    assert dict(Plan.objects.values_list("title", "sections_written")) == counted
    assert counted["Full Plan"] == 15 and 0 < counted["Sparse Plan"] < 15


def test_a_member_of_several_teams_lists_exactly_the_plans_they_may_read(client, alice):
    from tests.factories import make_team

    ours, theirs, hidden = (
        make_team("Payments", alice="editor"),
        make_team("Search", alice="viewer"),
        make_team("Billing"),
    )
    for team in (ours, theirs, hidden):
        make_plan(team, alice, title=f"{team.name} roadmap", rows=0)
    client.force_login(alice)

    listed = client.get(reverse("plans:list")).text

    assert "Payments roadmap" in listed and "Search roadmap" in listed
    assert "Billing roadmap" not in listed and "2 plans" in listed
    # A team of someone else's is no filter a member may choose.
    refused = client.get(reverse("plans:list"), {"team": hidden.pk}).text
    assert "Billing roadmap" not in refused and "Some filters were not understood" in refused
    # Removed from a team, its plans are gone from their very next list.
    theirs.memberships.filter(user=alice).delete()
    after = client.get(reverse("plans:list")).text
    assert "Payments roadmap" in after and "Search roadmap" not in after and "1 plan" in after


def test_a_search_with_a_filter_not_understood_quotes_nothing_and_reads_no_plan_again(
    as_alice, team, alice, django_assert_max_num_queries
):
    for i in range(10):
        make_plan(team, alice, title=f"Quasar plan {i}", rows=0)
    with django_assert_max_num_queries(8):
        html = as_alice.get(reverse("plans:list"), {"q": "quasar", "since": "yesterday"}).text
    assert "Some filters were not understood" in html
    assert html.count("Quasar plan ") == 10 and "search-hit" not in html


def test_a_first_page_is_counted_by_the_statement_that_reads_it(
    as_carol, team, alice, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(BoundedCountPaginator, "COUNT_AHEAD", 5)
    for i in range(40):
        make_plan(team, alice, title=f"Plan {i:02}", rows=0)

    as_carol.get("/plans/")  # the people suggestions are kept a minute
    with django_assert_max_num_queries(4):  # session, user, teams, rows with their count
        first = as_carol.get("/plans/?sort=title").text
    none = as_carol.get("/plans/?sort=title&q=nothingmatches").text

    assert "More than 30 plans" in first and "Page 1 of more than 2" in first
    assert "No plan matches" in none
