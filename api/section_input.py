"""A section sent as JSON, checked by the very form the edit page posts (plans.forms.SectionForm):
the same rules, the same messages, each error named after the JSON field it is about."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from api.problems import Problem
from plans.content import ROW_MODELS, PlanContent
from plans.forms import SectionForm, plan_fields_form
from plans.models import Plan, PlanRow, Task
from plans.sections import MAX_ROWS, Section
from plans.services import own_fields


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "on" if raw else ""
    if isinstance(raw, dict | list):
        raise ValueError("must be a plain value, not a list or an object")
    return str(raw)


def _put(data: QueryDict, name: str, raw: Any) -> None:
    text = _text(raw)
    if text != "":
        data[name] = text


def _row_fields(
    model: type[PlanRow], prefix: str, where: str, items: list[Any], data: QueryDict
) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if len(items) > MAX_ROWS:
        return [{"field": where, "message": f"At most {MAX_ROWS} rows."}]
    data[f"{prefix}-TOTAL_FORMS"] = str(len(items))
    data[f"{prefix}-INITIAL_FORMS"] = "0"
    allowed = {"id", *model.content_fields, *(("tasks",) if model is not Task else ())}
    for i, item in enumerate(items):
        here = f"{where}[{i}]"
        if not isinstance(item, dict):
            errors.append({"field": here, "message": "Each row is an object of its fields."})
            continue
        for name in set(item) - allowed:
            errors.append({"field": f"{here}.{name}", "message": "No such field in this row."})
        data[f"{prefix}-{i}-ORDER"] = str(i + 1)
        for name in ("id", *model.content_fields):
            try:
                _put(data, f"{prefix}-{i}-{name}", item.get(name))
            except ValueError as error:
                errors.append({"field": f"{here}.{name}", "message": f"This value {error}."})
    return errors


def form_data(
    plan: Plan, content: PlanContent, section: Section, body: dict[str, Any], version: int
) -> QueryDict:
    """What the edit form would post: the section as it stands, with the body's fields and
    row sets in place of its own (what the body leaves out stays as it is)."""
    data = QueryDict(mutable=True)
    data["edit-version"] = str(version)
    data["edit-summary"] = _text(body.get("summary", ""))
    errors: list[dict[str, str]] = []
    fields = body.get("fields") or {}
    names = own_fields(section)
    fields_form = plan_fields_form(section)
    for name in names:
        raw = fields[name] if name in fields else getattr(content.plan, name)
        if fields_form is not None and name in fields_form.base_fields:
            try:
                _put(data, name, raw.isoformat() if hasattr(raw, "isoformat") else raw)
            except ValueError as error:
                errors.append({"field": f"fields.{name}", "message": f"This value {error}."})
    for name in set(fields) - set(names):
        errors.append({"field": f"fields.{name}", "message": f"{section.title} has no such field."})
    given = body.get("rows") or {}
    for key in set(given) - set(section.rows):
        errors.append({"field": f"rows.{key}", "message": f"{section.title} has no such rows."})
    for key in section.rows:
        items = given[key] if key in given else _current(content, key)
        if not isinstance(items, list):
            errors.append({"field": f"rows.{key}", "message": "A list of rows."})
            continue
        errors += _row_fields(ROW_MODELS[key], key, f"rows.{key}", items, data)
        if key == "phases":
            for i, phase in enumerate(items):
                tasks = phase.get("tasks", []) if isinstance(phase, dict) else []
                if not isinstance(tasks, list):
                    errors.append({"field": f"rows.phases[{i}].tasks", "message": "A list."})
                    continue
                where = f"rows.phases[{i}].tasks"
                errors += _row_fields(Task, f"phases-{i}-tasks", where, tasks, data)
    if errors:
        raise Problem(422, "The section was not saved: see errors.", errors=errors)
    return data


def _current(content: PlanContent, key: str) -> list[dict[str, Any]]:
    from api.serialize import rows

    return rows(content, key)


def form_errors(form: SectionForm) -> list[dict[str, str]]:
    """The form's errors, named after the JSON fields."""
    errors: list[dict[str, str]] = []

    def add(where: str, messages: Any) -> None:
        errors.extend({"field": where, "message": str(m)} for m in messages)

    if form.fields is not None:
        for name, messages in form.fields.errors.items():
            add("fields" if name == "__all__" else f"fields.{name}", messages)
    for key, formset in form.formsets.items():
        add(f"rows.{key}", formset.non_form_errors())
        for i, row_errors in enumerate(formset.errors):
            for name, messages in row_errors.items():  # type: ignore[attr-defined]
                add(f"rows.{key}[{i}]" + ("" if name == "__all__" else f".{name}"), messages)
    for i, formset in enumerate(form.task_formsets):
        add(f"rows.phases[{i}].tasks", formset.non_form_errors())
        for j, row_errors in enumerate(formset.errors):
            for name, messages in row_errors.items():  # type: ignore[attr-defined]
                add(f"rows.phases[{i}].tasks[{j}].{name}", messages)
    for name, messages in form.meta.errors.items():
        add("summary" if name == "summary" else "If-Match", messages)
    return errors or [{"field": "", "message": "The section is not valid."}]
