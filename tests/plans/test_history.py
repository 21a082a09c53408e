from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plans.content import PlanContent
from plans.models import Plan, PlanVersion, Risk
from plans.sections import SECTIONS
from plans.versions import content_at
from tests.factories import make_plan
from tests.plans.editing import edit_url, form_data

HTMX = {"HTTP_HX_REQUEST": "true"}


def save(client, plan, key, **changes):
    data = {**form_data(plan, key), **changes}
    response = client.post(edit_url(plan, key), data, **HTMX)
    assert "Saved as version" in response.content.decode(), response.content.decode()[:1500]


def sections_html(html: str) -> list[str]:
    """The rendered sections of a plan page, without the per-user edit and comment controls."""
    found = re.findall(r'<section id="[^"]+" class="plan-section.*?</section>', html, re.S)
    controls = r'<a class="(btn[^"]*(edit|comment)-link|row-comment)[^>]*>.*?</a>'
    without_controls = (re.sub(controls, "", s, flags=re.S) for s in found)
    return [re.sub(r"\s+", " ", s) for s in without_controls]


@pytest.fixture
def edited(as_alice, plan):
    """Version 2 changes a risk's impact, 3 adds a risk and rewords the overview, 4 moves them."""
    save(as_alice, plan, "risks", **{"risks-0-impact": "medium", "edit-summary": "Calmer"})
    save(
        as_alice,
        plan,
        "risks",
        **{
            "risks-TOTAL_FORMS": "2",
            "risks-1-risk": "Clock skew",
            "risks-1-impact": "high",
            "risks-1-likelihood": "medium",
            "risks-1-ORDER": "2",
        },
    )
    save(as_alice, plan, "overview", overview="Let people **edit offline** and sync later.")
    save(as_alice, plan, "risks", **{"risks-0-ORDER": "2", "risks-1-ORDER": "1"})
    plan.refresh_from_db()
    return plan


def test_each_save_is_one_numbered_version_with_author_sections_and_summary(edited, alice):
    versions = list(PlanVersion.objects.filter(plan=edited).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3, 4, 5]
    assert versions[1].summary == "Calmer"
    assert versions[3].changed_sections == ["overview"]
    assert {v.author for v in versions} == {alice}
    assert Risk.history.filter(plan_id=edited.pk, plan_version=3).count() == 1


def test_a_version_page_renders_the_plan_exactly_as_it_was(as_alice, team, alice):
    plan = make_plan(team, alice, rows=3)
    pages = {1: sections_html(as_alice.get(plan.get_absolute_url()).content.decode())}
    save(as_alice, plan, "goals", **{"goals-1-DELETE": "on", "goals-0-text": "Goal one"})
    pages[2] = sections_html(as_alice.get(plan.get_absolute_url()).content.decode())
    save(
        as_alice,
        plan,
        "phases",
        **{"phases-0-tasks-0-text": "Renamed task", "phases-2-effort": "9"},
    )
    for number, sections in pages.items():
        url = reverse("plans:version", args=[plan.pk, number])
        old = sections_html(as_alice.get(url).content.decode())
        # Approval (its actions act on the current plan) and Changelog (later versions) aside.
        assert old[:-2] == sections[:-2]


def test_a_version_page_is_marked_old_and_offers_compare_and_restore(as_alice, edited):
    html = as_alice.get(reverse("plans:version", args=[edited.pk, 2])).content.decode()
    assert "Old version." in html and "version 2 of 5" in html
    assert "Compare with current" in html and "Restore this version" in html
    assert "Edit<span" not in html


def test_the_history_lists_versions_newest_first(as_carol, edited):
    html = as_carol.get(reverse("plans:history", args=[edited.pk])).content.decode()
    numbers = re.findall(r">v(\d+)</a>", html)
    assert numbers == ["5", "4", "3", "2", "1"]
    assert "Calmer" in html and "Risks and Mitigations" in html


def test_the_history_writes_what_people_typed_as_text(as_carol, edited, alice):
    """Rows are written in Python (plan_tags.version_rows): a summary, a version's name and a
    person's name are escaped there as the template escaped them."""
    from plans.models import NamedVersion

    PlanVersion.objects.filter(plan=edited, number=2).update(summary="<script>x()</script>")
    NamedVersion.objects.create(
        plan=edited,
        team=edited.team,
        number=3,
        label='1.0"><b>',
        author=alice,
        created_at=timezone.now(),
    )
    get_user_model().objects.filter(pk=alice.pk).update(first_name="<i>Al</i>")
    html = as_carol.get(reverse("plans:history", args=[edited.pk])).content.decode()
    assert "<script>x()" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
    assert 'title="sent for review as 1.0&quot;&gt;&lt;b&gt;">1.0&quot;&gt;&lt;b&gt;<' in html
    assert "<i>Al</i>" not in html and "&lt;i&gt;Al&lt;/i&gt; Author" in html


def test_compare_reads_a_row_change_as_one_change(as_carol, edited):
    html = as_carol.get(reverse("plans:compare", args=[edited.pk]), {"from": 1, "to": 2})
    html = html.content.decode()
    assert re.search(r"Changed</span> risk <em>Risk 1</em>", html)
    assert "<del>High</del> → <ins>Medium</ins>" in html
    assert "Added" not in html and "Removed" not in html
    assert "14 sections unchanged" in html


def test_compare_shows_added_rows_word_diffs_and_moves(as_carol, edited):
    html = as_carol.get(reverse("plans:compare", args=[edited.pk]), {"from": 2, "to": 5})
    html = html.content.decode()
    assert "Added</span> risk <ins>Clock skew</ins>" in html
    assert "Let people **edit offline**<ins> and sync later</ins>." in html
    assert "Moved</span> risk <em>Risk 1</em> from position 1 to 2" not in html  # added row
    moved = as_carol.get(reverse("plans:compare", args=[edited.pk]), {"from": 4, "to": 5})
    assert "from position 2 to 1" in moved.content.decode()


def test_compare_works_backwards(as_carol, edited):
    html = as_carol.get(reverse("plans:compare", args=[edited.pk]), {"from": 3, "to": 2})
    html = html.content.decode()
    assert "Removed</span> risk <del>Clock skew</del>" in html
    assert "comparing backwards" in html


@pytest.mark.parametrize("query", [{"from": 1, "to": 99}, {"from": "x", "to": 1}])
def test_compare_of_a_version_that_does_not_exist_is_404(as_carol, edited, query):
    assert as_carol.get(reverse("plans:compare", args=[edited.pk]), query).status_code == 404


def test_restore_makes_a_new_version_with_the_old_content(as_alice, edited):
    history_before = Risk.history.filter(plan_id=edited.pk).count()
    url = reverse("plans:version_restore", args=[edited.pk, 2])
    response = as_alice.post(url, {"current": 5, "confirm": "on"})
    assert response["Location"] == edited.get_absolute_url()
    edited.refresh_from_db()
    assert edited.version == 6
    version = PlanVersion.objects.get(plan=edited, number=6)
    assert version.summary == "Restored version 2"
    assert set(version.changed_sections) == {"overview", "risks"}
    restored = PlanContent.from_plan(edited)
    assert [(r.risk, r.impact) for r in restored.risks] == [("Risk 1", "medium")]
    assert (
        Risk.history.filter(plan_id=edited.pk).count() > history_before
    )  # appended, not rewritten
    assert content_at(edited, 3).risks[1].risk == "Clock skew"


def test_restore_brings_removed_rows_back_with_their_identity(as_alice, team, alice):
    plan = make_plan(team, alice, rows=2)
    first = Risk.objects.filter(plan=plan).first()
    save(as_alice, plan, "risks", **{"risks-0-DELETE": "on"})
    as_alice.post(
        reverse("plans:version_restore", args=[plan.pk, 1]), {"current": 2, "confirm": "on"}
    )
    assert Risk.objects.filter(plan=plan, pk=first.pk).exists()


def test_restore_on_a_plan_that_changed_since_is_refused(as_alice, edited):
    url = reverse("plans:version_restore", args=[edited.pk, 2])
    response = as_alice.post(url, {"current": 4, "confirm": "on"}, follow=True)
    assert "changed since you looked" in response.content.decode()
    assert Plan.objects.get(pk=edited.pk).version == 5


def test_restore_needs_confirmation_post_and_an_editor(as_alice, as_victor, edited):
    url = reverse("plans:version_restore", args=[edited.pk, 2])
    assert as_alice.get(url).status_code == 405
    as_alice.post(url, {"current": 5})
    assert as_victor.post(url, {"current": 5, "confirm": "on"}).status_code == 403
    assert Plan.objects.get(pk=edited.pk).version == 5


def test_the_changelog_lists_named_versions_not_every_save(as_alice, edited, alice):
    from approvals.services import request_signoff

    html = as_alice.get(edited.get_absolute_url()).text
    assert "No named version yet" in html.split('id="changelog"')[1]
    edited.team.allow_self_signoff = True  # alice is her own lead here
    edited.team.save()
    from approvals.models import SignoffRole

    SignoffRole.objects.create(plan=edited, name="Product Owner", assignee=alice)
    request_signoff(plan=edited, user=alice, summary="First full draft")
    changelog = as_alice.get(edited.get_absolute_url()).text.split('id="changelog"')[1]
    assert ">1.0</a></td><td>First full draft</td><td>Alice Author</td>" in changelog
    assert "Calmer" not in changelog


@pytest.mark.parametrize("name", ["history", "version", "compare"])
def test_history_urls_follow_the_plan_visibility(plan, as_mallory, as_victor, name):
    args = [plan.pk, 1] if name == "version" else [plan.pk]
    url = reverse(f"plans:{name}", args=args) + ("?from=1&to=1" if name == "compare" else "")
    assert Client().get(url)["Location"].startswith("/accounts/login/")
    assert as_mallory.get(url).status_code == 404
    assert as_victor.get(url).status_code == 200


def test_the_history_page_runs_a_constant_number_of_queries(
    as_alice, plan, django_assert_max_num_queries
):
    for i in range(60):
        save(as_alice, plan, "overview", overview=f"Take {i}")
    with django_assert_max_num_queries(10):
        response = as_alice.get(reverse("plans:history", args=[plan.pk]))
    assert "Page 1 of 2" in response.content.decode()


def test_version_and_compare_pages_run_a_constant_number_of_queries(
    as_alice, team, alice, django_assert_max_num_queries
):
    plan = make_plan(team, alice, rows=50, tasks=5)
    save(as_alice, plan, "risks", **{"risks-3-impact": "low"})
    with django_assert_max_num_queries(25):
        as_alice.get(reverse("plans:version", args=[plan.pk, 1]))
    with django_assert_max_num_queries(40):
        response = as_alice.get(reverse("plans:compare", args=[plan.pk]), {"from": 1, "to": 2})
    assert "<del>High</del> → <ins>Low</ins>" in response.content.decode()


def test_history_cannot_be_rewritten_from_the_admin(plan, client):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")
    client.force_login(admin)
    record = plan.history.first()
    url = reverse("admin:plans_plan_simple_history", args=[plan.pk, record.history_id])
    assert "Revert" not in client.get(url).content.decode()
    client.post(url, {"title": "Rewritten"})
    assert Plan.objects.get(pk=plan.pk).title == "Offline Sync"
    assert not plan.history.filter(title="Rewritten").exists()


def test_every_section_is_compared(edited):
    from plans.diff import diff_plans

    keys = [d.section.key for d in diff_plans(content_at(edited, 1), content_at(edited, 5))]
    assert keys == [s.key for s in SECTIONS if s.editable]


def test_a_comparison_is_kept_as_rendered_and_the_plan_around_it_is_read_anew(
    as_alice, team, alice, django_assert_max_num_queries
):
    plan = make_plan(team, alice, rows=20, tasks=2)
    save(as_alice, plan, "risks", **{"risks-3-impact": "low"})
    url = reverse("plans:compare", args=[plan.pk])
    first = as_alice.get(url, {"from": 1, "to": 2}).content.decode()
    Plan.objects.filter(pk=plan.pk).update(title="Renamed meanwhile")

    # Kept: neither version is read again, whatever the plan's size.
    with django_assert_max_num_queries(10):
        again = as_alice.get(url, {"from": 1, "to": 2}).content.decode()

    assert "<del>High</del> → <ins>Low</ins>" in again
    assert (
        first.split("Legend:")[1].split("</main>")[0]
        == again.split("Legend:")[1].split("</main>")[0]
    )
    assert "Renamed meanwhile" in again
