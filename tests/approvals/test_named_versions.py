"""*Request sign-off* names the version sent for review; the Changelog lists named versions and
sign-offs say which one they approved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from approvals.services import WorkflowError, assign_roles, request_signoff, suggested_name
from plans.models import NamedVersion, OpenQuestion
from tests.approvals.test_workflow import CHANGES, role, sign, status
from tests.conftest import client_for
from tests.factories import make_plan
from tests.plans.editing import edit_url, form_data


@pytest.fixture
def ready(plan, alice, bob):
    OpenQuestion.objects.filter(plan=plan).update(resolved=True)
    assign_roles(plan=plan, user=alice, assignments=[("Product Owner", bob)])
    return plan


@pytest.mark.parametrize(
    ("latest", "major", "expected"),
    [(None, False, "1.0"), ("1.0", False, "1.1"), ("1.9", False, "1.10"), ("1.3", True, "2.0")],
)
def test_the_next_label_follows_the_latest(latest, major, expected):
    assert NamedVersion.next_label(latest, major=major) == expected


def test_a_first_request_is_named_1_0_unless_the_author_names_it(ready, alice):
    named = request_signoff(plan=ready, user=alice)
    assert (named.label, named.number, named.summary) == ("1.0", 1, "First version for review")


def test_a_second_request_offers_1_1_with_the_sections_changed_since(ready, alice, bob, as_alice):
    request_signoff(plan=ready, user=alice)
    sign(ready, "Product Owner", bob, CHANGES, comment="Rollback?")
    data = {**form_data(ready, "rollout"), "rollback_plan": "Turn the flag off, then restore."}
    as_alice.post(edit_url(ready, "rollout"), data)
    assert suggested_name(ready) == ("1.1", "Changed: Rollout Plan")
    assert suggested_name(ready, major=True)[0] == "2.0"
    named = request_signoff(plan=ready, user=alice, label="1.1", summary="Rollback covers exports")
    assert named.number == 2 and status(ready) == "in_review"


def test_a_label_already_used_is_refused(ready, alice, bob):
    request_signoff(plan=ready, user=alice, label="1.0")
    sign(ready, "Product Owner", bob, CHANGES, comment="Rollback?")
    with pytest.raises(WorkflowError, match=r"already named 1\.0"):
        request_signoff(plan=ready, user=alice, label="1.0")
    assert status(ready) == "changes_requested"


def test_a_sign_off_says_which_named_version_it_approved(ready, alice, bob, as_alice):
    request_signoff(plan=ready, user=alice, label="1.0")
    signoff = sign(ready, "Product Owner", bob)
    assert signoff.named_version.label == "1.0"
    assert "Bob Lead, 1.0 (version 1)" in as_alice.get(ready.get_absolute_url()).text


def test_the_page_offers_the_name_and_posts_it(ready, as_alice):
    html = as_alice.get(ready.get_absolute_url()).text
    assert 'placeholder="1.0"' in html and 'value="First version for review"' in html
    url = reverse("approvals:request", args=[ready.pk])
    response = as_alice.post(url, {"label": "", "summary": "Ready", "major": "on"}, follow=True)
    assert "Sign-off requested for 1.0" in response.text
    changelog = response.text.split('id="changelog"')[1]
    assert ">1.0</a></td><td>Ready</td>" in changelog


def test_the_export_s_changelog_lists_named_versions(ready, alice, as_alice):
    request_signoff(plan=ready, user=alice, summary="First full draft")
    text = as_alice.get(reverse("plans:export", args=[ready.pk])).text
    changelog = text.split("## Changelog")[1]
    assert "| 1.0 | First full draft | Alice Author |" in changelog


def test_a_control_character_in_the_label_is_refused(ready, as_alice):
    url = reverse("approvals:request", args=[ready.pk])
    response = as_alice.post(url, {"label": "1.0\x1b", "summary": ""}, follow=True)
    assert "without control characters" in response.text
    assert not NamedVersion.objects.exists()
    assert client_for(ready.author).get("/").status_code == 200
    assert role(ready, "Product Owner").latest is None


# The review panel at the top of the plan -------------------------------------------------


def test_the_review_panel_offers_a_lead_their_decision_and_says_who_must_decide(ready, alice, bob):
    request_signoff(plan=ready, user=alice)
    html = client_for(bob).get(ready.get_absolute_url()).text
    panel = html.split('class="review-panel')[1].split("</section>")[0]
    assert "Waiting for Bob Lead (Product Owner)." in panel
    assert ">Approve as Product Owner</a>" in panel
    assert "review-waiting" in panel


def test_the_review_panel_offers_the_author_the_request_and_says_what_blocks(ready, as_alice):
    OpenQuestion.objects.filter(plan=ready).update(resolved=False)
    panel = as_alice.get(ready.get_absolute_url()).text.split('class="review-panel')[1]
    panel = panel.split("</section>")[0]
    assert ">Request sign-off</a>" in panel
    assert "Blocks approval:" in panel and "open question" in panel


def test_a_stale_sign_off_is_named_as_a_blocker(ready, alice, bob, as_alice):
    request_signoff(plan=ready, user=alice)
    sign(ready, "Product Owner", bob)
    data = {**form_data(ready, "overview"), "overview": "Changed after approval."}
    as_alice.post(edit_url(ready, "overview"), data)
    panel = as_alice.get(ready.get_absolute_url()).text.split('class="review-panel')[1]
    assert "Product Owner must decide again" in panel.split("</section>")[0]


# Old versions show the review as it was ----------------------------------------------------


@pytest.fixture
def clean(team, alice, bob):
    """A plan whose every change went through versions (no open question to resolve)."""
    plan = make_plan(team, alice, rows=0, title="Clean")
    assign_roles(plan=plan, user=alice, assignments=[("Product Owner", bob)])
    return plan


def test_an_old_version_shows_its_status_and_sign_offs_as_they_were(clean, alice, bob, as_alice):
    ready = clean
    request_signoff(plan=ready, user=alice)
    sign(ready, "Product Owner", bob)
    assert status(ready) == "approved"
    data = {**form_data(ready, "overview"), "overview": "Changed after approval."}
    as_alice.post(edit_url(ready, "overview"), data)
    current = as_alice.get(ready.get_absolute_url()).text
    old = as_alice.get(reverse("plans:version", args=[ready.pk, 1])).text
    assert 'id="plan-status" class="badge status-in_review' in current
    assert 'id="plan-status" class="badge status-approved' in old
    assert "Stale" in current.split('id="approval"')[1]
    approval_then = old.split('id="approval"')[1]
    assert "Stale" not in approval_then and "Bob Lead, 1.0 (version 1)" in approval_then


def test_an_old_version_does_not_show_roles_added_after_it(ready, alice, bob, as_alice):
    data = {**form_data(ready, "overview"), "overview": "A second version."}
    as_alice.post(edit_url(ready, "overview"), data)
    assign_roles(
        plan=ready, user=alice, assignments=[("Product Owner", bob), ("Security Lead", bob)]
    )
    old = as_alice.get(reverse("plans:version", args=[ready.pk, 1])).text
    assert "Security Lead" not in old.split('id="approval"')[1]
    assert "Security Lead" in as_alice.get(ready.get_absolute_url()).text


def test_the_history_marks_named_and_approved_versions_and_compares_named_ones(
    clean, alice, bob, as_alice
):
    request_signoff(plan=clean, user=alice, label="1.0")
    sign(clean, "Product Owner", bob, CHANGES, comment="More")
    for text in ("Second.", "Third."):
        data = {**form_data(clean, "overview"), "overview": text}
        as_alice.post(edit_url(clean, "overview"), data)
    request_signoff(plan=clean, user=alice, label="1.1")
    sign(clean, "Product Owner", bob)
    html = as_alice.get(reverse("plans:history", args=[clean.pk])).text
    assert 'title="sent for review as 1.0">1.0<' in html
    assert 'title="sent for review as 1.1">1.1<' in html
    assert html.count('badge text-bg-success">approved<') == 1
    assert 'id="cmp-from" name="from" min="1" max="3" value="1"' in html
    assert 'id="cmp-to" name="to" min="1" max="3" value="3"' in html


def test_only_the_author_or_a_maintainer_asks_for_review(ready, bob):
    with pytest.raises(WorkflowError, match="author or a maintainer"):
        request_signoff(plan=ready, user=bob)
    html = client_for(bob).get(ready.get_absolute_url()).text
    assert "Send version" not in html
