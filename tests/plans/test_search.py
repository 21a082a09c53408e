"""Search and filters of the plan list; the same cases run on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from approvals.services import assign_roles, request_signoff
from plans.models import Plan, Risk
from plans.search import SEARCHED, search_plans
from plans.sections import EDITABLE_KEYS
from tests.factories import make_plan, make_team, make_user, sign_as
from tests.plans.editing import edit_url, form_data


@pytest.fixture
def library(team, alice):
    skew = make_plan(team, alice, title="Offline Sync")
    Risk.objects.filter(plan=skew).update(risk="Clock skew between devices")
    _reindex(skew)
    clock = make_plan(team, alice, title="Audit Export", overview="A clock on the wall.")
    other = make_plan(team, alice, title="Dark Mode", overview="Colours.")
    return skew, clock, other


def _reindex(plan):
    from plans.content import PlanContent
    from plans.sections import SECTIONS

    plan.index_sections(PlanContent.from_plan(plan), [s for s in SECTIONS if s.editable])
    plan.save(update_fields=[*Plan.SEARCH_FIELDS, "sections_written"])


def titles(html: str) -> list[str]:
    return re.findall(r'class="fw-semibold">([^<]+)</a>', html)


def test_a_phrase_in_a_risk_ranks_above_plans_with_only_one_of_its_words(library):
    found = list(search_plans(Plan.objects.all(), "clock skew").order_by("-rank", "pk"))
    assert [p.title for p in found] == ["Offline Sync", "Audit Export"]


def test_search_reaches_every_section_and_row(library, as_alice):
    skew, _, _ = library
    data = {**form_data(skew, "phases"), "phases-0-tasks-0-text": "Calibrate the flux capacitor"}
    as_alice.post(edit_url(skew, "phases"), data, HTTP_HX_REQUEST="true")
    html = as_alice.get(reverse("plans:list"), {"q": "capacitor"}).content.decode()
    assert titles(html) == ["Offline Sync"]


def test_search_finds_words_in_the_title(library, as_alice):
    assert titles(as_alice.get(reverse("plans:list"), {"q": "dark"}).content.decode()) == [
        "Dark Mode"
    ]


def test_a_query_with_no_words_lists_everything(library, as_alice):
    assert len(titles(as_alice.get(reverse("plans:list"), {"q": "!!!"}).content.decode())) == 3


def test_search_never_shows_plans_the_user_may_not_see(library, as_alice):
    olga = make_user("olga")
    make_plan(make_team("Search", olga="editor"), olga, title="Secret clock skew")
    html = as_alice.get(reverse("plans:list"), {"q": "clock skew"}).content.decode()
    assert "Secret" not in html


def test_filters_by_team_status_author_and_change_date(library, as_carol, alice):
    olga = make_user("olga")
    make_plan(make_team("Search", olga="editor"), olga, title="Query Rewrite")
    url = reverse("plans:list")
    assert titles(as_carol.get(url, {"author": "olga"}).content.decode()) == ["Query Rewrite"]
    team = Plan.objects.get(title="Query Rewrite").team_id
    assert titles(as_carol.get(url, {"team": team}).content.decode()) == ["Query Rewrite"]
    assert titles(as_carol.get(url, {"status": "approved"}).content.decode()) == []
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    assert titles(as_carol.get(url, {"since": tomorrow}).content.decode()) == []


def test_filters_by_lead_and_stale_sign_offs(library, as_alice, alice, team):
    from plans.models import Membership

    skew = library[0]
    bob = make_user("bob")
    Membership.objects.create(team=team, user=bob, role="editor")
    Plan.objects.filter(pk=skew.pk).update()
    from plans.models import OpenQuestion

    OpenQuestion.objects.filter(plan=skew).update(resolved=True)
    assign_roles(plan=skew, user=alice, assignments=[("QA Lead", bob), ("Product Owner", bob)])
    request_signoff(plan=skew, user=alice)
    role = skew.signoff_roles.get(name="QA Lead")
    sign_as(role, bob, read_version=1)
    url = reverse("plans:list")
    assert titles(as_alice.get(url, {"lead": "bob"}).content.decode()) == ["Offline Sync"]
    assert titles(as_alice.get(url, {"stale": "on"}).content.decode()) == []
    skew.refresh_from_db()
    as_alice.post(
        edit_url(skew, "overview"),
        {**form_data(skew, "overview"), "overview": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert titles(as_alice.get(url, {"stale": "on"}).content.decode()) == ["Offline Sync"]


def test_sorting_and_the_address_carries_the_state(library, as_alice):
    html = as_alice.get(reverse("plans:list"), {"sort": "title"}).content.decode()
    assert titles(html) == ["Audit Export", "Dark Mode", "Offline Sync"]
    assert 'value="title" selected' in html


def test_htmx_updates_only_the_results(library, as_alice):
    html = as_alice.get(
        reverse("plans:list"), {"q": "clock"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in html and "plan-filters" not in html
    assert titles(html) == ["Offline Sync", "Audit Export"] or titles(html) == [
        "Audit Export",
        "Offline Sync",
    ]


def test_the_list_shows_completeness(library, as_alice):
    html = as_alice.get(reverse("plans:list")).content.decode()
    assert 'title="15 of 15 sections written">15/15</span>' in html


def test_bad_filter_values_are_ignored_with_a_message_not_a_500(library, as_alice):
    response = as_alice.get(
        reverse("plans:list"), {"team": "x", "since": "yesterday", "sort": "evil"}
    )
    assert response.status_code == 200
    assert "Some filters were not understood" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage setting")
def test_search_vectors_are_kept_in_the_plan_row_on_postgresql(db):
    """A search ranks every matching plan; fetching each vector from TOAST two or three times
    cost more than the ranking (bench/search.py), so the column's storage is MAIN."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'plans_plan'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == ("m",)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_the_planner_samples_enough_words_to_know_an_unknown_word_is_rare(db):
    """With the default sample, two words no plan holds were estimated to match 2,000 plans
    of 100,000, and PostgreSQL walked every plan to find none (339 ms, bench/scale.py's "no
    match" search): the column samples ten times the words (migration 0027). A migration that
    rebuilds the column would drop the setting silently."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'plans_plan'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == (1000,)


def test_a_saved_word_is_found_at_once_the_save_writing_the_plan_row_once(team, alice, as_alice):
    from django.test.utils import CaptureQueriesContext

    plan = make_plan(team, alice, title="Quiet plan")
    data = form_data(plan, "overview") | {"overview": "Now about zeppelins."}
    with CaptureQueriesContext(connection) as queries:
        assert as_alice.post(edit_url(plan, "overview"), data).status_code == 302
    writes = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "plans_plan"')]
    assert len(writes) == 1  # the search text and its parsed vector go with the save
    assert [p.title for p in search_plans(Plan.objects.all(), "zeppelin")] == ["Quiet plan"]


# Partial words and where a result matched ---------------------------------------------------


def test_a_partial_word_finds_the_whole_word(library, as_alice):
    skew = library[0]
    Risk.objects.filter(plan=skew).update(mitigation="A mitigation nobody tried yet")
    _reindex(skew)
    html = as_alice.get(reverse("plans:list"), {"q": "mitigat"}).content.decode()
    assert "Offline Sync" in titles(html)


def test_a_result_says_which_section_matched_and_marks_the_words(library, as_alice):
    html = as_alice.get(reverse("plans:list"), {"q": "clock ske"}).content.decode()
    hits = re.findall(r'<p class="search-hit">(.*?)</p>', html, re.S)
    assert len(hits) == 2
    skew_hit = next(hit for hit in hits if "<mark>skew</mark>" in hit)
    assert "Risks and Mitigations</span>" in skew_hit
    assert "<mark>Clock</mark> <mark>skew</mark> between devices" in skew_hit


def test_a_snippet_is_text_never_markup(team, alice, as_alice):
    plan = make_plan(team, alice, title="Hostile", overview="A <script>alert(1)</script> probe")
    _reindex(plan)
    html = as_alice.get(reverse("plans:list"), {"q": "probe"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>probe</mark>" in html


def test_search_box_operators_reach_no_query_syntax(library, as_alice):
    for query in ["clock & | ! :* ( ) ' skew", "clock:*A", "'\\\\", "x" * 500]:
        response = as_alice.get(reverse("plans:list"), {"q": query[:200]})
        assert response.status_code == 200, query


def test_many_words_stop_words_and_letters_are_asked_word_by_word_without_an_error(
    library, as_alice
):
    # Each word is a query of its own among the rest (a stop word's is empty on PostgreSQL).
    for query, shown in [
        ("the of and to in is it for on at", None),
        ("a b c d e f g h i j k l", None),
        ("xylophone quokka zzzqqq blorft quizzle frumpet glorbix snazzle wibbler crumpux", False),
        ("the clock skew", True),
    ]:
        response = as_alice.get(reverse("plans:list"), {"q": query})
        assert response.status_code == 200, query
        if shown is not None:
            assert ("Offline Sync" in titles(response.content.decode())) is shown, query


def test_a_long_section_is_quoted_around_its_match_not_whole(team, alice):
    from plans.search import SNIPPET_CHARS, snippets_for

    text = "filler " * 2000 + "the needle is here " + "filler " * 2000
    hit = snippets_for("needle")({"overview": text})
    assert hit is not None and hit.section == "Overview"
    assert "<mark>needle</mark>" in hit.html
    assert len(hit.html) < SNIPPET_CHARS + 40


# A long plan's vector -------------------------------------------------------------------------


def _long_text() -> str:
    """The real corpus over and over (every language, tables, HTML), past the vector's last
    position, and words and tags met only in the tail."""
    from pathlib import Path

    corpus = "\n".join(p.read_text() for p in sorted(Path("tests/fixtures/real").glob("*.md"))[:12])
    tail = " ".join(f"<b>tailword{i}</b> sign-off &amp; <Pick /> zebra{i % 7}" for i in range(3000))
    return corpus * 4 + tail


def test_a_long_text_is_parsed_as_its_distinct_words_past_the_last_position():
    from plans.search import vector_text

    text = _long_text()
    short = vector_text(text)
    assert len(short) < len(text) * 0.6
    assert "tailword2999" in short and short.count("sign-off") < text.count("sign-off")
    assert vector_text("A short plan. " * 100) == "A short plan. " * 100


def test_a_text_is_cut_only_past_the_last_position_whatever_its_tags():
    from plans.search import VECTOR_POSITIONS, vector_text

    at_limit = " ".join(f"<i>w{i}</i>" for i in range(VECTOR_POSITIONS))
    assert vector_text(at_limit + " <b>") == at_limit + " <b>"
    past = at_limit + " w1 w1 w2"
    assert vector_text(past) == at_limit + " w1 w2"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search vector")
def test_a_long_plans_vector_is_the_one_its_whole_text_gives(db):
    from plans.search import vector_text

    text = _long_text()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('english', %s) = to_tsvector('english', %s)",
            [text, vector_text(text)],
        )
        assert cursor.fetchone() == (True,)


def test_a_save_keeps_every_other_sections_words_and_forgets_its_own_old_ones(
    team, alice, as_alice
):
    plan = make_plan(team, alice, title="Kept words", overview="About quokkas.")
    Risk.objects.filter(plan=plan).update(risk="Clock skew between devices")
    _reindex(plan)
    for goal in ("Marmoset sightings", "Xylophone lessons"):
        data = form_data(plan, "goals") | {"goals-0-text": goal}
        assert as_alice.post(edit_url(plan, "goals"), data).status_code == 302

    def found(query: str) -> list[str]:
        return [p.title for p in search_plans(Plan.objects.all(), query)]

    assert found("quokka") == found("xylophone") == found("clock skew") == ["Kept words"]
    assert found("marmoset") == []
    data = form_data(plan, "overview") | {"title": "Renamed words"}
    assert as_alice.post(edit_url(plan, "overview"), data).status_code == 302
    assert found("renamed") == found("quokka") == found("xylophone") == ["Renamed words"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search vectors")
def test_a_save_parses_the_sections_it_writes_and_joins_the_others_kept_vectors(
    team, alice, as_alice
):
    plan = make_plan(team, alice, title="Parsed once")
    goals = SEARCHED.index("goals") + 1
    with connection.cursor() as cursor:  # a word no goal holds, in the goals' kept vector
        cursor.execute(
            f"UPDATE plans_plan SET section_vectors[{goals}] = 'sentinel'::tsvector WHERE id = %s",
            [plan.pk],
        )
    sentinel = SearchQuery("sentinel", config="english")

    def holding() -> list[Plan]:
        return list(Plan.objects.filter(search_vector=sentinel))

    data = form_data(plan, "risks") | {"risks-0-risk": "Clock skew"}
    assert as_alice.post(edit_url(plan, "risks"), data).status_code == 302
    assert holding() == [plan]  # the goals were not parsed again: their vector was kept
    data = form_data(plan, "goals") | {"goals-0-text": "Fewer outages"}
    assert as_alice.post(edit_url(plan, "goals"), data).status_code == 302
    assert holding() == []
    with connection.cursor() as cursor:  # what the save joined holds what its texts hold
        cursor.execute(
            "SELECT strip(search_vector) = strip(to_tsvector('english', %s)),"
            " array_length(section_vectors, 1)"
            " FROM plans_plan WHERE id = %s",
            ["\n".join(_texts(plan)), plan.pk],
        )
        assert cursor.fetchone() == (True, len(SEARCHED))


def _texts(plan: Plan) -> list[str]:
    plan.refresh_from_db()
    sections = plan.search_sections | {"notes": plan.additional_notes}
    return [sections.get(key) or "" for key in SEARCHED]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search vectors")
def test_plans_saved_before_sections_kept_vectors_are_parsed_by_the_migration(
    team, alice, monkeypatch
):
    import importlib
    from types import SimpleNamespace

    migration = importlib.import_module("plans.migrations.0026_plans_parse_each_sections_words")
    monkeypatch.setattr(migration, "BATCH", 2)  # three plans: every batch's bounds are crossed
    plan = make_plan(team, alice, title="Older plan", additional_notes="Zeppelin notes.")
    Risk.objects.filter(plan=plan).update(risk="Clock skew between devices")
    _reindex(plan)
    for title in ("Second plan", "Third plan"):
        make_plan(team, alice, title=title)
    Plan.objects.update(section_vectors=None, search_vector=None, search_text="old copy")

    with connection.cursor() as cursor:
        migration.parse_each_section(
            None, SimpleNamespace(connection=connection, execute=cursor.execute)
        )
        cursor.execute(
            "SELECT section_vectors[%s] = to_tsvector('english', %s) FROM plans_plan WHERE id = %s",
            [SEARCHED.index("risks") + 1, _texts(plan)[SEARCHED.index("risks")], plan.pk],
        )
        assert cursor.fetchone() == (True,)
    for word in ("older", "skew", "zeppelin", "outages"):
        assert [p.title for p in search_plans(Plan.objects.all(), word)] == (
            ["Older plan"] if word != "outages" else []
        )
    found = [p.title for p in search_plans(Plan.objects.all(), "plan").order_by("pk")]
    assert found == ["Older plan", "Second plan", "Third plan"]
    assert set(Plan.objects.values_list("search_text", flat=True)) == {""}


def test_a_new_plan_saved_again_as_it_was_created_is_still_found(team, alice):
    plan = make_plan(team, alice, title="Created then saved")
    plan.save()  # the object create_plan returned: its vector is the row's, not None
    assert [p.title for p in search_plans(Plan.objects.all(), "created")] == ["Created then saved"]


def test_each_searched_texts_vector_keeps_its_place_in_every_plans_vectors(db):
    import importlib

    migration = importlib.import_module("plans.migrations.0026_plans_parse_each_sections_words")
    # What a plan's vectors were written in stays their order: a new section's text goes last.
    assert SEARCHED[: len(migration.SEARCHED)] == migration.SEARCHED
    assert set(SEARCHED) == {"title", *EDITABLE_KEYS, "notes"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search vectors")
@pytest.mark.parametrize(
    "kept",
    ["section_vectors = NULL", "search_text = 'written by a server without section vectors'"],
)
def test_a_plan_whose_kept_vectors_may_be_stale_has_every_section_parsed_by_its_next_save(
    team, alice, as_alice, kept
):
    plan = make_plan(team, alice, title="Older plan")
    Risk.objects.filter(plan=plan).update(risk="Clock skew between devices")
    _reindex(plan)
    with connection.cursor() as cursor:  # no risk words kept, or kept before the last save
        cursor.execute(
            f"UPDATE plans_plan SET {kept}, search_vector = NULL WHERE id = %s", [plan.pk]
        )
        if kept.startswith("search_text"):
            risks = SEARCHED.index("risks") + 1
            cursor.execute(
                f"UPDATE plans_plan SET section_vectors[{risks}] = '' WHERE id = %s", [plan.pk]
            )

    data = form_data(plan, "goals") | {"goals-0-text": "Fewer outages"}
    assert as_alice.post(edit_url(plan, "goals"), data).status_code == 302
    for word in ("skew", "outages", "older"):
        assert [p.title for p in search_plans(Plan.objects.all(), word)] == ["Older plan"]
    plan.refresh_from_db()
    assert plan.search_text == ""  # kept as current from now on


def test_long_notes_are_found_whole_and_quoted_from_their_start(team, alice, as_alice):
    from plans.search import SCANNED_CHARS

    notes = "Opening words. " + "filler " * 5000 + "zeppelin at the end"
    plan = make_plan(team, alice, title="Long notes", additional_notes=notes)  # as imported
    plan.refresh_from_db()
    assert len(plan.search_sections["notes"]) == SCANNED_CHARS
    html = as_alice.get(reverse("plans:list"), {"q": "zeppelin"}).content.decode()
    assert titles(html) == ["Long notes"]


def test_a_ranked_search_says_how_many_plans_match_without_counting_them_again(
    as_alice, library, django_assert_max_num_queries
):
    # session, user, teams, team-mates, the page with its count
    with django_assert_max_num_queries(5):
        html = as_alice.get(reverse("plans:list"), {"q": "clock"}).content.decode()
    assert "2 plans" in html
    html = as_alice.get(reverse("plans:list"), {"q": "clock", "sort": "title"}).content.decode()
    assert "2 plans" in html  # sorted by a column, counted as any list is
