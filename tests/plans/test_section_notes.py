"""Text an import kept inside a section (section_notes): shown on the plan page, edited in
that section's form like any field, versioned, compared and exported."""

from __future__ import annotations

from django.urls import reverse

from plans.models import Plan
from plans.services import import_plan
from tests.plans.editing import edit_url, form_data

HTMX = {"HTTP_HX_REQUEST": "true"}
DOCUMENT = (
    "# Plan: Offline sync\n\n## Risks and Mitigations\n\nReviewed with the security team.\n\n"
    "| Risk | Impact | Likelihood | Mitigation |\n|---|---|---|---|\n"
    "| Outage | High | Low | Retry |\n\n"
    "## Resources and Timeline\n\n### Team Members\n\nHiring two more in May.\n\n"
    "- Ann — Lead\n\n### Timeline\n\n- Kick-off with the whole team\n"
)


def imported(team, alice) -> Plan:
    plan, _ = import_plan(team=team, author=alice, document=DOCUMENT, filename="sync.md")
    return plan


def resources_data(plan: Plan) -> dict[str, str]:
    """As the browser posts it: the timeline's dates are not set, and post empty."""
    dates = {f"{phase}_{end}": "" for phase, _ in Plan.TIMELINE_PHASES for end in ("start", "end")}
    return {**dates, "deployment_date": "", **form_data(plan, "resources")}


def test_the_section_form_offers_the_notes_kept_from_the_import(as_alice, team, alice):
    plan = imported(team, alice)
    html = as_alice.get(edit_url(plan, "risks"), **HTMX).content.decode()
    assert "Notes kept from the imported document" in html
    assert "Reviewed with the security team." in html


def test_a_section_with_no_kept_notes_offers_no_notes_field(as_alice, plan):
    html = as_alice.get(edit_url(plan, "risks"), **HTMX).content.decode()
    assert "Notes kept from the imported document" not in html


def test_edited_notes_are_a_new_version_the_page_and_the_export_show(as_alice, team, alice):
    plan = imported(team, alice)
    data = form_data(plan, "risks") | {"notes-risks": "Reviewed with **legal** too."}
    response = as_alice.post(edit_url(plan, "risks"), data, **HTMX)
    assert "Saved as version 2." in response.content.decode()
    assert "<strong>legal</strong>" in response.content.decode()
    export = as_alice.get(reverse("plans:export", args=[plan.pk])).content.decode()
    assert "Reviewed with **legal** too." in export and "security team" not in export
    first = as_alice.get(reverse("plans:export", args=[plan.pk]), {"version": 1})
    assert "Reviewed with the security team." in first.content.decode()


def test_cleared_notes_are_removed(as_alice, team, alice):
    plan = imported(team, alice)
    data = form_data(plan, "risks") | {"notes-risks": "  \n"}
    as_alice.post(edit_url(plan, "risks"), data, **HTMX)
    plan.refresh_from_db()
    assert "risks" not in plan.section_notes and plan.version == 2
    page = as_alice.get(plan.get_absolute_url()).content.decode()
    assert "security team" not in page


def test_the_browsers_line_breaks_are_no_change(as_alice, team, alice):
    plan = imported(team, alice)
    data = resources_data(plan) | {"notes-timeline": "- Kick-off\r\n- with the whole team"}
    as_alice.post(edit_url(plan, "resources"), data, **HTMX)  # version 2: two lines
    plan.refresh_from_db()
    assert plan.section_notes["timeline"] == "- Kick-off\n- with the whole team"
    data["edit-version"] = "2"  # the form as the browser posts it again, CRLF and all
    response = as_alice.post(edit_url(plan, "resources"), data, **HTMX)
    assert "No changes: nothing was saved." in response.content.decode()


def test_a_section_keeping_two_notes_labels_each(as_alice, team, alice):
    plan = imported(team, alice)
    html = as_alice.get(edit_url(plan, "resources"), **HTMX).content.decode()
    assert "Notes kept from the imported document: Team Members" in html
    assert "Notes kept from the imported document: Timeline" in html
    data = resources_data(plan) | {"notes-team_members": "Hiring three in June."}
    as_alice.post(edit_url(plan, "resources"), data, **HTMX)
    plan.refresh_from_db()
    assert plan.section_notes["team_members"] == "Hiring three in June."
    assert plan.section_notes["timeline"] == "- Kick-off with the whole team"  # unchanged


def test_compare_shows_the_notes_change(as_alice, team, alice):
    plan = imported(team, alice)
    data = form_data(plan, "risks") | {"notes-risks": "Reviewed with the legal team."}
    as_alice.post(edit_url(plan, "risks"), data, **HTMX)
    url = reverse("plans:compare", args=[plan.pk])
    html = as_alice.get(url, {"from": 1, "to": 2}).content.decode()
    assert "Notes kept from the imported document" in html
    assert "legal" in html


def test_saving_notes_keeps_the_query_budget(as_alice, team, alice, django_assert_max_num_queries):
    plan = imported(team, alice)
    data = resources_data(plan) | {"notes-team_members": "Hiring three in June."}
    with django_assert_max_num_queries(39):  # as any save: test_editing's budget
        response = as_alice.post(edit_url(plan, "resources"), data, **HTMX)
    assert "Saved as version 2." in response.content.decode()


def test_a_post_without_the_notes_leaves_them_as_they_are(as_alice, team, alice):
    """As a form opened before the notes came back (a restore) or an API body posts it."""
    plan = imported(team, alice)
    data = form_data(plan, "risks")
    del data["notes-risks"]
    data["risks-0-mitigation"] = "Retry twice"
    assert "Saved as version 2." in as_alice.post(edit_url(plan, "risks"), data, **HTMX).text
    plan.refresh_from_db()
    assert plan.section_notes["risks"] == "Reviewed with the security team."


def test_restoring_a_version_brings_its_notes_back(as_alice, team, alice):
    plan = imported(team, alice)
    data = form_data(plan, "risks") | {"notes-risks": ""}
    as_alice.post(edit_url(plan, "risks"), data, **HTMX)
    url = reverse("plans:version_restore", args=[plan.pk, 1])
    as_alice.post(url, {"current": 2, "confirm": "on"})
    plan.refresh_from_db()
    assert plan.version == 3
    assert plan.section_notes["risks"] == "Reviewed with the security team."
