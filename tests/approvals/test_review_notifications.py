"""Everyone concerned hears of the review in their inbox (and by mail, after the commit), and
nobody hears of what does not concern them."""

from __future__ import annotations

import pytest

from approvals.services import assign_roles, request_signoff
from notifications.models import Notification
from plans.models import Membership, OpenQuestion
from tests.approvals.test_workflow import CHANGES, sign
from tests.plans.editing import edit_url, form_data


@pytest.fixture
def review(plan, alice, leads):
    OpenQuestion.objects.filter(plan=plan).update(resolved=True)
    assign_roles(plan=plan, user=alice, assignments=[("Product Owner", leads[0]), ("QA", leads[1])])
    request_signoff(plan=plan, user=alice, label="1.0")
    return plan


def inbox(user) -> list[tuple[str, str]]:
    return [(n.kind, n.text) for n in Notification.objects.filter(recipient=user).order_by("pk")]


def test_each_lead_is_asked_once_and_the_author_is_not(review, alice, leads):
    for lead in leads:
        assert [kind for kind, _ in inbox(lead)] == ["review_requested"]
    assert "1.0" in inbox(leads[0])[0][1]
    assert inbox(alice) == []


def test_the_author_hears_each_decision_and_everyone_the_approval(review, alice, leads):
    bob, quinn = leads
    sign(review, "Product Owner", bob)
    sign(review, "QA", quinn)
    assert [kind for kind, _ in inbox(alice)] == ["decided", "decided", "plan_approved"]
    assert [kind for kind, _ in inbox(bob)] == ["review_requested", "plan_approved"]
    assert [kind for kind, _ in inbox(quinn)] == ["review_requested"]  # quinn approved last


def test_changes_requested_tell_the_author_with_the_comment_in_the_mail(
    review, alice, leads, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign(review, "QA", leads[1], CHANGES, comment="Cover the rollback.")
    assert inbox(alice) == [("decided", "Quinn QA requests changes to “Offline Sync” as QA")]
    mail = next(m for m in mailoutbox if m.to == [alice.email])
    assert "Cover the rollback." in mail.body and "http://" in mail.body


def test_an_edit_of_an_approved_plan_tells_those_who_approved(review, alice, leads, as_alice):
    bob, quinn = leads
    sign(review, "Product Owner", bob)
    sign(review, "QA", quinn)
    data = {**form_data(review, "overview"), "overview": "Changed after approval."}
    as_alice.post(edit_url(review, "overview"), data)
    for lead in leads:
        assert inbox(lead)[-1][0] == "back_in_review"


def test_a_lead_who_left_the_team_hears_nothing_more(review, alice, leads):
    Membership.objects.filter(user=leads[1]).delete()
    sign(review, "Product Owner", leads[0])
    assert [kind for kind, _ in inbox(leads[1])] == ["review_requested"]
    assert Notification.objects.filter(recipient=leads[1]).count() == 1


# Unresolved threads block approval, as unresolved open questions do ------------------------


def test_an_unresolved_thread_blocks_the_last_approval_until_resolved(review, alice, leads):
    from approvals.services import WorkflowError
    from tests.approvals.test_workflow import status
    from threads.services import resolve_thread, start_thread

    bob, quinn = leads
    thread = start_thread(plan=review, user=bob, section_key="risks", body="What about `+`?")
    sign(review, "Product Owner", bob)
    with pytest.raises(WorkflowError, match="1 thread is unresolved"):
        sign(review, "QA", quinn)
    assert status(review) == "in_review"
    resolve_thread(thread=thread, user=quinn)
    sign(review, "QA", quinn)
    assert status(review) == "approved"


def test_the_review_panel_counts_unresolved_threads_at_once(review, leads, as_alice):
    from threads.services import start_thread

    as_alice.get(review.get_absolute_url())  # the panel is kept for this sign-off revision
    start_thread(plan=review, user=leads[0], section_key="risks", body="One")
    start_thread(plan=review, user=leads[0], section_key="overview", body="Two")
    panel = as_alice.get(review.get_absolute_url()).text.split('class="review-panel')[1]
    assert "2 threads are unresolved" in panel.split("</section>")[0]


def test_a_team_may_let_threads_stay_open_at_approval(review, leads):
    from tests.approvals.test_workflow import status
    from threads.services import start_thread

    review.team.threads_block_approval = False
    review.team.save()
    start_thread(plan=review, user=leads[0], section_key="risks", body="Later")
    sign(review, "Product Owner", leads[0])
    sign(review, "QA", leads[1])
    assert status(review) == "approved"


def test_requesting_changes_opens_a_thread_that_the_lead_s_approval_settles(review, leads):
    from tests.approvals.test_workflow import status
    from threads.models import Thread

    bob, quinn = leads
    sign(review, "QA", quinn, CHANGES, comment="Cover partial exports in the rollback.")
    thread = Thread.objects.get(section_key="approval")
    assert "Cover partial exports" in thread.comments.get().body
    assert thread.created_by == quinn and not thread.is_resolved
    request_signoff(plan=review, user=review.author, label="1.1")
    sign(review, "Product Owner", bob)
    sign(review, "QA", quinn)
    thread.refresh_from_db()
    assert thread.resolved_by == quinn
    assert status(review) == "approved"
