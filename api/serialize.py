"""A plan's content (the PlanContent tree) and its history as plain JSON values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings

from plans.content import ROW_MODELS, PhaseContent, PlanContent
from plans.diff import FieldChange, RowChange, SectionDiff
from plans.models import Plan, PlanRow
from plans.sections import SECTIONS, Section
from plans.services import own_fields


def value(raw: Any) -> Any:
    """Decimals as strings (exact: "2.5", never 2.4999…), dates as ISO 8601."""
    if isinstance(raw, Decimal):
        return f"{raw.normalize():f}"
    if isinstance(raw, dt.date | dt.datetime):
        return raw.isoformat()
    return raw


def row(obj: PlanRow) -> dict[str, Any]:
    return {"id": obj.pk, **{f: value(getattr(obj, f)) for f in obj.content_fields}}


def rows(content: PlanContent, key: str) -> list[dict[str, Any]]:
    if key != "phases":
        return [row(r) for r in content.rows(key)]
    return [{**row(p.phase), "tasks": [row(t) for t in p.tasks]} for p in content.phases]


def section(content: PlanContent, sec: Section) -> dict[str, Any]:
    return {
        "key": sec.key,
        "title": sec.title,
        "editable": sec.editable,
        "fields": {f: value(getattr(content.plan, f)) for f in own_fields(sec)},
        "rows": {key: rows(content, key) for key in sec.rows},
    }


def link(plan: Plan) -> str:
    return f"{settings.SITE_URL}{plan.get_absolute_url()}"


def person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"username": user.username, "name": user.get_full_name() or user.username}


def plan_summary(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "title": plan.title,
        "status": plan.status,
        "version": plan.version,
        "team": {"id": plan.team_id, "name": plan.team.name},
        "author": person(plan.author),
        "updated_at": value(plan.updated_at),
        "archived": plan.archived_at is not None,
        "url": link(plan),
    }


def content_json(content: PlanContent, *, number: int, sha256: str) -> dict[str, Any]:
    """Every section of the template that holds content, in template order."""
    return {
        "version": number,
        "sha256": sha256,
        "sections": [section(content, s) for s in SECTIONS if s.editable],
        "additional_notes": content.plan.additional_notes,
    }


def _field_change(change: FieldChange) -> dict[str, Any]:
    return {"label": change.label, "old": change.old, "new": change.new}


def _row_change(change: RowChange) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "noun": change.noun,
        "label": change.label,
        "old_position": change.old_position,
        "new_position": change.new_position,
        "moved": change.moved,
        "fields": [_field_change(f) for f in change.fields],
        "children": [_row_change(c) for c in change.children],
    }


def diff_json(diffs: list[SectionDiff]) -> list[dict[str, Any]]:
    """Only the sections that changed."""
    return [
        {
            "key": d.section.key,
            "title": d.section.title,
            "fields": [_field_change(f) for f in d.fields],
            "rows": [_row_change(r) for r in d.rows],
        }
        for d in diffs
        if d.changed
    ]


__all__ = ["ROW_MODELS", "PhaseContent", "content_json", "diff_json", "plan_summary"]
