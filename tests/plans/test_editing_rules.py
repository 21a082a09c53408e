"""Validation, conflicts, permissions and hostile input on the section edit URLs."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse

from plans.content import ROW_MODELS
from plans.models import Plan, PlanVersion, Risk
from plans.sections import SECTIONS
from tests.conftest import client_for
from tests.factories import make_plan, make_team, make_user
from tests.plans.editing import edit_url, form_data

HTMX = {"HTTP_HX_REQUEST": "true"}
EDITABLE = [s.key for s in SECTIONS if s.editable]


def snapshot(plan: Plan) -> tuple:
    rows = tuple(
        tuple(
            model._default_manager.filter(plan=plan).values_list(
                "id", "position", *model.content_fields
            )
        )
        for model in ROW_MODELS.values()
    )
    return (
        Plan.objects.filter(pk=plan.pk).values().get()["version"],
        rows,
        PlanVersion.objects.filter(plan=plan).count(),
    )


# Validation ------------------------------------------------------------------------------


def test_an_end_before_its_start_is_shown_next_to_the_field_with_the_input_kept(as_alice, plan):
    data = {
        **form_data(plan, "resources"),
        "testing_start": "2026-05-10",
        "testing_end": "2026-05-01",
    }
    before = snapshot(plan)
    response = as_alice.post(edit_url(plan, "resources"), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Testing cannot end before it starts (2026-05-10)." in html
    assert 'value="2026-05-01"' in html
    assert snapshot(plan) == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Ensure this value is greater than or equal to 0."),
        ("1.234", "Ensure that there are no more than 2 decimal places."),
        ("lots", "Enter a number."),
    ],
)
def test_a_bad_effort_is_refused_next_to_the_field(as_alice, plan, value, message):
    data = {**form_data(plan, "phases"), "phases-0-effort": value, "phases-0-name": "Renamed"}
    response = as_alice.post(edit_url(plan, "phases"), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert message in html
    assert 'value="Renamed"' in html


def test_an_empty_required_field_is_refused(as_alice, plan):
    data = {**form_data(plan, "risks"), "risks-0-risk": ""}
    response = as_alice.post(edit_url(plan, "risks"), data, **HTMX)
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


def test_an_http_method_outside_the_list_is_refused(as_alice, plan):
    data = {**form_data(plan, "api_endpoints"), "api_endpoints-0-method": "BREW"}
    response = as_alice.post(edit_url(plan, "api_endpoints"), data, **HTMX)
    assert (
        "Select a valid choice. BREW is not one of the available choices."
        in response.content.decode()
    )


def test_markdown_over_the_size_limit_is_refused(as_alice, plan):
    data = {**form_data(plan, "overview"), "overview": "x" * 100_001}
    response = as_alice.post(edit_url(plan, "overview"), data, **HTMX)
    assert response.status_code == 422
    assert "Ensure this value has at most 100000 characters" in response.content.decode()


def test_the_limits_are_stated_in_the_form(as_alice, plan):
    html = as_alice.get(edit_url(plan, "overview"), **HTMX).content.decode()
    assert "Markdown, up to 100 KB." in html
    assert 'maxlength="200"' in html


# Conflicts -------------------------------------------------------------------------------


def test_a_save_on_an_older_version_of_the_section_is_refused_with_what_changed(
    as_alice, plan, bob
):
    alice_form = form_data(plan, "risks")  # alice opens the form at version 1
    bob_form = {
        **form_data(plan, "risks"),
        "risks-0-impact": "medium",
        "edit-summary": "Less scary",
    }
    client_for(bob).post(edit_url(plan, "risks"), bob_form, **HTMX)  # bob saves version 2

    alice_form["risks-0-mitigation"] = "Alice's careful mitigation"
    response = as_alice.post(edit_url(plan, "risks"), alice_form, **HTMX)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Risks and Mitigations changed since you opened it" in html
    assert "Version 2 by <strong>Bob Lead</strong>" in html and "Less scary" in html
    assert "Alice&#x27;s careful mitigation" in html  # her input is kept
    assert 'name="edit-version" value="2"' in html  # …ready to re-apply on version 2
    assert Risk.objects.get(plan=plan).mitigation == "Test"


def test_re_applying_after_a_conflict_keeps_both_changes(as_alice, plan, bob):
    alice_form = form_data(plan, "risks")
    bob_form = {**form_data(plan, "risks"), "risks-0-impact": "medium"}
    client_for(bob).post(edit_url(plan, "risks"), bob_form, **HTMX)
    alice_form["risks-0-mitigation"] = "Alice's mitigation"
    response = as_alice.post(edit_url(plan, "risks"), alice_form, **HTMX)  # 409
    html = response.content.decode()
    assert "<del>High</del> → <ins>Medium</ins>" in html  # what bob changed
    assert '<option value="medium" selected>' in html  # bob's value, merged into her form
    assert "You both changed" not in html
    merged = form_data(plan, "risks")  # the form as re-rendered: theirs plus hers
    merged["risks-0-mitigation"] = "Alice's mitigation"
    response = as_alice.post(edit_url(plan, "risks"), merged, **HTMX)
    assert "Saved as version 3." in response.content.decode()
    risk = Risk.objects.get(plan=plan)
    assert (risk.impact, risk.mitigation) == ("medium", "Alice's mitigation")


def test_a_clash_on_the_same_field_is_listed(as_alice, plan, bob):
    alice_form = form_data(plan, "risks")
    bob_form = {**form_data(plan, "risks"), "risks-0-mitigation": "Bob's"}
    client_for(bob).post(edit_url(plan, "risks"), bob_form, **HTMX)
    alice_form["risks-0-mitigation"] = "Alice's"
    html = as_alice.post(edit_url(plan, "risks"), alice_form, **HTMX).content.decode()
    assert "You both changed" in html
    assert "mitigation of risk “Risk 1”" in html


def test_the_merge_keeps_rows_each_side_added_and_drops_rows_removed(as_alice, team, alice, bob):
    plan = make_plan(team, alice, rows=2)
    alice_form = form_data(plan, "goals")
    bob_form = {**form_data(plan, "goals"), "goals-TOTAL_FORMS": "3", "goals-2-text": "Bob's goal"}
    bob_form["goals-2-ORDER"] = "3"
    client_for(bob).post(edit_url(plan, "goals"), bob_form, **HTMX)
    alice_form.update({"goals-0-DELETE": "on", "goals-TOTAL_FORMS": "3", "goals-2-text": "Alice's"})
    html = as_alice.post(edit_url(plan, "goals"), alice_form, **HTMX).content.decode()
    values = re.findall(r'name="goals-\d+-text"[^>]*value="([^"]*)"', html)
    assert values == ["Goal 2", "Bob&#x27;s goal", "Alice&#x27;s"]


def test_a_row_removed_by_someone_else_is_a_conflict_to_merge_not_an_error(
    as_alice, team, alice, bob
):
    plan = make_plan(team, alice, rows=2)
    alice_form = form_data(plan, "goals")
    bob_form = {**form_data(plan, "goals"), "goals-0-DELETE": "on"}
    client_for(bob).post(edit_url(plan, "goals"), bob_form, **HTMX)
    alice_form["goals-1-text"] = "Alice's goal 2"

    response = as_alice.post(edit_url(plan, "goals"), alice_form, **HTMX)

    assert response.status_code == 409
    html = response.content.decode()
    values = re.findall(r'name="goals-\d+-text"[^>]*value="([^"]*)"', html)
    assert values == ["Alice&#x27;s goal 2"]  # bob's removal kept, her change merged
    merged = {**form_data(plan, "goals"), "goals-0-text": "Alice's goal 2"}
    assert "Saved as version 3." in as_alice.post(edit_url(plan, "goals"), merged, **HTMX).text


def test_saves_to_different_sections_do_not_conflict(as_alice, plan, bob):
    alice_form = {**form_data(plan, "overview"), "overview": "Alice's overview"}
    bob_form = {**form_data(plan, "risks"), "risks-0-impact": "medium"}
    client_for(bob).post(edit_url(plan, "risks"), bob_form, **HTMX)
    response = as_alice.post(edit_url(plan, "overview"), alice_form, **HTMX)
    assert "Saved as version 3." in response.content.decode()
    assert Risk.objects.get(plan=plan).impact == "medium"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrency is proven on PostgreSQL; SQLite's in-memory test database locks tables",
)
@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_the_same_section_at_once_get_one_save_and_one_conflict(db):
    alice, bob = make_user("alice"), make_user("bob")
    plan = make_plan(make_team("Payments", alice="editor", bob="editor"), alice)
    forms = {user: form_data(plan, "overview") for user in (alice, bob)}
    barrier, statuses = threading.Barrier(2, timeout=20), []

    def save(user):
        try:
            client = client_for(user)
            barrier.wait()
            data = {**forms[user], "overview": f"By {user.username}"}
            statuses.append(client.post(edit_url(plan, "overview"), data, **HTMX).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(u,)) for u in (alice, bob)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 409]
    plan.refresh_from_db()
    assert plan.version == 2
    assert PlanVersion.objects.filter(plan=plan).count() == 2


# Permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", EDITABLE)
def test_viewers_and_managers_get_403_on_every_edit_url(as_victor, as_carol, plan, key):
    for client in (as_victor, as_carol):
        assert client.get(edit_url(plan, key)).status_code == 403
        assert client.post(edit_url(plan, key), form_data(plan, key)).status_code == 403
    assert snapshot(plan)[0] == 1


@pytest.mark.parametrize("key", EDITABLE)
def test_outsiders_get_404_and_anonymous_users_the_login_page(as_mallory, plan, key):
    assert as_mallory.post(edit_url(plan, key), form_data(plan, key)).status_code == 404
    response = Client().post(edit_url(plan, key), form_data(plan, key))
    assert response["Location"].startswith("/accounts/login/")


def test_viewers_see_no_edit_control(as_victor, as_alice, plan):
    assert "Edit<span" not in as_victor.get(plan.get_absolute_url()).content.decode()
    assert "Edit<span" in as_alice.get(plan.get_absolute_url()).content.decode()


# Hostile input ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", EDITABLE)
def test_missing_management_forms_and_wrong_types_never_500(as_alice, plan, key):
    before = snapshot(plan)
    attacks = [
        {},
        {"edit-version": "1"},
        {**form_data(plan, key), "edit-version": "not a number"},
        {**form_data(plan, key), "edit-version": "99"},
        {k: v for k, v in form_data(plan, key).items() if not k.endswith("TOTAL_FORMS")},
        {**form_data(plan, key), **{k: "9" * 30 for k in form_data(plan, key) if "FORMS" in k}},
        {**dict.fromkeys(form_data(plan, key), "x" * 300000), "edit-version": "1"},
        {**form_data(plan, key), "add_row": "nonsense"},
    ]
    for data in attacks:
        response = as_alice.post(edit_url(plan, key), data, **HTMX)
        assert response.status_code in (200, 400, 409, 422), (data.keys(), response.status_code)
    assert snapshot(plan) == before


def test_rows_of_another_plan_cannot_be_edited_through_this_one(as_alice, team, alice):
    mine, theirs = make_plan(team, alice), make_plan(team, alice, title="Other")
    foreign = Risk.objects.get(plan=theirs)
    data = {**form_data(mine, "risks"), "risks-0-id": str(foreign.pk), "risks-0-risk": "Hijacked"}
    response = as_alice.post(edit_url(mine, "risks"), data, **HTMX)
    assert response.status_code == 422
    assert "no longer belongs to the plan" in response.content.decode()
    assert Risk.objects.get(pk=foreign.pk).risk == "Risk 1"


def test_a_failure_during_a_save_leaves_the_plan_as_it_was(as_alice, plan, monkeypatch):
    before = snapshot(plan)

    def fail(*args, **kwargs):
        raise IntegrityError("disk full")

    monkeypatch.setattr(PlanVersion.objects, "create", fail)
    data = {**form_data(plan, "risks"), "risks-0-risk": "Changed", "risks-TOTAL_FORMS": "2"}
    data.update({"risks-1-risk": "Added", "risks-1-impact": "low", "risks-1-likelihood": "low"})
    with pytest.raises(IntegrityError):
        as_alice.post(edit_url(plan, "risks"), data, **HTMX)
    assert snapshot(plan) == before


# Create, duplicate, archive --------------------------------------------------------------


def test_alice_creates_a_plan_in_a_team_she_edits(as_alice, team):
    response = as_alice.post(reverse("plans:create"), {"title": "Dark Mode", "team": team.pk})
    plan = Plan.objects.get(title="Dark Mode")
    assert response["Location"] == plan.get_absolute_url()
    assert (plan.version, plan.status, plan.team) == (1, "draft", team)


def test_a_viewer_cannot_create_a_plan_in_that_team(as_victor, team):
    response = as_victor.post(reverse("plans:create"), {"title": "Sneaky", "team": team.pk})
    assert response.status_code == 422
    assert not Plan.objects.filter(title="Sneaky").exists()
    assert "not an editor in any team" in response.content.decode()


def test_duplicate_copies_every_section_into_a_new_draft(as_alice, team, alice):
    plan = make_plan(team, alice, rows=3, tasks=2)
    response = as_alice.post(reverse("plans:duplicate", args=[plan.pk]))
    copy = Plan.objects.get(title="Copy of Offline Sync")
    assert response["Location"] == copy.get_absolute_url()
    for model in ROW_MODELS.values():
        original = list(model.objects.filter(plan=plan).values_list(*model.content_fields))
        assert list(model.objects.filter(plan=copy).values_list(*model.content_fields)) == original
    assert copy.overview == plan.overview


def test_a_viewer_cannot_duplicate_or_archive(as_victor, plan):
    assert as_victor.post(reverse("plans:duplicate", args=[plan.pk])).status_code == 403
    assert as_victor.post(reverse("plans:archive", args=[plan.pk])).status_code == 403


def test_archive_hides_the_plan_keeps_it_readable_and_can_be_undone(as_alice, plan):
    as_alice.post(reverse("plans:archive", args=[plan.pk]), {"archive": "1"})
    assert "Offline Sync" not in as_alice.get(reverse("plans:list")).content.decode()
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    assert "This plan is archived" in html and "Edit<span" not in html
    assert as_alice.get(edit_url(plan, "overview")).status_code == 403
    as_alice.post(reverse("plans:archive", args=[plan.pk]), {"archive": "0"})
    assert "Offline Sync" in as_alice.get(reverse("plans:list")).content.decode()
    assert plan.history.filter(history_change_reason="Archived").exists()


def test_archive_is_post_only(as_alice, plan):
    assert as_alice.get(reverse("plans:archive", args=[plan.pk])).status_code == 405
