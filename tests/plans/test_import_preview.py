"""The import preview: what goes where, before anything is created; re-mapping a heading."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from plans.content import PlanContent
from plans.models import ImportDraft, Plan

DOCUMENT = (
    "# Plan: Offline sync\n\n## Goals\n\n- Work offline\n- Sync later\n\n"
    "## Hazards\n\n- Data loss\n\n## Glossary\n\nSync: the merge.\n"
)


def preview(client, team, text: str = DOCUMENT):
    file = SimpleUploadedFile("sync.md", text.encode(), content_type="text/markdown")
    return client.post(
        reverse("plans:import"), {"team": team.pk, "file": file, "preview": "1"}, follow=True
    )


def test_uploading_for_a_preview_shows_what_goes_where_and_creates_nothing(as_alice, team):
    html = preview(as_alice, team).content.decode()
    assert not Plan.objects.exists()
    assert "Import preview: sync.md" in html
    assert "2 rows in 1 section; 2 passages kept as notes" in html
    assert '<option value="goals" selected>Primary Goals</option>' in html
    assert "Hazards" in html and "Glossary" in html
    assert "Nothing structured" not in html


def test_a_heading_re_mapped_without_javascript_updates_the_preview(as_alice, team):
    draft_url = preview(as_alice, team).redirect_chain[-1][0]
    html = as_alice.post(draft_url, {"heading-2": "risks", "action": "update"}).content.decode()
    assert '<option value="risks" selected>Risks and Mitigations</option>' in html
    assert "1 Risks" in html
    assert not Plan.objects.exists()


def test_htmx_gets_only_the_preview_back(as_alice, team):
    draft_url = preview(as_alice, team).redirect_chain[-1][0]
    response = as_alice.post(draft_url, {"heading-3": "notes"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="import-preview"' in html and "<html" not in html


def test_import_creates_the_plan_with_the_chosen_mapping_and_forgets_the_draft(as_alice, team):
    draft_url = preview(as_alice, team).redirect_chain[-1][0]
    as_alice.post(draft_url, {"heading-2": "risks", "action": "update"})
    response = as_alice.post(draft_url, {"action": "import"}, follow=True)
    plan = Plan.objects.get()
    content = PlanContent.from_plan(plan)
    assert [r.risk for r in content.risks] == ["Data loss"]
    assert [g.text for g in content.goals] == ["Work offline", "Sync later"]
    assert "What went where" in response.content.decode()
    assert not ImportDraft.objects.exists()
    assert as_alice.get(draft_url).status_code == 404  # a second Import creates nothing


def test_another_users_preview_is_not_found(as_alice, as_carol, team):
    draft_url = preview(as_alice, team).redirect_chain[-1][0]
    assert as_carol.get(draft_url).status_code == 404
    assert as_carol.post(draft_url, {"action": "import"}).status_code == 404
    assert not Plan.objects.exists()


def test_a_stale_preview_is_gone(as_alice, team):
    draft_url = preview(as_alice, team).redirect_chain[-1][0]
    ImportDraft.objects.update(created_at=timezone.now() - dt.timedelta(hours=3))
    assert as_alice.get(draft_url).status_code == 404


def test_a_person_keeps_a_few_drafts_at_most(as_alice, team):
    for _ in range(ImportDraft.DRAFTS_PER_USER + 3):
        preview(as_alice, team)
    assert ImportDraft.objects.count() == ImportDraft.DRAFTS_PER_USER


def test_a_document_with_nothing_structured_says_so(as_alice, team):
    html = preview(as_alice, team, "Just some prose.\n\nAnd more prose.\n").content.decode()
    assert "Nothing structured was found in this document" in html


def test_the_report_says_the_totals(as_alice, team):
    file = SimpleUploadedFile("sync.md", DOCUMENT.encode(), content_type="text/markdown")
    response = as_alice.post(reverse("plans:import"), {"team": team.pk, "file": file}, follow=True)
    assert "2 rows in 1 section; 2 passages kept as notes." in response.content.decode()


def test_showing_the_preview_again_shows_the_kept_reading(as_alice, team):
    """A long document is read once per upload or re-mapping, not once per page view."""
    draft_url = preview(as_alice, team).redirect_chain[-1][0]
    ImportDraft.objects.update(document="# Plan: Something else\n")
    html = as_alice.get(draft_url).content.decode()
    assert "2 rows in 1 section; 2 passages kept as notes" in html


def test_a_draft_kept_without_its_reading_is_read_when_shown(as_alice, team):
    draft_url = preview(as_alice, team).redirect_chain[-1][0]
    ImportDraft.objects.update(reading={})  # as drafts kept before readings were
    html = as_alice.get(draft_url).content.decode()
    assert "2 rows in 1 section; 2 passages kept as notes" in html
    assert (
        ImportDraft.objects.get().reading["summary"]
        == "2 rows in 1 section; 2 passages kept as notes"
    )
