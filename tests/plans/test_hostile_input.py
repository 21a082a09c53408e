"""Pathological Markdown through the app (hypothesis): whatever an editor saves, previews or
imports, the answer is never a 5xx, the plan's pages still show, and an import never stores
more rows in a section than its form takes.

The strategies are in tests/plans/hostile_strategies.py; bench/hostile.py sends the same kinds
of input at full size over HTTP and times them. Each example runs in a savepoint rolled back
at its end, with every cache emptied: each starts from the fixtures' state.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from plans.content import ROW_MODELS, PlanContent
from plans.forms import MARKDOWN_FIELDS
from plans.models import Plan
from plans.sections import MAX_ROWS, SECTIONS
from tests.factories import make_plan
from tests.plans.editing import edit_url, form_data
from tests.plans.hostile_strategies import hostile_documents, hostile_markdown

# Each Markdown field a section form edits, with that section.
FIELD_SECTIONS = {name: s.key for s in SECTIONS for name in s.fields if name in MARKDOWN_FIELDS}
HEADINGS = [f"{'#' * s.level} {s.title}" for s in SECTIONS] + ["### Phase 1: Build"]

# What the review found, at the form's limits: a RecursionError from nesting, and seconds of
# parsing from runs of brackets and setext headings (bench/hostile.py times them over HTTP).
FOUND = ["- " * 1000 + "x", "> " * 1000 + "x", "1. " * 1000, "[" * 20_000, "a\n=\n" * 25_000]

hostile = settings(
    max_examples=25,
    deadline=None,
    database=None,  # nothing written into the tree; every run explores anew
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def target(team, alice):
    return make_plan(team, alice, title="Hostile")


@contextmanager
def isolated(*objects: models.Model) -> Iterator[None]:
    """One example: rate limits and rendered versions start empty (a rolled-back version 2 is
    not the next example's version 2), and nothing it writes outlives it."""
    for cache in caches.all():
        cache.clear()
    for obj in objects:
        obj.refresh_from_db()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("field", sorted(FIELD_SECTIONS))
@hostile
@example(text=FOUND[0])
@example(text=FOUND[1])
@example(text=FOUND[2])
@example(text=FOUND[3])
@example(text=FOUND[4])
@given(text=hostile_markdown())
def test_a_saved_markdown_field_keeps_the_plan_and_its_version_readable(
    as_alice, target, field, text
):
    with isolated(target):
        key = FIELD_SECTIONS[field]
        response = as_alice.post(edit_url(target, key), {**form_data(target, key), field: text})
        assert response.status_code in (302, 422)
        target.refresh_from_db()
        if response.status_code == 302:
            assert getattr(target, field) == text
        assert as_alice.get(target.get_absolute_url()).status_code == 200
        version = reverse("plans:version", args=[target.pk, target.version])
        assert as_alice.get(version).status_code == 200


@hostile
@example(field="overview", text=FOUND[0])
@example(field="overview", text=FOUND[3])
@example(field="overview", text=FOUND[4])
@given(field=st.sampled_from(sorted(MARKDOWN_FIELDS)), text=hostile_markdown())
def test_the_preview_answers_whatever_is_typed(as_alice, team, field, text):
    with isolated():
        url = reverse("plans:preview") + f"?field={field}"
        response = as_alice.post(url, {field: text}, HTTP_HX_REQUEST="true")
        assert response.status_code in (200, 429)


def post_import(client: Any, team: Any, document: str, how: str) -> Any:
    if how == "upload":
        file = SimpleUploadedFile("plan.md", document.encode(), content_type="text/markdown")
        return client.post(reverse("plans:import"), {"team": team.pk, "file": file})
    return client.post(reverse("plans:import"), {"team": team.pk, "text": document})


@hostile
@given(
    document=hostile_documents(HEADINGS, MAX_ROWS),
    how=st.sampled_from(["upload", "paste"]),
)
def test_an_import_stores_no_more_rows_than_a_form_takes_or_says_why(as_alice, team, document, how):
    with isolated():
        before = set(Plan.objects.values_list("pk", flat=True))
        response = post_import(as_alice, team, document, how)
        assert response.status_code in (302, 422)
        if response.status_code == 422:
            assert response.context["form"].errors
            return
        content = PlanContent.from_plan(Plan.objects.exclude(pk__in=before).get())
        assert max(len(content.rows(key)) for key in ROW_MODELS) <= MAX_ROWS
        assert all(len(phase.tasks) <= MAX_ROWS for phase in content.phases)
        assert as_alice.get(response["Location"]).status_code == 200  # the import report
        assert as_alice.get(content.plan.get_absolute_url()).status_code == 200
