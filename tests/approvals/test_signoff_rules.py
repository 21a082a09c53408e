"""Sign-off rules nobody can route around: who changes roles and leads, when, and what a change
does to the decisions already taken. Each case was a way around the rules before."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from approvals.models import RoleChange, Signoff, SignoffRole
from approvals.services import WorkflowError, assign_roles, request_signoff
from plans.models import Membership, OpenQuestion, Plan
from plans.services import PlanArchived, restore_version, set_archived
from tests.approvals.test_workflow import APPROVE, CHANGES, role, sign, status
from tests.conftest import client_for
from tests.factories import PASSWORD, make_user
from tests.plans.editing import edit_url, form_data


@pytest.fixture
def dave(team):
    user = make_user("dave", first_name="Dave", last_name="Editor")
    Membership.objects.create(team=team, user=user, role="editor")
    return user


@pytest.fixture
def review(plan, alice, leads):
    bob, quinn = leads
    OpenQuestion.objects.filter(plan=plan).update(resolved=True)
    assign_roles(plan=plan, user=alice, assignments=[("Product Owner", bob), ("QA Lead", quinn)])
    request_signoff(plan=plan, user=alice)
    return plan


# Who may change roles and leads ----------------------------------------------------------


def test_an_editor_who_is_not_the_author_cannot_change_roles(plan, leads, dave):
    with pytest.raises(WorkflowError, match="author or a maintainer"):
        assign_roles(plan=plan, user=dave, assignments=[("Product Owner", leads[0])])
    assert not SignoffRole.objects.filter(plan=plan).exists()


def test_nobody_can_make_themselves_a_lead(plan, alice, leads, dave):
    Membership.objects.filter(user=dave).update(role="maintainer")
    with pytest.raises(WorkflowError, match="cannot make yourself a lead"):
        assign_roles(plan=plan, user=dave, assignments=[("Product Owner", dave)])
    assert not SignoffRole.objects.filter(plan=plan).exists()


def test_a_maintainer_manages_the_roles_of_a_plan_they_did_not_write(plan, leads, dave):
    Membership.objects.filter(user=dave).update(role="maintainer")
    assign_roles(plan=plan, user=dave, assignments=[("Product Owner", leads[0])])
    assert role(plan, "Product Owner").assignee == leads[0]
    assert RoleChange.objects.get().changed_by == dave


def test_the_author_is_a_lead_only_if_the_team_allows_self_approval(plan, alice, leads, dave):
    Membership.objects.filter(user=dave).update(role="maintainer")
    with pytest.raises(WorkflowError, match="does not let authors sign off"):
        assign_roles(plan=plan, user=dave, assignments=[("Product Owner", alice)])
    plan.team.allow_self_signoff = True
    plan.team.save()
    assign_roles(plan=plan, user=dave, assignments=[("Product Owner", alice)])
    assert role(plan, "Product Owner").assignee == alice


def test_the_roles_form_says_why_next_to_the_lead(plan, as_alice, alice):
    url = reverse("approvals:roles", args=[plan.pk])
    data = {"roles-TOTAL_FORMS": "1", "roles-INITIAL_FORMS": "0", "roles-0-name": "QA Lead"}
    response = as_alice.post(url, {**data, "roles-0-assignee": str(alice.pk)})
    assert response.status_code == 422
    assert "cannot make yourself a lead" in response.text
    assert 'value="QA Lead"' in response.text  # what was typed is kept


def test_an_editor_who_is_not_the_author_gets_403_on_the_roles_form(plan, leads):
    response = client_for(leads[0]).get(reverse("approvals:roles", args=[plan.pk]))
    assert response.status_code == 403


def test_roles_change_again_once_changes_are_requested(review, alice, leads):
    sign(review, "QA Lead", leads[1], CHANGES, comment="Cover the rollback.")
    assign_roles(
        plan=review,
        user=alice,
        assignments=[("Product Owner", leads[0]), ("QA Lead", leads[1]), ("Security", leads[0])],
    )
    assert role(review, "Security").assignee == leads[0]


# What a change does to decisions ----------------------------------------------------------


def test_removing_a_role_keeps_its_decision_and_tells_everyone(
    review, alice, leads, django_capture_on_commit_callbacks
):
    bob, quinn = leads
    sign(review, "QA Lead", quinn, CHANGES, comment="Cover the rollback.")
    with django_capture_on_commit_callbacks(execute=True):
        assign_roles(plan=review, user=alice, assignments=[("Product Owner", bob)])
    decision = Signoff.objects.get()
    assert decision.role.name == "QA Lead" and decision.role.removed_at is not None
    assert RoleChange.objects.filter(kind="removed", role_name="QA Lead", had_decisions=True)
    assert sorted(m.to[0] for m in mail.outbox) == ["bob@example.com", "quinn@example.com"]


def test_a_removed_role_is_shown_in_the_review_panel_and_no_longer_asked(
    review, alice, leads, as_alice
):
    bob, quinn = leads
    sign(review, "QA Lead", quinn, CHANGES, comment="Cover the rollback.")
    assign_roles(plan=review, user=alice, assignments=[("Product Owner", bob)])
    html = as_alice.get(review.get_absolute_url()).text
    assert "removed the role <strong>QA Lead</strong>" in html
    assert "its decisions stay in the record" in html
    request_signoff(plan=review, user=alice)
    assert 'title="waiting for you"' not in client_for(quinn).get("/").text


def test_an_approval_given_before_its_role_was_reassigned_does_not_count(
    review, alice, leads, dave
):
    bob, quinn = leads
    sign(review, "Product Owner", bob)
    sign(review, "QA Lead", quinn, CHANGES, comment="Cover the rollback.")
    assign_roles(plan=review, user=alice, assignments=[("Product Owner", dave), ("QA Lead", quinn)])
    request_signoff(plan=review, user=alice)
    sign(review, "QA Lead", quinn)
    assert status(review) == "in_review"
    assert RoleChange.objects.filter(kind="reassigned", had_decisions=True).exists()
    sign(review, "Product Owner", dave)
    assert status(review) == "approved"


def test_the_new_lead_of_a_reassigned_role_is_waited_for(review, alice, leads, dave):
    bob, quinn = leads
    sign(review, "Product Owner", bob)
    sign(review, "QA Lead", quinn, CHANGES, comment="Cover the rollback.")
    assign_roles(plan=review, user=alice, assignments=[("Product Owner", dave), ("QA Lead", quinn)])
    request_signoff(plan=review, user=alice)
    assert 'title="waiting for you">1<' in client_for(dave).get("/").text


# Decisions are taken once -------------------------------------------------------------------


def test_a_replayed_decision_is_refused_with_no_second_row_and_no_second_mail(
    review, leads, django_capture_on_commit_callbacks
):
    client = client_for(leads[1])
    url = reverse("approvals:decide", args=[review.pk, role(review, "QA Lead").pk])
    data = {"decision": "approved", "password": PASSWORD, "version": "1", "seen": "0"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
        replay = client.post(url, data, follow=True)
    assert "already recorded" in replay.text
    assert Signoff.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_decision_made_on_a_page_another_decision_overtook_is_refused(review, leads):
    bob = leads[0]
    first = role(review, "Product Owner")
    sign(review, "Product Owner", bob)
    from approvals.services import decide

    with pytest.raises(WorkflowError, match="decided since you opened the page"):
        decide(
            role=first,
            user=bob,
            decision=CHANGES,
            password=PASSWORD,
            read_version=1,
            seen_decision=None,
            comment="Changed my mind",
            request=RequestFactory().post("/"),
        )
    assert Signoff.objects.count() == 1


# Archived plans are read-only ---------------------------------------------------------------


@pytest.fixture
def archived(review, alice):
    set_archived(plan=review, user=alice, archived=True)
    return Plan.objects.get(pk=review.pk)


def test_an_archived_plan_refuses_decisions(archived, leads):
    with pytest.raises(WorkflowError, match="archived"):
        sign(archived, "QA Lead", leads[1], APPROVE)
    assert not Signoff.objects.exists()


def test_an_archived_plan_refuses_role_changes_and_requests(archived, alice, leads):
    with pytest.raises(WorkflowError, match="archived"):
        assign_roles(plan=archived, user=alice, assignments=[("QA Lead", leads[1])])
    with pytest.raises(WorkflowError, match="archived"):
        request_signoff(plan=archived, user=alice)


def test_an_archived_plan_refuses_a_version_restore(review, alice, as_alice):
    data = {**form_data(review, "overview"), "overview": "A second version."}
    as_alice.post(edit_url(review, "overview"), data, HTTP_HX_REQUEST="true")
    set_archived(plan=review, user=alice, archived=True)
    archived = Plan.objects.get(pk=review.pk)
    assert archived.version == 2
    with pytest.raises(PlanArchived):
        restore_version(plan=archived, number=1, user=alice, opened_version=archived.version)
    url = reverse("plans:version_restore", args=[archived.pk, 1])
    response = as_alice.post(url, {"current": archived.version, "confirm": "on"}, follow=True)
    assert "archived and read-only" in response.text
    assert Plan.objects.get(pk=archived.pk).version == archived.version


def test_review_is_not_requested_from_a_lead_who_left_the_team(plan, alice, leads):
    assign_roles(plan=plan, user=alice, assignments=[("QA Lead", leads[1])])
    Membership.objects.filter(user=leads[1]).delete()
    with pytest.raises(WorkflowError, match="no longer an editor"):
        request_signoff(plan=plan, user=alice)
    assert status(plan) == "draft"
