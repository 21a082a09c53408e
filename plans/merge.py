"""Three-way merge of one section, for an editor whose save met someone else's newer save.

`base` is the section as the editor opened it, `theirs` as it is now, `mine` as the editor
posted it. The merge keeps every change of theirs and applies the editor's own changes on top;
where both changed the same thing, the editor's value wins in the form (they are re-applying
it) and the clash is listed so that they can look before saving again.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from plans.content import ROW_MODELS, PhaseContent, PlanContent
from plans.diff import display
from plans.models import PlanRow, Task
from plans.sections import Section
from plans.services import own_fields


@dataclass
class Merge:
    content: PlanContent
    clashes: list[str] = field(default_factory=list)


def _obj(row: Any) -> Any:
    return row.phase if isinstance(row, PhaseContent) else row


def _merge_fields(
    merged: Any, base: Any, mine: Any, names: tuple[str, ...], what: str
) -> list[str]:
    clashes = []
    for name in names:
        b, t, m = display(base, name), display(merged, name), display(mine, name)
        if m != b:
            if t not in (b, m):
                label = merged._meta.get_field(name).verbose_name
                clashes.append(f"{label} of {what}" if what else str(label).capitalize())
            setattr(merged, name, getattr(mine, name))
    return clashes


def _merge_rows(
    model: type[PlanRow], base: list[Any], theirs: list[Any], mine: list[Any]
) -> tuple[list[Any], list[str]]:
    noun = str(model._meta.verbose_name)
    base_by_id = {r.pk: r for r in base}
    mine_by_id = {r.pk: r for r in mine if r.pk is not None}
    theirs_ids = {r.pk for r in theirs}
    clashes: list[str] = []
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
                clashes.append(f"the {noun} “{_obj(row)}”, which you removed and they changed")
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
            clashes.append(f"the {noun} “{_obj(row)}”, which they removed: yours is kept")
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
    for key in section.rows:
        rows, clashes = _merge_rows(
            ROW_MODELS[key], base.rows(key), theirs.rows(key), mine.rows(key)
        )
        setattr(result.content, key, rows)
        result.clashes += clashes
    return result
