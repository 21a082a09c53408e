"""The thread pages and actions, for each kind of reader, with and without htmx."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from threads import rules, services
from threads.models import Comment, Thread

from .conftest import HTMX


def url(name, plan, *args):
    return reverse(f"threads:{name}", args=[plan.pk, *args])


def new_thread_data(**extra):
    return {"section": "overview", "body": "Why *offline*?", "version": "1", **extra}


# Starting a thread --------------------------------------------------------------------------


def test_the_new_thread_form_names_the_row_it_is_about(as_alice, plan, risk):
    html = as_alice.get(url("new", plan) + f"?section=risks&row={risk.pk}").text
    assert "Comment on Risks and Mitigations: Risk 1" in html
    assert f'name="row" value="{risk.pk}"' in html


def test_an_editor_starts_a_thread_and_comes_back_to_it(as_alice, plan):
    response = as_alice.post(url("new", plan), new_thread_data())
    thread = Thread.objects.get()
    assert response["Location"] == url("detail", plan, thread.pk)
    assert "<em>offline</em>" in as_alice.get(response["Location"]).text


def test_with_htmx_the_new_threads_box_replaces_the_form(as_alice, plan):
    html = as_alice.post(url("new", plan), new_thread_data(), **HTMX).text
    assert html.lstrip().startswith('<div class="thread card')
    assert "<html" not in html


def test_an_empty_comment_comes_back_with_the_form(as_alice, plan):
    response = as_alice.post(url("new", plan), new_thread_data(body=" "), **HTMX)
    assert response.status_code == 422
    assert "Write a comment first." in response.text
    assert not Thread.objects.exists()


def test_starting_a_thread_is_a_get_or_a_post(as_alice, plan):
    assert as_alice.put(url("new", plan)).status_code == 405


def test_anonymous_is_sent_to_sign_in(client, plan):
    response = client.post(url("new", plan), new_thread_data())
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_outsider_gets_404(as_mallory, plan, thread):
    assert as_mallory.get(url("list", plan)).status_code == 404
    assert as_mallory.post(url("reply", plan, thread.pk), {"body": "Hi"}).status_code == 404


def test_a_viewer_reads_threads_but_may_not_write(as_victor, plan, thread):
    assert "Is offline really needed?" in as_victor.get(url("list", plan)).text
    html = as_victor.get(url("detail", plan, thread.pk)).text
    assert "Reply" not in html and "Resolve" not in html
    response = as_victor.post(url("reply", plan, thread.pk), {"body": "Me too"})
    assert response.status_code == 403
    assert escape(rules.READ_ONLY) in response.text
    assert as_victor.get(url("new", plan) + "?section=overview").status_code == 403


def test_a_viewer_writes_when_the_team_allows_it(as_victor, plan, thread, viewers_may_comment):
    response = as_victor.post(url("reply", plan, thread.pk), {"body": "Me too"}, **HTMX)
    assert response.status_code == 200
    assert "Me too" in response.text
    assert "Resolve" not in response.text  # not theirs to resolve


def test_a_manager_reads_only(as_carol, plan, thread):
    assert as_carol.get(url("detail", plan, thread.pk)).status_code == 200
    assert as_carol.post(url("new", plan), new_thread_data()).status_code == 403
    assert as_carol.post(url("resolve", plan, thread.pk)).status_code == 403
    assert Thread.objects.get(pk=thread.pk).resolved_at is None


# Replying, resolving, reopening --------------------------------------------------------------


def test_a_reply_shows_in_the_threads_box(as_bob, plan, thread):
    response = as_bob.post(url("reply", plan, thread.pk), {"body": "Yes, **really**."}, **HTMX)
    assert "<strong>really</strong>" in response.text
    assert thread.comments.count() == 2


def test_resolve_and_reopen_with_and_without_htmx(as_bob, plan, thread):
    response = as_bob.post(url("resolve", plan, thread.pk))
    assert response["Location"] == url("detail", plan, thread.pk)
    assert Thread.objects.get(pk=thread.pk).is_resolved

    html = as_bob.post(url("reopen", plan, thread.pk), **HTMX).text
    assert "Resolve" in html and not Thread.objects.get(pk=thread.pk).is_resolved


def test_resolving_a_resolved_thread_says_so(as_bob, plan, thread):
    as_bob.post(url("resolve", plan, thread.pk))
    response = as_bob.post(url("resolve", plan, thread.pk), **HTMX)
    assert response.status_code == 422
    assert "This thread is resolved already." in response.text


def test_actions_are_post_only(as_alice, plan, thread):
    comment = thread.comments.get()
    for name, args in [
        ("reply", [thread.pk]),
        ("resolve", [thread.pk]),
        ("reopen", [thread.pk]),
        ("comment_delete", [thread.pk, comment.pk]),
    ]:
        assert as_alice.get(url(name, plan, *args)).status_code == 405, name


def test_a_thread_of_another_plan_is_404(as_alice, team, alice, thread):
    from tests.factories import make_plan

    other = make_plan(team, alice)
    assert as_alice.get(url("detail", other, thread.pk)).status_code == 404
    assert as_alice.post(url("resolve", other, thread.pk)).status_code == 404


# Editing and deleting one's comment ---------------------------------------------------------


def test_the_author_edits_a_comment_in_place(as_alice, plan, thread):
    comment = thread.comments.get()
    form = as_alice.get(url("comment_edit", plan, thread.pk, comment.pk), **HTMX).text
    assert "Is offline *really* needed?</textarea>" in form

    html = as_alice.post(
        url("comment_edit", plan, thread.pk, comment.pk), {"body": "Needed?"}, **HTMX
    ).text
    assert "<p>Needed?</p>" in html and "edited" in html


def test_someone_elses_comment_cannot_be_edited_or_deleted(as_bob, plan, thread):
    comment = thread.comments.get()
    edit = url("comment_edit", plan, thread.pk, comment.pk)
    assert as_bob.get(edit).status_code == 403
    assert as_bob.post(edit, {"body": "Mine"}).status_code == 403
    assert as_bob.post(url("comment_delete", plan, thread.pk, comment.pk)).status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "Is offline *really* needed?"


def test_a_deleted_comment_reads_comment_deleted(as_alice, plan, thread):
    comment = thread.comments.get()
    html = as_alice.post(url("comment_delete", plan, thread.pk, comment.pk), **HTMX).text
    assert "comment deleted" in html
    assert "really" not in html


# Markdown -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        "<a href='#' onclick='alert(1)'>x</a>",
    ],
)
def test_markdown_in_comments_is_sanitized(as_alice, plan, body):
    as_alice.post(url("new", plan), new_thread_data(body=body))
    thread = Thread.objects.get()
    for page in (url("detail", plan, thread.pk), url("list", plan)):
        html = as_alice.get(page).text.lower()
        assert "<script>alert" not in html
        assert "javascript:" not in html and "onerror" not in html and "onclick" not in html
    page = as_alice.get(url("page", plan), **HTMX).text.lower()
    assert "<script>alert" not in page and "javascript:" not in page


# The list -----------------------------------------------------------------------------------


def test_the_list_filters_open_and_resolved_threads(as_alice, plan, alice, thread):
    done = services.start_thread(plan=plan, user=alice, section_key="goals", body="Goals done?")
    services.resolve_thread(thread=done, user=alice)

    assert "Goals done?" in as_alice.get(url("list", plan)).text
    open_page = as_alice.get(url("list", plan) + "?state=open").text
    resolved_page = as_alice.get(url("list", plan) + "?state=resolved").text
    assert "really" in open_page and "Goals done?" not in open_page
    assert "Goals done?" in resolved_page and "really" not in resolved_page
    assert "Open (1)" in open_page and "Resolved (1)" in open_page


# Mentions -----------------------------------------------------------------------------------


def test_mention_suggestions_are_the_plans_team_members(as_alice, plan, bob, carol):
    found = as_alice.get(url("mentions", plan) + "?q=b").json()["members"]
    assert found == [{"username": "bob", "name": "Bob Lead"}]
    everyone = as_alice.get(url("mentions", plan)).json()["members"]
    assert [m["username"] for m in everyone] == ["alice", "bob", "victor"]  # not carol


def test_readers_who_may_not_write_get_no_suggestions(as_victor, as_mallory, plan):
    assert as_victor.get(url("mentions", plan) + "?q=a").status_code == 403
    assert as_mallory.get(url("mentions", plan) + "?q=a").status_code == 404
