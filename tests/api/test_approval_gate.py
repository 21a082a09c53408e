"""GET /api/plans/{id}/approval: the gate a CI pipeline asks "is this plan approved, at exactly
this content?"."""

from __future__ import annotations

import json

import pytest

from approvals.models import SignoffRole
from approvals.services import assign_roles, request_signoff
from plans.models import OpenQuestion
from tests.factories import sign_as


@pytest.fixture
def review(plan, alice, leads):
    bob, quinn = leads
    OpenQuestion.objects.filter(plan=plan).update(resolved=True)
    assign_roles(plan=plan, user=alice, assignments=[("Product Owner", bob), ("QA Lead", quinn)])
    request_signoff(plan=plan, user=alice, label="1.0")
    return plan


@pytest.fixture
def approved(review, leads):
    bob, quinn = leads
    sign_as(SignoffRole.objects.get(plan=review, name="Product Owner"), bob)
    sign_as(SignoffRole.objects.get(plan=review, name="QA Lead"), quinn)
    return review


def test_an_approved_plan_passes_at_its_content(victor_api, approved):
    gate = victor_api.get(f"/api/plans/{approved.pk}/approval").json()
    again = victor_api.get(
        f"/api/plans/{approved.pk}/approval", {"sha256": gate["sha256"], "version": 1}
    ).json()
    assert (gate["approved"], again["approved"]) == (True, True)
    assert gate["named_version"] == "1.0"
    assert [s["state"] for s in gate["signoffs"]] == ["approved", "approved"]
    assert gate["blockers"] == []


def test_other_content_does_not_pass(victor_api, approved):
    response = victor_api.get(f"/api/plans/{approved.pk}/approval", {"sha256": "0" * 64})
    body = response.json()
    assert body["approved"] is False
    assert "hashes to" in body["blockers"][0]
    assert (
        victor_api.get(f"/api/plans/{approved.pk}/approval", {"version": 2}).json()["approved"]
        is False
    )


def test_the_sha256_is_the_exported_contents_hash(victor_api, approved):
    from plans.content import PlanContent
    from plans.markdown.writer import content_hash

    gate = victor_api.get(f"/api/plans/{approved.pk}/approval").json()
    assert gate["sha256"] == content_hash(PlanContent.from_plan(approved))


def test_a_plan_in_review_says_who_must_still_decide(victor_api, review, leads):
    bob, _ = leads
    sign_as(SignoffRole.objects.get(plan=review, name="Product Owner"), bob)
    body = victor_api.get(f"/api/plans/{review.pk}/approval").json()
    assert body["approved"] is False
    assert "Waiting for: QA Lead." in body["blockers"]


def test_an_edit_after_approval_fails_the_gate(alice_api, victor_api, approved):
    sha = victor_api.get(f"/api/plans/{approved.pk}/approval").json()["sha256"]
    alice_api.put(
        f"/api/plans/{approved.pk}/sections/overview",
        json.dumps({"fields": {"overview": "Changed after approval."}}),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    body = victor_api.get(f"/api/plans/{approved.pk}/approval", {"sha256": sha}).json()
    assert body["approved"] is False
    assert body["status"] == "in_review"
    assert any("stale" in s["state"] for s in body["signoffs"])


def test_an_outsider_cannot_ask(mallory_api, approved):
    assert mallory_api.get(f"/api/plans/{approved.pk}/approval").status_code == 404


def test_signoffs_lists_roles_and_decisions(victor_api, approved):
    body = victor_api.get(f"/api/plans/{approved.pk}/signoffs").json()
    assert [r["role"] for r in body["roles"]] == ["Product Owner", "QA Lead"]
    assert {d["decision"] for d in body["decisions"]} == {"approved"}


def test_threads_are_listed_with_their_comments(victor_api, plan, alice):
    from threads.services import start_thread

    start_thread(plan=plan, user=alice, section_key="overview", body="Why **offline**?")
    body = victor_api.get(f"/api/plans/{plan.pk}/threads/").json()
    assert body["count"] == 1
    thread = body["results"][0]
    assert (thread["section"], thread["resolved"]) == ("overview", False)
    assert thread["comments"][0]["body"] == "Why **offline**?"


def test_an_editor_opens_a_thread_on_a_row_and_replies(alice_api, plan, alice):
    from plans.models import Risk

    risk = Risk.objects.get(plan=plan)
    body = {"section": "risks", "row_id": risk.pk, "body": "What if **both** fail?"}
    response = alice_api.post(
        f"/api/plans/{plan.pk}/threads/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    thread = response.json()
    assert thread["about"].startswith("Risks and Mitigations")
    reply = alice_api.post(
        f"/api/plans/{plan.pk}/threads/{thread['id']}/comments",
        json.dumps({"body": "Then we roll back."}),
        content_type="application/json",
    )
    assert reply.status_code == 201
    assert reply.json()["body"] == "Then we roll back."


def test_a_reader_may_not_open_a_thread(victor, plan):
    from tests.api.conftest import bearer, token_for

    response = bearer(token_for(victor, "write")).post(
        f"/api/plans/{plan.pk}/threads/",
        json.dumps({"section": "overview", "body": "Hi"}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_row_of_another_section_is_refused_with_a_reason(alice_api, plan):
    response = alice_api.post(
        f"/api/plans/{plan.pk}/threads/",
        json.dumps({"section": "overview", "row_id": 1, "body": "Hi"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "no rows" in response.json()["detail"]
