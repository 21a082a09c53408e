"""Three-way merge of one section, for an editor whose save met someone else's newer save.

`base` is the section as the editor opened it, `theirs` as it is now, `mine` as the editor
posted it. The merge keeps every change of theirs and applies the editor's own changes on top.
Text is merged line by line, and a paragraph both changed word by word (`merge3`), so that
words added at different places of it are all kept. Only a true overlap is a clash: a text
field's form then holds both wordings (theirs, then the editor's), so that one more Save drops
nobody's words unless the editor chose one; any other field holds the editor's value. Every
clash is listed with both sides.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from merge3 import Merge3

from plans.content import ROW_MODELS, PhaseContent, PlanContent
from plans.diff import display
from plans.models import PlanRow, Task
from plans.sections import Section, note_labels
from plans.services import own_fields


@dataclass
class TextMerge:
    """A three-way merge of a text: `text` keeps every change of both sides, an overlap holding
    their lines then the editor's; `mine` and `theirs` resolve each overlap to one side."""

    text: str
    clean: bool
    mine: str = ""
    theirs: str = ""


WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def _merge_words(base: str, mine: str, theirs: str) -> str | None:
    """The lines both changed, merged word by word; None where their words overlap."""
    b, m, t = (WORDS.findall(text) for text in (base, mine, theirs))
    out: list[str] = []
    for region in Merge3(b, m, t).merge_regions():
        kind = region[0]
        if kind == "conflict":
            return None
        source = {"unchanged": b, "a": m, "same": m, "b": t}[kind]
        out += source[region[1] : region[2]]
    return "".join(out)


def merge_text(base: str, theirs: str, mine: str) -> TextMerge:
    """`mine` and `theirs`, both changed from `base`, merged at line then word level."""
    base, theirs, mine = (s.replace("\r\n", "\n") for s in (base or "", theirs or "", mine or ""))
    if mine in (base, theirs):
        return TextMerge(theirs, True, theirs, theirs)
    if theirs == base:
        return TextMerge(mine, True, mine, mine)
    b, m, t = (s.splitlines(keepends=True) for s in (base, mine, theirs))
    both: list[str] = []
    mine_side: list[str] = []
    theirs_side: list[str] = []
    clean = True
    for region in Merge3(b, m, t).merge_regions():
        kind = region[0]
        if kind != "conflict":
            source = {"unchanged": b, "a": m, "same": m, "b": t}[kind]
            chunk = "".join(source[region[1] : region[2]])
            both.append(chunk)
            mine_side.append(chunk)
            theirs_side.append(chunk)
            continue
        zs, ze, ms, me, ts, te = region[1:7]  # type: ignore[misc]
        base_part, my_part, their_part = (
            "".join(b[zs:ze]),
            "".join(m[ms:me]),
            "".join(t[ts:te]),
        )
        words = _merge_words(base_part, my_part, their_part)
        if words is not None:
            both.append(words)
            mine_side.append(words)
            theirs_side.append(words)
            continue
        clean = False
        mine_side.append(my_part)
        theirs_side.append(their_part)
        joint = their_part if their_part.endswith("\n") or not my_part else their_part + "\n"
        both.append(joint + my_part)
    return TextMerge("".join(both), clean, "".join(mine_side), "".join(theirs_side))


@dataclass
class Clash:
    """Something both changed: where, and each side's value as a person reads it. `field` is
    set for the plan's own text fields, whose form offers a choice between the two."""

    label: str
    mine: str
    theirs: str
    field: str = ""
    both_in_form: bool = False

    def __str__(self) -> str:
        return self.label


@dataclass
class Merge:
    content: PlanContent
    clashes: list[Clash] = field(default_factory=list)

    @property
    def text_clashes(self) -> list[Clash]:
        return [c for c in self.clashes if c.field]


def _obj(row: Any) -> Any:
    return row.phase if isinstance(row, PhaseContent) else row


def _is_text(obj: Any, name: str) -> bool:
    model_field = obj._meta.get_field(name)
    return isinstance(model_field, models.CharField | models.TextField) and not model_field.choices


def _merge_fields(
    merged: Any, base: Any, mine: Any, names: tuple[str, ...], what: str
) -> list[Clash]:
    clashes = []
    for name in names:
        b, t, m = display(base, name), display(merged, name), display(mine, name)
        if m == b:
            continue
        if t in (b, m):
            setattr(merged, name, getattr(mine, name))
            continue
        label = merged._meta.get_field(name).verbose_name
        where = f"{label} of {what}" if what else str(label).capitalize()
        if _is_text(merged, name):
            text = merge_text(b, t, m)
            if text.clean:
                setattr(merged, name, text.text)
                continue
            if not what:  # the plan's own field: a choice; a Markdown one holds both wordings
                both = isinstance(merged._meta.get_field(name), models.TextField)
                setattr(merged, name, text.text if both else getattr(mine, name))
                clashes.append(Clash(where, text.mine, text.theirs, name, both))
                continue
        clashes.append(Clash(where, m, t))
        setattr(merged, name, getattr(mine, name))
    return clashes


def _merge_rows(
    model: type[PlanRow], base: list[Any], theirs: list[Any], mine: list[Any]
) -> tuple[list[Any], list[Clash]]:
    noun = str(model._meta.verbose_name)
    base_by_id = {r.pk: r for r in base}
    mine_by_id = {r.pk: r for r in mine if r.pk is not None}
    theirs_ids = {r.pk for r in theirs}
    clashes: list[Clash] = []
    merged: list[Any] = []

    # Their rows, in my order if I reordered the rows we both had, else in theirs.
    mine_order = [r.pk for r in mine if r.pk in base_by_id]
    base_order = [r.pk for r in base if r.pk in mine_by_id]
    rows = theirs
    if mine_order != base_order:
        rank = {pk: i for i, pk in enumerate(mine_order)}
        rows = sorted(theirs, key=lambda r: rank.get(r.pk, len(rank)))
    for row in rows:
        if row.pk in base_by_id and row.pk not in mine_by_id:  # I removed it
            if _changed(base_by_id[row.pk], row, model):
                clashes.append(
                    Clash(
                        f"the {noun} “{_obj(row)}”, which you removed and they changed",
                        "(removed)",
                        str(_obj(row)),
                    )
                )
            continue
        result = copy.deepcopy(row)
        if row.pk in mine_by_id and row.pk in base_by_id:
            what = f"{noun} “{_obj(row)}”"
            base_obj, mine_obj = _obj(base_by_id[row.pk]), _obj(mine_by_id[row.pk])
            clashes += _merge_fields(_obj(result), base_obj, mine_obj, model.content_fields, what)
            if isinstance(result, PhaseContent):
                tasks, task_clashes = _merge_rows(
                    Task, base_by_id[row.pk].tasks, result.tasks, mine_by_id[row.pk].tasks
                )
                result.tasks = tasks
                clashes += task_clashes
        merged.append(result)
    for row in mine:
        if row.pk is None:  # added by me
            merged.append(row)
        elif (
            row.pk not in theirs_ids
            and row.pk in base_by_id
            and _changed(base_by_id[row.pk], row, model)
        ):  # they removed a row I changed: keep mine, as a new row
            clashes.append(
                Clash(
                    f"the {noun} “{_obj(row)}”, which they removed: yours is kept",
                    str(_obj(row)),
                    "(removed)",
                )
            )
            revived = copy.deepcopy(row)
            _obj(revived).pk = None
            if isinstance(revived, PhaseContent):
                for task in revived.tasks:
                    task.pk = None
            merged.append(revived)
    return merged, clashes


def _changed(old: Any, new: Any, model: type[PlanRow]) -> bool:
    if any(display(_obj(old), f) != display(_obj(new), f) for f in model.content_fields):
        return True
    if isinstance(old, PhaseContent):
        return [(t.pk, t.text) for t in old.tasks] != [(t.pk, t.text) for t in new.tasks]
    return False


def merge_section(
    section: Section, base: PlanContent, theirs: PlanContent, mine: PlanContent
) -> Merge:
    result = Merge(PlanContent(plan=copy.copy(theirs.plan)))
    result.clashes += _merge_fields(
        result.content.plan, base.plan, mine.plan, own_fields(section), ""
    )
    result.clashes += _merge_notes(section, result.content.plan, base.plan, mine.plan)
    for key in section.rows:
        rows, clashes = _merge_rows(
            ROW_MODELS[key], base.rows(key), theirs.rows(key), mine.rows(key)
        )
        setattr(result.content, key, rows)
        result.clashes += clashes
    return result


def _merge_notes(section: Section, merged: Any, base: Any, mine: Any) -> list[Clash]:
    """The section's kept notes (section_notes) merged as text: where both changed the same
    words, the form holds both wordings and the clash is listed."""
    notes = dict(merged.section_notes or {})
    clashes = []
    for key, label in note_labels(section).items():
        b, t, m = ((p.section_notes or {}).get(key, "") for p in (base, merged, mine))
        if m == b or t == m:
            continue
        text = merge_text(b, t, m)
        if not text.clean:
            clashes.append(Clash(label, text.mine, text.theirs))
        if text.text.strip():
            notes[key] = text.text
        else:
            notes.pop(key, None)
    merged.section_notes = notes
    return clashes
