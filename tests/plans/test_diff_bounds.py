"""Word diffs take bounded time: a change too different to diff in time is shown whole."""

from __future__ import annotations

import random
import time

import pytest
from django.urls import reverse

from plans import diff
from plans.diff import TextDiff, _moved_ids
from tests.plans.test_history import save


def every_third_word_changed(words: int) -> tuple[str, str]:
    rng = random.Random(13)
    old = [rng.choice(["lorem", "ipsum", "dolor", "a", "b"]) for _ in range(words)]
    new = [w if i % 3 else "changed" for i, w in enumerate(old)]
    return " ".join(old), " ".join(new)


REPETITIVE = {
    "swapped pairs": ("a b " * 5_000, "b a " * 5_000),
    "every third word": every_third_word_changed(3_400),
    "punctuation": (".," * 10_000, ",." * 10_000),
}


@pytest.mark.parametrize(("old", "new"), REPETITIVE.values(), ids=REPETITIVE.keys())
def test_two_20_kb_repetitive_texts_diff_well_under_a_second(old, new):
    started = time.perf_counter()
    TextDiff.of(old, new)
    assert time.perf_counter() - started < 1.0


def test_a_small_edit_reads_word_by_word():
    parts = TextDiff.of("Let people **edit offline**.", "Let people **edit offline** now.").parts
    assert parts == [("equal", "Let people **edit offline**"), ("insert", " now"), ("equal", ".")]


def test_a_rewrite_reads_whole():
    change = TextDiff.of("The old plan", "Something else entirely new")
    assert change.parts == [
        ("delete", "The old plan"),
        ("equal", " "),
        ("insert", "Something else entirely new"),
    ]
    assert not change.too_large


def test_a_diff_out_of_time_is_shown_whole_and_says_so(monkeypatch):
    monkeypatch.setattr(diff, "DIFF_SECONDS", 0)
    old, new = every_third_word_changed(3_400)
    change = TextDiff.of(old, new)
    assert change.too_large
    assert change.parts == [("delete", old), ("equal", " "), ("insert", new)]


def test_the_compare_page_says_a_change_is_shown_whole(monkeypatch, as_alice, plan):
    old, new = every_third_word_changed(300)
    save(as_alice, plan, "overview", overview=old)
    save(as_alice, plan, "overview", overview=new)
    monkeypatch.setattr(diff, "DIFF_SECONDS", 0)
    url = reverse("plans:compare", args=[plan.pk])
    html = as_alice.get(url, {"from": 2, "to": 3}).content.decode()
    assert "Too different to compare word by word: shown whole." in html


def test_rows_moved_among_many_are_found_in_bounded_time():
    rows = list(range(100_000))
    started = time.perf_counter()
    moved = _moved_ids(rows, [rows[-1], *rows[:-1]])
    assert time.perf_counter() - started < 1.0
    assert moved == {rows[-1]}
