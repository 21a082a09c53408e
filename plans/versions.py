"""A plan as it was at version N, read from the history tables.

Every historical row carries the number of the version that wrote it, so the state of a row at
version N is its latest record numbered N or less (unless that record is a removal).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Model

from plans.content import ROW_MODELS, PlanContent
from plans.models import Plan, Task


def _latest_records(model: type[Model], plan: Plan, number: int) -> list[Any]:
    history = model.history.model  # type: ignore[attr-defined]
    latest = (
        history.objects.filter(plan_id=plan.pk, plan_version__lte=number)
        .values("id")
        .annotate(latest=Max("history_id"))
        .values("latest")
    )
    return list(history.objects.filter(history_id__in=latest).exclude(history_type="-"))


def content_at(plan: Plan, number: int) -> PlanContent:
    """The plan's content at version `number`: one query per model, whatever the history's size."""
    record = (
        Plan.history.filter(id=plan.pk, plan_version__lte=number)
        .order_by("-plan_version", "-history_id")
        .first()
    )
    if record is None:
        raise LookupError(f"{plan} has no version {number}")
    old = record.instance
    # Bookkeeping shown around the content comes from the live plan.
    old.team, old.author = plan.team, plan.author
    rows: dict[str, list[Any]] = {}
    for key, model in ROW_MODELS.items():
        records = _latest_records(model, plan, number)
        rows[key] = sorted((r.instance for r in records), key=lambda row: (row.position, row.pk))
    tasks = [r.instance for r in _latest_records(Task, plan, number)]
    return PlanContent.assemble(old, rows, tasks)


def status_at(plan: Plan, number: int) -> str:
    """The plan's status as version `number` left it: the last status recorded at that version
    (a status change is recorded under the version it happened at)."""
    records = Plan.history.filter(id=plan.pk, plan_version=number)
    status = records.order_by("-history_date", "-history_id").values_list("status", flat=True)
    return status.first() or Plan.Status.DRAFT
