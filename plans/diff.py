"""What changed between two contents of a plan, section by section.

Text is diffed word by word; rows are matched by identity (their id), so a row whose impact
changed reads as one change of one field, and a row that only changed place reads as a move.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from functools import cached_property
from typing import Any

from diff_match_patch import diff_match_patch

from plans.content import ROW_MODELS, PhaseContent, PlanContent
from plans.models import Plan, PlanRow, Task
from plans.sections import SECTIONS, Section, note_labels

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
EQUAL = diff_match_patch.DIFF_EQUAL
_OPS = {
    EQUAL: "equal",
    diff_match_patch.DIFF_DELETE: "delete",
    diff_match_patch.DIFF_INSERT: "insert",
}
# The time one text's word diff may take; past it, the change is shown whole. (difflib took
# 29 s on two 20 KB texts of repeated words; diff-match-patch takes ~10 ms, and stops here.)
DIFF_SECONDS = 0.1


@dataclass
class TextDiff:
    """A word-level diff: a list of (op, text) with op one of "equal", "insert", "delete"."""

    parts: list[tuple[str, str]]
    too_large: bool = False  # too different to compare word by word in time: shown whole

    @classmethod
    def of(cls, old: str, new: str) -> TextDiff:
        a, b = _TOKENS.findall(old), _TOKENS.findall(new)
        words: dict[str, str] = {}  # each distinct word as one character, to diff words
        coded_a, coded_b = _code(a, words), _code(b, words)
        differ = diff_match_patch()
        # No timeout of its own: with one, it looks for a common half first, in quadratic
        # time on repetitive texts (4 s on 100 KB); the deadline stops its search alone.
        differ.Diff_Timeout = 0
        deadline = time.time() + DIFF_SECONDS
        diffs = differ.diff_main(coded_a, coded_b, False, deadline)
        if time.time() > deadline:  # it gave up on the finest diff
            return cls._whole(old, new, too_large=True)
        same = sum(len(text) for op, text in diffs if op == EQUAL)
        if old and new and 2 * same / (len(a) + len(b)) < 0.4:
            # A rewrite reads better whole than as interleaved fragments of two texts.
            return cls._whole(old, new)
        tokens = {code: word for word, code in words.items()}
        return cls([(_OPS[op], "".join(tokens[c] for c in text)) for op, text in diffs])

    @classmethod
    def _whole(cls, old: str, new: str, too_large: bool = False) -> TextDiff:
        gap = "\n" if "\n" in old + new else " "
        return cls([("delete", old), ("equal", gap), ("insert", new)], too_large)


def _code(tokens: list[str], words: dict[str, str]) -> str:
    for token in tokens:
        if token not in words:
            n = len(words) + 1
            words[token] = chr(n if n < 0xD800 else n + 0x800)  # no surrogates
    return "".join(words[token] for token in tokens)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    is_text: bool = False  # free text is diffed word by word; values (choices, dates) whole

    @property
    def as_words(self) -> bool:
        return self.is_text and bool(self.old) and bool(self.new)

    @cached_property
    def text(self) -> TextDiff:
        return TextDiff.of(self.old, self.new)

    @property
    def is_long(self) -> bool:
        return "\n" in self.old or "\n" in self.new or len(self.old) + len(self.new) > 120


@dataclass
class RowChange:
    kind: str  # "added", "removed", "changed", "moved"
    noun: str
    label: str
    fields: list[FieldChange] = field(default_factory=list)
    children: list[RowChange] = field(default_factory=list)  # a phase's tasks
    old_position: int | None = None
    new_position: int | None = None
    moved: bool = False


@dataclass
class SectionDiff:
    section: Section
    fields: list[FieldChange]
    rows: list[RowChange]

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.rows)


def display(obj: Any, name: str) -> str:
    """A field's value as a person reads it (choice labels, dates, plain numbers)."""
    value = getattr(obj, name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    choices = obj._meta.get_field(name).choices
    if choices:
        return str(dict(choices).get(value, value))
    return str(value)


def _label(obj: Any, name: str) -> str:
    return str(obj._meta.get_field(name).verbose_name).capitalize()


def _is_text(obj: Any, name: str) -> bool:
    model_field = obj._meta.get_field(name)
    return model_field.get_internal_type() in ("CharField", "TextField") and not model_field.choices


def _field_changes(old: Any, new: Any, names: tuple[str, ...]) -> list[FieldChange]:
    return [
        FieldChange(_label(new, n), display(old, n), display(new, n), _is_text(new, n))
        for n in names
        if display(old, n) != display(new, n)
    ]


def _moved_ids(old_ids: list[int], new_ids: list[int]) -> set[int]:
    """Rows present in both whose relative order changed (outside the longest common run)."""
    common = set(old_ids) & set(new_ids)
    a = [i for i in old_ids if i in common]
    b = [i for i in new_ids if i in common]
    if len(a) > MATCHED_ROWS:  # difflib's blocks take quadratic time on many rows
        return common - _longest_kept_order(a, b)
    kept: set[int] = set()
    for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        kept.update(a[block.a : block.a + block.size])
    return common - kept


MATCHED_ROWS = 1_000


def _longest_kept_order(a: list[int], b: list[int]) -> set[int]:
    """The most rows of `a` that keep their order in `b` (a longest increasing run of their
    places in `b`), in O(n log n)."""
    place = {row: i for i, row in enumerate(b)}
    tails: list[int] = []  # the smallest place ending a run of each length
    ends: list[int] = []  # index in `a` of that run's last row
    previous = [-1] * len(a)
    for i, row in enumerate(a):
        k = bisect.bisect_left(tails, place[row])
        previous[i] = ends[k - 1] if k else -1
        if k == len(tails):
            tails.append(place[row])
            ends.append(i)
        else:
            tails[k], ends[k] = place[row], i
    kept: set[int] = set()
    i = ends[-1] if ends else -1
    while i >= 0:
        kept.add(a[i])
        i = previous[i]
    return kept


def _obj(row: Any) -> Any:
    return row.phase if isinstance(row, PhaseContent) else row


def diff_rows(model: type[PlanRow], old: list[Any], new: list[Any]) -> list[RowChange]:
    noun = str(model._meta.verbose_name)
    old_by_id = {r.pk: (i, r) for i, r in enumerate(old, start=1)}
    new_ids = [r.pk for r in new]
    moved = _moved_ids([r.pk for r in old], new_ids)
    changes: list[RowChange] = []
    for position, row in enumerate(new, start=1):
        obj = _obj(row)
        if row.pk not in old_by_id:
            fields = [
                FieldChange(_label(obj, n), "", display(obj, n)) for n in model.content_fields
            ]
            change = RowChange("added", noun, str(obj), [f for f in fields[1:] if f.new])
            change.new_position = position
            change.children = _task_changes(None, row)
            changes.append(change)
            continue
        old_position, old_row = old_by_id[row.pk]
        old_obj = _obj(old_row)
        fields = _field_changes(old_obj, obj, model.content_fields)
        children = _task_changes(old_row, row)
        if fields or children or row.pk in moved:
            kind = "changed" if fields or children else "moved"
            changes.append(
                RowChange(
                    kind,
                    noun,
                    str(old_obj),
                    fields,
                    children,
                    old_position,
                    position,
                    moved=row.pk in moved,
                )
            )
    kept = set(new_ids)
    for position, row in enumerate(old, start=1):
        if row.pk not in kept:
            obj = _obj(row)
            fields = [
                FieldChange(_label(obj, n), display(obj, n), "") for n in model.content_fields
            ]
            change = RowChange("removed", noun, str(obj), [f for f in fields[1:] if f.old])
            change.old_position = position
            changes.append(change)
    return changes


def _task_changes(old: PhaseContent | None, new: Any) -> list[RowChange]:
    if not isinstance(new, PhaseContent):
        return []
    return diff_rows(Task, old.tasks if old else [], new.tasks)


def _own_fields(section: Section) -> tuple[str, ...]:
    return ("title", *section.fields) if section.key == "overview" else section.fields


def _note_changes(section: Section, old: Plan, new: Plan) -> list[FieldChange]:
    """The text an import kept in the section (section_notes), changed as any text field."""
    before, after = old.section_notes or {}, new.section_notes or {}
    return [
        FieldChange(label, str(before.get(key, "")), str(after.get(key, "")), is_text=True)
        for key, label in note_labels(section).items()
        if before.get(key, "") != after.get(key, "")
    ]


def diff_section(section: Section, old: PlanContent, new: PlanContent) -> SectionDiff:
    fields = _field_changes(old.plan, new.plan, _own_fields(section))
    fields += _note_changes(section, old.plan, new.plan)
    rows = [
        change
        for key in section.rows
        for change in diff_rows(ROW_MODELS[key], old.rows(key), new.rows(key))
    ]
    return SectionDiff(section, fields, rows)


def diff_plans(old: PlanContent, new: PlanContent) -> list[SectionDiff]:
    """Every editable section's differences, in template order (unchanged ones included)."""
    diffs = [diff_section(s, old, new) for s in SECTIONS if s.editable]
    notes = _field_changes(old.plan, new.plan, ("additional_notes",))
    if notes:
        diffs.append(SectionDiff(NOTES_SECTION, notes, []))
    return diffs


NOTES_SECTION = Section("additional_notes", "Additional Notes", fields=("additional_notes",))

__all__ = ["Plan", "SectionDiff", "diff_plans"]
