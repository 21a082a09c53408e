"""The Markdown preview: for a team's editors, at a bounded rate."""

from __future__ import annotations

import time

from django.urls import reverse

from plans.forms import MARKDOWN_MAX_CHARS
from plans.views import PREVIEWS
from tests.conftest import client_for
from tests.factories import make_team, make_user

HTMX = {"HTTP_HX_REQUEST": "true"}
URL = reverse("plans:preview") + "?field=overview"


def preview(client, text="**hi**"):
    return client.post(URL, {"overview": text}, **HTMX)


def test_it_shows_an_editor_the_markdown_rendered(as_alice, team):
    response = preview(as_alice)
    assert response.status_code == 200
    assert "<strong>hi</strong>" in response.content.decode()


def test_a_team_maintainer_may_preview(db):
    mo = make_user("mo")
    make_team("Ops", mo="maintainer")
    assert preview(client_for(mo)).status_code == 200


def test_it_refuses_a_user_in_no_team(as_mallory):
    assert preview(as_mallory).status_code == 403


def test_it_refuses_a_viewer(as_victor, team):
    assert preview(as_victor).status_code == 403


def test_it_refuses_a_manager_who_edits_no_team(as_carol, team):
    assert preview(as_carol).status_code == 403


def test_it_sends_the_anonymous_to_sign_in(client, team):
    response = preview(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_takes_only_posts(as_alice, team):
    assert as_alice.get(URL).status_code == 405


def test_it_answers_429_with_retry_after_past_the_rate(as_alice, team, as_victor):
    for _ in range(PREVIEWS.requests):
        assert preview(as_alice).status_code == 200
    response = preview(as_alice)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= PREVIEWS.window_seconds
    assert "Too many previews" in response.content.decode()


def test_the_rate_is_each_users_own(as_alice, team):
    ed = make_user("ed")
    make_team("Ops", ed="editor")
    for _ in range(PREVIEWS.requests + 1):
        preview(as_alice)
    assert preview(client_for(ed)).status_code == 200


def test_it_previews_no_more_than_a_field_holds(as_alice, team):
    text = "a" * MARKDOWN_MAX_CHARS + "BEYOND"
    assert "BEYOND" not in preview(as_alice, text).content.decode()


def test_a_hostile_preview_answers_within_a_second(as_alice, team):
    started = time.perf_counter()
    assert preview(as_alice, "[" * MARKDOWN_MAX_CHARS).status_code == 200
    assert time.perf_counter() - started < 1.0
