"""Workflows that write a whole plan: each one transaction, each one plan version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from plans.content import ROW_MODELS, PlanContent
from plans.models import Plan, PlanVersion, Task, Team
from plans.recording import writing_version
from plans.sections import SECTIONS

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def create_plan(
    *,
    team: Team,
    author: User,
    content: PlanContent,
    summary: str = "Initial implementation plan",
) -> Plan:
    """Save a new plan and all its rows as version 1."""
    now = timezone.now()
    plan = content.plan
    plan.team = team
    plan.author = author
    plan.version = 1
    with writing_version(number=1, user=author, summary=summary, now=now) as writer:
        writer.save(plan, created=True)
        for key, model in ROW_MODELS.items():
            rows = content.row_objects(key)
            for position, row in enumerate(rows, start=1):
                row.plan = plan
                row.position = position
            writer.create(model, rows)
        tasks = []
        for phase_content in content.phases:
            for position, task in enumerate(phase_content.tasks, start=1):
                task.plan = plan
                task.phase = phase_content.phase
                task.position = position
                tasks.append(task)
        writer.create(Task, tasks)
    PlanVersion.objects.create(
        plan=plan,
        number=1,
        author=author,
        created_at=now,
        summary=summary,
        changed_sections=[s.key for s in SECTIONS if s.editable and content.section_filled(s)],
    )
    return plan
