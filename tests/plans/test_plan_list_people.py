"""The plan list's author and lead filters: a typed user name, not a select of every person."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import make_plan, make_team, make_user


def test_it_filters_by_a_typed_author_user_name(as_alice, team, alice, bob):
    make_plan(team, alice, title="Offline Sync")
    make_plan(team, bob, title="Dark Mode")

    html = as_alice.get(reverse("plans:list"), {"author": "bob"}).text

    assert "Dark Mode" in html and "Offline Sync" not in html
    assert 'value="bob"' in html  # the input keeps what was typed


def test_it_says_when_no_one_has_the_typed_user_name(as_alice, plan):
    html = as_alice.get(reverse("plans:list"), {"author": "nobody"}).text

    assert "No one in your teams has the user name “nobody”." in html


def test_it_does_not_find_people_outside_the_viewers_teams(as_alice, team, alice):
    olga = make_user("olga")
    make_plan(make_team("Elsewhere", olga="editor"), olga, title="Secret")

    html = as_alice.get(reverse("plans:list"), {"author": "olga"}).text

    assert "No one in your teams has the user name “olga”." in html and "Secret" not in html


def test_the_people_inputs_are_text_inputs_suggesting_team_mates_only(as_alice, plan, bob):
    make_user("olga", first_name="Olga", last_name="Outside")

    html = as_alice.get(reverse("plans:list")).text

    assert '<input type="text" name="author"' in html and 'list="people"' in html
    assert '<option value="bob">Bob Lead</option>' in html
    assert "olga" not in html
    assert "<select" in html and 'name="author"' not in html.split("<select", 1)[1][:40]


def test_a_person_filter_runs_a_constant_number_of_queries(
    as_alice, team, alice, bob, django_assert_max_num_queries
):
    for i in range(20):
        make_plan(team, bob, title=f"Plan {i:02}", rows=0)
        make_user(f"person{i:02}")
    with django_assert_max_num_queries(13):
        response = as_alice.get(reverse("plans:list"), {"author": "bob"})
    assert response.text.count("Plan ") >= 20


def test_an_address_made_with_a_persons_id_still_filters_by_them(as_alice, team, alice, bob):
    make_plan(team, alice, title="Offline Sync")
    make_plan(team, bob, title="Dark Mode")

    html = as_alice.get(reverse("plans:list"), {"author": str(bob.pk)}).text

    assert "Dark Mode" in html and "Offline Sync" not in html


def test_an_id_of_someone_outside_the_viewers_teams_finds_no_one(as_alice, team, alice):
    olga = make_user("olga")
    make_plan(make_team("Elsewhere", olga="editor"), olga, title="Secret")

    html = as_alice.get(reverse("plans:list"), {"author": str(olga.pk)}).text

    assert "Secret" not in html and "No one in your teams has the user name" in html
