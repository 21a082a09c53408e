"""The reader on the corpus of real plans (tests/fixtures/real/, sources and hand counts in
index.json): per document and in total, words lost, rows captured against the hand count, and
the fixed point. `pytest -s` prints the table; bench/corpus_report.py prints it for a note.

Targets: no word lost; at least 95% of the hand-counted rows captured overall (the issue asks
90%; 97% is where the reader stands, and the test keeps it from sliding back); no phantom row
(one made beyond the hand count) in any document; and every document a fixed point with the
template's headings once each, in template order.
"""

from __future__ import annotations

import pytest

from tests.plans.corpus import Measure, corpus, measure_all, table

pytestmark = pytest.mark.skipif(not corpus(), reason="no corpus index")


@pytest.fixture(scope="module")
def measures() -> list[Measure]:
    results = measure_all()
    print("\n" + table(results))
    return results


def test_the_corpus_has_at_least_28_documents(measures):
    assert len(measures) >= 28


def test_no_word_of_a_real_plan_is_lost(measures):
    assert {m.file: m.lost[:10] for m in measures if m.lost} == {}


def test_every_real_plan_is_a_fixed_point_with_the_template_headings_in_order(measures):
    assert [m.file for m in measures if not m.fixed_point] == []
    assert {m.file: m.order_problems for m in measures if m.order_problems} == {}


def test_at_least_95_percent_of_the_rows_are_captured(measures):
    hand = sum(m.hand_total for m in measures)
    captured = sum(m.captured for m in measures)
    assert captured / hand >= 0.95, f"{captured}/{hand}"


def test_no_phantom_rows(measures):
    assert {m.file: m.phantom for m in measures if m.phantom} == {}


@pytest.mark.parametrize("entry", corpus(), ids=[e["file"] for e in corpus()])
def test_every_real_plan_previews_imports_and_shows_through_the_pages(entry, as_alice, team):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from plans.models import Plan
    from tests.plans.corpus import REAL

    data = (REAL / entry["file"]).read_bytes()
    file = SimpleUploadedFile(entry["file"], data, content_type="text/markdown")
    preview = as_alice.post(
        reverse("plans:import"), {"team": team.pk, "file": file, "preview": "1"}, follow=True
    )
    assert preview.status_code == 200
    assert "Import preview" in preview.content.decode()
    url = preview.redirect_chain[-1][0]
    report = as_alice.post(url, {"action": "import"}, follow=True)
    assert "What went where" in report.content.decode()
    plan = Plan.objects.get(team=team)
    assert as_alice.get(plan.get_absolute_url()).status_code == 200
