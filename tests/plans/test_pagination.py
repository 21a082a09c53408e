"""Whatever page number an address carries, the page answers (never a 500)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.views import BoundedCountPaginator

PAGES = ["9223372036854775807", "1" + "0" * 40, "-5", "0", "abc", "1e400", "2.5", ""]


@pytest.mark.parametrize("page", PAGES)
def test_the_plan_list_answers_any_page_number(as_alice, plan, page):
    response = as_alice.get(reverse("plans:list"), {"page": page})
    assert response.status_code == 200
    assert plan.title in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_the_history_answers_any_page_number(as_alice, plan, page):
    assert as_alice.get(reverse("plans:history", args=[plan.pk]), {"page": page}).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_the_inbox_answers_any_page_number(as_alice, plan, page):
    assert as_alice.get(reverse("notifications:inbox"), {"page": page}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"page": "9223372036854775807"},
        {"skip": "9223372036854775807", "before": "2026-01-01T00:00"},
        {"skip": "-1", "before": "0001-01-01T00:00"},
        {"before": "9999-12-31T23:59"},
        {"before": "not a date", "skip": "x"},
    ],
)
def test_the_activity_answers_any_cursor(as_alice, plan, query):
    assert as_alice.get(reverse("plans:activity"), query).status_code == 200


def test_the_paginator_reads_a_huge_number_as_the_last_page_it_reads():
    paginator = BoundedCountPaginator([], 25)
    assert paginator.get_page("9223372036854775807").number == 1  # no rows: the one page
