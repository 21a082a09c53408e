"""Every transition of a thread, and every refusal, as the services see them."""

from __future__ import annotations

import pytest

from approvals.models import SignoffRole
from notifications.models import Notification
from plans.models import Goal, Risk
from plans.services import set_archived
from tests.factories import make_plan
from threads import rules, selectors, services
from threads.models import Comment, Thread
from threads.services import ThreadRefused


def refusal(call, **kwargs) -> ThreadRefused:
    with pytest.raises(ThreadRefused) as refused:
        call(**kwargs)
    return refused.value


# Starting threads ---------------------------------------------------------------------------


def test_an_editor_starts_a_thread_on_a_section_at_the_current_version(plan, alice):
    thread = services.start_thread(plan=plan, user=alice, section_key="overview", body=" Why? ")
    assert (thread.section_key, thread.row_id, thread.version, thread.created_by) == (
        "overview",
        None,
        1,
        alice,
    )
    comment = thread.comments.get()
    assert (comment.author, comment.body, comment.version) == (alice, "Why?", 1)


def test_a_thread_on_a_row_keeps_the_rows_text(plan, alice, risk):
    thread = services.start_thread(
        plan=plan, user=alice, section_key="risks", row_id=risk.pk, body="What about `+`?"
    )
    assert (thread.row_model, thread.row_id, thread.row_label) == ("plans.risk", risk.pk, "Risk 1")
    assert thread.about == "Risks and Mitigations: Risk 1"


def test_a_thread_is_about_the_version_its_writer_read(plan, alice):
    plan.version = 3
    plan.save()
    thread = services.start_thread(
        plan=plan, user=alice, section_key="overview", body="Hm.", read_version=2
    )
    assert (thread.version, thread.comments.get().version) == (2, 2)


def test_a_row_of_another_plan_or_no_row_at_all_is_refused(plan, team, alice):
    other = Goal.objects.get(plan=make_plan(team, alice))
    assert (
        "no longer in Primary Goals"
        in refusal(
            services.start_thread,
            plan=plan,
            user=alice,
            section_key="goals",
            row_id=other.pk,
            body="Hm.",
        ).message
    )
    assert (
        refusal(
            services.start_thread, plan=plan, user=alice, section_key="goals", row_id=999, body="x"
        ).status
        == 422
    )
    assert (
        "has no rows"
        in refusal(
            services.start_thread, plan=plan, user=alice, section_key="overview", row_id=1, body="x"
        ).message
    )
    assert not Thread.objects.exists()


def test_a_generated_section_or_an_unknown_one_takes_no_thread(plan, alice):
    for key in ("approval", "changelog", "nonsense"):
        refused = refusal(services.start_thread, plan=plan, user=alice, section_key=key, body="x")
        assert refused.status == 422


def test_an_empty_or_overlong_comment_is_refused(plan, alice):
    assert (
        refusal(
            services.start_thread, plan=plan, user=alice, section_key="overview", body="  \n "
        ).message
        == "Write a comment first."
    )
    long = "x" * (services.BODY_LENGTH + 1)
    assert (
        "at most 10,000 characters"
        in refusal(
            services.start_thread, plan=plan, user=alice, section_key="overview", body=long
        ).message
    )


# Who may write ------------------------------------------------------------------------------


def test_a_viewer_reads_threads_but_writes_only_when_the_team_allows_it(plan, victor, thread):
    refused = refusal(services.reply, thread=thread, user=victor, body="Me too")
    assert (refused.status, refused.message) == (403, rules.READ_ONLY)

    plan.team.viewers_may_comment = True
    plan.team.save()
    services.reply(thread=thread, user=victor, body="Me too")
    services.start_thread(plan=plan, user=victor, section_key="goals", body="And goals?")
    assert Comment.objects.filter(author=victor).count() == 2


def test_a_manager_outside_the_team_reads_only(plan, carol, thread):
    assert refusal(services.reply, thread=thread, user=carol, body="Hm.").status == 403
    assert refusal(services.resolve_thread, thread=thread, user=carol).status == 403
    assert (
        refusal(
            services.start_thread, plan=plan, user=carol, section_key="overview", body="Hm."
        ).status
        == 403
    )


def test_a_sign_off_lead_writes_and_resolves_even_as_a_viewer(plan, quinn, thread):
    services.reply(thread=thread, user=quinn, body="Covered by QA.")
    services.resolve_thread(thread=thread, user=quinn)
    assert Thread.objects.get(pk=thread.pk).resolved_by == quinn


def test_a_lead_whose_role_was_removed_no_longer_writes(plan, quinn, thread):
    SignoffRole.objects.filter(assignee=quinn).update(removed_at="2026-01-01T00:00Z")
    assert refusal(services.reply, thread=thread, user=quinn, body="Hm.").status == 403


def test_an_outsider_may_do_nothing(mallory, thread):
    assert refusal(services.reply, thread=thread, user=mallory, body="Hi").status == 403


# Replies ------------------------------------------------------------------------------------


def test_a_reply_moves_the_version_the_thread_was_last_commented_on(plan, alice, bob, thread):
    plan.version = 4
    plan.save()
    comment = services.reply(thread=thread, user=bob, body="Yes.")
    assert comment.version == 4
    assert Thread.objects.get(pk=thread.pk).commented_version == 4


def test_a_resolved_thread_takes_no_reply_until_reopened(alice, bob, thread):
    services.resolve_thread(thread=thread, user=alice)
    assert refusal(services.reply, thread=thread, user=bob, body="But…").message == rules.RESOLVED

    services.reopen_thread(thread=thread, user=bob)
    services.reply(thread=thread, user=bob, body="But…")
    assert thread.comments.count() == 2


# Resolve and reopen -------------------------------------------------------------------------


def test_an_editor_resolves_and_reopens_someone_elses_thread(plan, bob, thread):
    services.resolve_thread(thread=thread, user=bob)
    thread.refresh_from_db()
    assert (thread.is_resolved, thread.resolved_by) == (True, bob)

    services.reopen_thread(thread=thread, user=bob)
    thread.refresh_from_db()
    assert (thread.resolved_at, thread.resolved_by) == (None, None)
    assert [h.resolved_by_id for h in thread.history.order_by("history_id")] == [None, bob.pk, None]


def test_a_viewer_allowed_to_comment_resolves_only_their_own_threads(
    plan, victor, thread, viewers_may_comment
):
    refused = refusal(services.resolve_thread, thread=thread, user=victor)
    assert (refused.status, refused.message) == (403, rules.NOT_YOURS_TO_RESOLVE)

    own = services.start_thread(plan=plan, user=victor, section_key="goals", body="Hm.")
    services.resolve_thread(thread=own, user=victor)
    assert Thread.objects.get(pk=own.pk).is_resolved


def test_resolving_twice_or_reopening_an_open_thread_is_refused(alice, thread):
    assert refusal(services.reopen_thread, thread=thread, user=alice).status == 422
    services.resolve_thread(thread=thread, user=alice)
    refused = refusal(services.resolve_thread, thread=thread, user=alice)
    assert (refused.status, refused.message) == (422, "This thread is resolved already.")


def test_unresolved_threads_are_counted_for_the_approvals_side(plan, alice, thread):
    services.start_thread(plan=plan, user=alice, section_key="goals", body="Two.")
    assert selectors.unresolved_count(plan) == 2
    services.resolve_thread(thread=thread, user=alice)
    assert selectors.unresolved_count(plan) == 1


# Editing and deleting one's comment ---------------------------------------------------------


def test_the_author_edits_a_comment_and_its_history_keeps_the_old_text(alice, thread):
    comment = thread.comments.get()
    services.edit_comment(comment=comment, user=alice, body="Is offline needed at all?")
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at is not None) == ("Is offline needed at all?", True)
    bodies = [h.body for h in comment.history.order_by("history_id")]
    assert bodies == ["Is offline *really* needed?", "Is offline needed at all?"]
    assert comment.history.latest("history_id").history_user == alice


def test_nobody_else_edits_or_deletes_a_comment_not_even_an_editor(bob, carol, thread):
    comment = thread.comments.get()
    for user in (bob, carol):
        refused = refusal(services.edit_comment, comment=comment, user=user, body="Mine now")
        assert (refused.status, refused.message) == (403, rules.NOT_YOUR_COMMENT)
        assert refusal(services.delete_comment, comment=comment, user=user).status == 403
    assert Comment.objects.get(pk=comment.pk).body == "Is offline *really* needed?"


def test_a_deleted_comment_says_so_and_its_history_keeps_the_text(alice, thread):
    comment = services.delete_comment(comment=thread.comments.get(), user=alice)
    comment.refresh_from_db()
    assert (comment.is_deleted, comment.body) == (True, "")
    assert comment.history.earliest("history_id").body == "Is offline *really* needed?"
    assert refusal(services.edit_comment, comment=comment, user=alice, body="Back").status == 422


def test_comments_of_a_resolved_thread_stay_as_they_are(alice, thread):
    services.resolve_thread(thread=thread, user=alice)
    refused = refusal(services.edit_comment, comment=thread.comments.get(), user=alice, body="x")
    assert (refused.status, refused.message) == (422, rules.RESOLVED)


# An archived plan ---------------------------------------------------------------------------


def test_an_archived_plan_refuses_every_thread_change(plan, alice, thread, risk):
    resolved = services.start_thread(plan=plan, user=alice, section_key="goals", body="Done?")
    services.resolve_thread(thread=resolved, user=alice)
    set_archived(plan=plan, user=alice, archived=True)
    comment = thread.comments.get()
    attempts = [
        (services.start_thread, {"plan": plan, "section_key": "overview", "body": "x"}),
        (services.reply, {"thread": thread, "body": "x"}),
        (services.resolve_thread, {"thread": thread}),
        (services.reopen_thread, {"thread": resolved}),
        (services.edit_comment, {"comment": comment, "body": "x"}),
        (services.delete_comment, {"comment": comment}),
    ]
    for call, kwargs in attempts:
        assert refusal(call, user=alice, **kwargs).message == rules.ARCHIVED, call.__name__
    assert (Thread.objects.count(), Comment.objects.count()) == (2, 2)


# Who hears of it ----------------------------------------------------------------------------


def test_mentioned_team_members_are_told_and_nobody_else(plan, alice, bob, carol, told):
    services.start_thread(
        plan=plan,
        user=bob,
        section_key="overview",
        body="@alice, @carol and @bob: see bob@example.com. @nobody?",
    )
    assert told["mention"] == [{"alice"}]


def test_a_reply_tells_those_in_the_thread_once(plan, alice, bob, victor, told, quinn):
    thread = services.start_thread(plan=plan, user=alice, section_key="overview", body="Why?")
    services.reply(thread=thread, user=quinn, body="Because.")
    services.reply(thread=thread, user=bob, body="Right, @quinn.")
    assert told["reply"] == [{"alice"}, {"alice"}]
    assert told["mention"] == [{"quinn"}]


def test_an_edit_tells_only_who_it_newly_mentions(plan, alice, bob, quinn, told):
    thread = services.start_thread(plan=plan, user=alice, section_key="overview", body="@bob?")
    services.edit_comment(comment=thread.comments.get(), user=alice, body="@bob? @quinn?")
    assert told["mention"] == [{"bob"}, {"quinn"}]


def test_a_row_thread_reads_its_row_even_when_the_row_is_gone(plan, alice, risk):
    thread = services.start_thread(
        plan=plan, user=alice, section_key="risks", row_id=risk.pk, body="Hm."
    )
    Risk.objects.filter(pk=risk.pk).delete()
    assert Thread.objects.get(pk=thread.pk).about == "Risks and Mitigations: Risk 1"


def test_mentions_and_replies_reach_the_inbox_with_a_link_to_the_comment(plan, alice, bob):
    thread = services.start_thread(
        plan=plan, user=bob, section_key="overview", body="What about `+`? @alice"
    )
    comment = services.reply(thread=thread, user=alice, body="Covered now.")

    mention = Notification.objects.get(recipient=alice)
    assert (mention.kind, mention.actor) == ("mention", bob)
    assert mention.text == "Bob Lead mentioned you in the thread on Overview"
    reply = Notification.objects.get(recipient=bob)
    assert (reply.kind, reply.url) == (
        "reply",
        f"/plans/{plan.pk}/threads/{thread.pk}/#comment-{comment.pk}",
    )
