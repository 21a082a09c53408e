"""The review workflow, service by service: every transition and every refusal."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from approvals.models import Signoff, SignoffRole
from approvals.services import (
    WorkflowError,
    approval_panel,
    assign_roles,
    decide,
    request_signoff,
    waiting_for,
)
from plans.models import Membership, OpenQuestion, Plan
from plans.rendered import version_facts
from tests.conftest import client_for
from tests.factories import PASSWORD, make_plan, make_team, make_user
from tests.plans.editing import edit_url, form_data

APPROVE, CHANGES = Signoff.Decision.APPROVED, Signoff.Decision.CHANGES_REQUESTED


@pytest.fixture
def review(plan, alice, leads):
    """A plan whose questions are resolved, with three roles assigned, in review."""
    bob, quinn = leads
    OpenQuestion.objects.filter(plan=plan).update(resolved=True)
    assign_roles(
        plan=plan,
        user=alice,
        assignments=[("Product Owner", bob), ("Technical Lead", bob), ("QA Lead", quinn)],
    )
    request_signoff(plan=plan, user=alice)
    return plan


def role(plan, name):
    return SignoffRole.objects.get(plan=plan, name=name)


def sign(plan, name, user, decision=APPROVE, comment="", password=PASSWORD, version=None):
    """A decision as the page posts it: on the version read, having seen the role's latest."""
    the_role = role(plan, name)
    return decide(
        role=the_role,
        user=user,
        decision=decision,
        password=password,
        read_version=version or Plan.objects.get(pk=plan.pk).version,
        seen_decision=the_role.latest_id,
        comment=comment,
        request=RequestFactory().post("/", REMOTE_ADDR="192.0.2.1"),
    )


def status(plan):
    return Plan.objects.get(pk=plan.pk).status


# Transitions -----------------------------------------------------------------------------


def test_requesting_sign_off_moves_the_plan_to_review_and_mails_each_lead_once(
    plan, alice, leads, django_capture_on_commit_callbacks
):
    bob, quinn = leads
    assign_roles(
        plan=plan,
        user=alice,
        assignments=[("Product Owner", bob), ("Technical Lead", bob), ("QA Lead", quinn)],
    )
    with django_capture_on_commit_callbacks(execute=True):
        request_signoff(plan=plan, user=alice)
    assert status(plan) == "in_review"
    assert sorted(m.to[0] for m in mail.outbox) == ["bob@example.com", "quinn@example.com"]
    assert "as Product Owner, Technical Lead" in next(
        m.body for m in mail.outbox if "bob" in m.to[0]
    )
    assert plan.history.filter(history_change_reason="Sign-off requested (1.0)").exists()


def test_request_needs_every_role_assigned(plan, alice, leads):
    assign_roles(
        plan=plan, user=alice, assignments=[("Product Owner", leads[0]), ("QA Lead", None)]
    )
    with pytest.raises(WorkflowError, match="Assign a lead to every role first: QA Lead"):
        request_signoff(plan=plan, user=alice)
    assert status(plan) == "draft"


def test_the_last_approval_of_the_current_version_approves_the_plan(review, leads):
    bob, quinn = leads
    sign(review, "Product Owner", bob)
    sign(review, "Technical Lead", bob)
    assert status(review) == "in_review"
    sign(review, "QA Lead", quinn)
    assert status(review) == "approved"


def test_changes_requested_give_the_plan_that_status_and_tell_the_author(
    review, leads, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign(review, "QA Lead", leads[1], CHANGES, comment="Test the rollback.")
    assert status(review) == "changes_requested"
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert "Test the rollback." in mail.outbox[0].body


def test_an_edit_makes_approvals_stale_and_an_approved_plan_goes_back_to_review(
    review, leads, as_alice
):
    bob, quinn = leads
    for name, user in (("Product Owner", bob), ("Technical Lead", bob), ("QA Lead", quinn)):
        sign(review, name, user)
    assert status(review) == "approved"
    data = {**form_data(review, "testing"), "unit_tests": "More tests."}
    as_alice.post(edit_url(review, "testing"), data, HTTP_HX_REQUEST="true")
    assert status(review) == "in_review"
    fresh = Plan.objects.get(pk=review.pk)
    panel = approval_panel(fresh, version_facts(fresh), bob)
    assert all(s.is_stale for s in panel.states)
    assert [s.role.name for s in panel.mine] == ["Product Owner", "Technical Lead"]


def test_a_save_that_changes_nothing_leaves_sign_offs_valid(review, leads, as_alice):
    sign(review, "Product Owner", leads[0])
    as_alice.post(edit_url(review, "testing"), form_data(review, "testing"), HTTP_HX_REQUEST="true")
    panel = approval_panel(review, version_facts(review), leads[0])
    assert panel.states[0].approved


def test_a_stale_approval_does_not_count(review, leads, as_alice):
    bob, quinn = leads
    sign(review, "Product Owner", bob)
    sign(review, "Technical Lead", bob)
    data = {**form_data(review, "overview"), "overview": "Changed after bob read it."}
    as_alice.post(edit_url(review, "overview"), data, HTTP_HX_REQUEST="true")
    sign(review, "QA Lead", quinn)
    assert status(review) == "in_review"


# Refusals --------------------------------------------------------------------------------


def test_only_the_assigned_lead_can_sign(review, leads, alice):
    with pytest.raises(WorkflowError, match="Only the lead assigned"):
        sign(review, "QA Lead", leads[0])


def test_a_lead_who_became_a_viewer_cannot_sign(review, leads):
    Membership.objects.filter(user=leads[1]).update(role="viewer")
    with pytest.raises(WorkflowError, match="Only the lead assigned"):
        sign(review, "QA Lead", leads[1])


def test_the_author_cannot_sign_their_own_plan_unless_the_team_allows_it(review, alice):
    SignoffRole.objects.filter(plan=review, name="QA Lead").update(assignee=alice)
    with pytest.raises(WorkflowError, match="Authors cannot sign off their own plan"):
        sign(review, "QA Lead", alice)
    review.team.allow_self_signoff = True
    review.team.save()
    assert sign(review, "QA Lead", alice).decision == APPROVE


def test_signing_needs_the_right_password_and_is_rate_limited(review, leads):
    bob = leads[0]
    for _ in range(4):
        with pytest.raises(WorkflowError, match="password is not right"):
            sign(review, "Product Owner", bob, password="wrong")
    with pytest.raises(WorkflowError, match="Too many wrong passwords"):  # the fifth
        sign(review, "Product Owner", bob, password="wrong")
    with pytest.raises(WorkflowError, match="Too many wrong passwords"):
        sign(review, "Product Owner", bob)
    assert not Signoff.objects.exists()


def test_signing_an_older_version_than_the_current_is_refused(review, leads, as_alice):
    as_alice.post(
        edit_url(review, "overview"),
        {**form_data(review, "overview"), "overview": "New"},
        HTTP_HX_REQUEST="true",
    )
    with pytest.raises(WorkflowError, match="changed since you read it"):
        sign(review, "Product Owner", leads[0], version=1)


def test_requesting_changes_needs_a_comment(review, leads):
    with pytest.raises(WorkflowError, match="Say what needs to change"):
        sign(review, "QA Lead", leads[1], CHANGES)


def test_a_draft_cannot_be_signed(plan, alice, leads):
    assign_roles(plan=plan, user=alice, assignments=[("QA Lead", leads[1])])
    with pytest.raises(WorkflowError, match="not waiting for sign-off"):
        sign(plan, "QA Lead", leads[1])


def test_open_questions_block_the_last_approval_and_the_page_says_why(review, leads, as_alice):
    bob, quinn = leads
    OpenQuestion.objects.filter(plan=review).update(resolved=False)
    sign(review, "Product Owner", bob)
    sign(review, "Technical Lead", bob)
    with pytest.raises(WorkflowError, match="open question"):
        sign(review, "QA Lead", quinn)
    assert status(review) == "in_review"
    html = as_alice.get(review.get_absolute_url()).content.decode()
    assert "Cannot be approved yet:" in html


def test_roles_do_not_change_while_in_review(review, alice, leads):
    with pytest.raises(WorkflowError, match="only change while the plan is a draft"):
        assign_roles(plan=review, user=alice, assignments=[("QA Lead", leads[1])])


# Views -----------------------------------------------------------------------------------


def test_the_approval_table_shows_name_date_and_the_version_signed(review, leads, as_alice):
    sign(review, "Product Owner", leads[0])
    html = as_alice.get(review.get_absolute_url()).content.decode()
    assert "Bob Lead, 1.0 (version 1), sha256:" in html
    assert html.count("not signed") == 2


def test_every_reader_sees_each_decision_at_once_though_the_table_is_kept(
    review, leads, as_alice, as_victor
):
    as_victor.get(review.get_absolute_url())  # the table is kept as it reads now

    sign(review, "Product Owner", leads[0])
    after_one = as_victor.get(review.get_absolute_url()).text
    sign(review, "QA Lead", leads[1])
    after_two = as_alice.get(review.get_absolute_url()).text

    assert "Bob Lead, 1.0 (version 1), sha256:" in after_one
    assert after_one.count("not signed") == 2
    assert "Quinn QA, 1.0 (version 1), sha256:" in after_two
    assert after_two.count("not signed") == 1


def test_a_stale_sign_off_links_to_what_changed(review, leads, as_alice):
    sign(review, "Product Owner", leads[0])
    as_alice.post(
        edit_url(review, "overview"),
        {**form_data(review, "overview"), "overview": "New"},
        HTTP_HX_REQUEST="true",
    )
    html = as_alice.get(review.get_absolute_url()).content.decode()
    assert "Approved on version 1; the plan changed since." in html
    assert f"/plans/{review.pk}/compare/?from=1&amp;to=2" in html


def test_the_lead_signs_through_the_page_with_a_password(review, leads):
    client = client_for(leads[1])
    url = reverse("approvals:decide", args=[review.pk, role(review, "QA Lead").pk])
    data = {"decision": "approved", "password": PASSWORD, "version": "1", "seen": "0"}
    response = client.post(url, data, follow=True)
    assert "Approved as QA Lead on version 1." in response.content.decode()


@pytest.mark.parametrize(
    "tamper", [{"version": "0"}, {"decision": "signed"}, {"password": ""}, {"seen": "-1"}]
)
def test_a_tampered_decision_form_signs_nothing(review, leads, tamper):
    client = client_for(leads[1])
    url = reverse("approvals:decide", args=[review.pk, role(review, "QA Lead").pk])
    data = {"decision": "approved", "password": PASSWORD, "version": "1", "seen": "0"}
    client.post(url, {**data, **tamper})
    assert not Signoff.objects.exists()


def test_a_lead_cannot_sign_another_role_through_the_url(review, leads):
    client = client_for(leads[1])
    url = reverse("approvals:decide", args=[review.pk, role(review, "Product Owner").pk])
    client.post(url, {"decision": "approved", "password": PASSWORD, "version": "1"})
    assert not Signoff.objects.exists()


def test_a_role_of_another_plan_is_404(review, leads, team, alice):
    other = make_plan(team, alice, title="Other")
    client = client_for(leads[1])
    url = reverse("approvals:decide", args=[other.pk, role(review, "QA Lead").pk])
    assert client.post(url, {"decision": "approved"}).status_code == 404


def test_viewers_and_managers_see_sign_offs_but_cannot_sign(review, leads, as_victor, as_carol):
    sign(review, "Product Owner", leads[0])
    for client in (as_victor, as_carol):
        html = client.get(review.get_absolute_url()).content.decode()
        assert "Bob Lead, 1.0 (version 1)" in html and "Approve as" not in html
        url = reverse("approvals:decide", args=[review.pk, role(review, "QA Lead").pk])
        client.post(url, {"decision": "approved", "password": PASSWORD, "version": "1"})
    assert Signoff.objects.count() == 1


def test_outsiders_get_404_on_sign_off_urls(review, as_mallory):
    for url in (
        reverse("approvals:roles", args=[review.pk]),
        reverse("approvals:request", args=[review.pk]),
        reverse("approvals:decide", args=[review.pk, role(review, "QA Lead").pk]),
    ):
        assert as_mallory.post(url).status_code == 404


def test_the_waiting_page_lists_pending_and_stale_sign_offs_with_a_count(review, leads, as_alice):
    bob = leads[0]
    sign(review, "Product Owner", bob)
    html = client_for(bob).get(reverse("approvals:waiting")).content.decode()
    assert "as <strong>Technical Lead</strong>" in html
    assert "as <strong>Product Owner</strong>" not in html
    as_alice.post(
        edit_url(review, "overview"),
        {**form_data(review, "overview"), "overview": "New"},
        HTTP_HX_REQUEST="true",
    )
    html = client_for(bob).get(reverse("approvals:waiting")).content.decode()
    assert "you approved version 1" in html
    assert 'title="waiting for you">2<' in html
    assert len(waiting_for(bob)) == 2


def test_alice_sets_roles_and_leads_in_the_browserless_form(plan, leads, as_alice):
    bob, quinn = leads
    url = reverse("approvals:roles", args=[plan.pk])
    assert "Product Owner" in as_alice.get(url).content.decode()
    data = {
        "roles-TOTAL_FORMS": "3",
        "roles-INITIAL_FORMS": "3",
        "roles-0-name": "Product Owner",
        "roles-0-assignee": str(bob.pk),
        "roles-1-name": "Security Lead",
        "roles-1-assignee": str(bob.pk),
        "roles-2-name": "QA Lead",
        "roles-2-assignee": str(quinn.pk),
    }
    as_alice.post(url, data)
    names = list(SignoffRole.objects.filter(plan=plan).values_list("name", "assignee__username"))
    assert names == [("Product Owner", "bob"), ("Security Lead", "bob"), ("QA Lead", "quinn")]


def test_a_viewer_cannot_be_made_a_lead(plan, as_alice, victor):
    url = reverse("approvals:roles", args=[plan.pk])
    data = {"roles-TOTAL_FORMS": "1", "roles-INITIAL_FORMS": "0", "roles-0-name": "QA Lead"}
    response = as_alice.post(url, {**data, "roles-0-assignee": str(victor.pk)})
    assert response.status_code == 422
    assert not SignoffRole.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrency is proven on PostgreSQL; SQLite's in-memory test database locks tables",
)
@pytest.mark.django_db(transaction=True)
def test_two_last_approvals_at_once_approve_the_plan_exactly_once(db):
    alice, bob, quinn = make_user("alice"), make_user("bob"), make_user("quinn")
    team = make_team("Payments", alice="editor", bob="editor", quinn="editor")
    plan = make_plan(team, alice, rows=0)
    assign_roles(plan=plan, user=alice, assignments=[("Product Owner", bob), ("QA Lead", quinn)])
    request_signoff(plan=plan, user=alice)
    barrier, errors = threading.Barrier(2, timeout=20), []

    def approve(name, user):
        try:
            barrier.wait()
            sign(plan, name, user)
        except WorkflowError as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=args)
        for args in (("Product Owner", bob), ("QA Lead", quinn))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert status(plan) == "approved"
    transitions = plan.history.filter(history_change_reason="Approved by every role")
    assert transitions.count() == 1


def test_each_decision_shows_at_once_on_pages_already_kept(review, leads, as_alice):
    bob, quinn = leads
    as_alice.get(review.get_absolute_url())  # the Approval panel is kept for this revision
    client_for(quinn).get(review.get_absolute_url())

    sign(review, "Product Owner", bob)  # the plan's status does not change

    html = as_alice.get(review.get_absolute_url()).text
    assert html.count('text-bg-success">Approved</span> Bob Lead, 1.0 (version') == 1
    assert "Your decision as QA Lead" in client_for(quinn).get(review.get_absolute_url()).text
    assert 'title="waiting for you">1<' in client_for(quinn).get("/").text
