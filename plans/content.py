"""The content of a plan as one small tree of typed objects.

Built from the live rows (`PlanContent.from_plan`) or from the history at version N
(`plans.versions.content_at`), it is what the plan page renders, what the Markdown writer writes,
what the differ compares and what a new plan is created from. Rows are model instances (live,
unsaved, or rebuilt from their historical record); positions come from list order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from plans.models import (
    ApiEndpoint,
    DocumentationUpdate,
    FeatureFlag,
    Goal,
    OpenQuestion,
    Phase,
    Plan,
    PlanRow,
    Risk,
    SuccessCriterion,
    Task,
    TeamMember,
    UserStory,
)
from plans.sections import SECTIONS, Section

# Repeatable sections, by the key the content tree and the section list use.
ROW_MODELS: dict[str, type[PlanRow]] = {
    "goals": Goal,
    "success_criteria": SuccessCriterion,
    "user_stories": UserStory,
    "api_endpoints": ApiEndpoint,
    "phases": Phase,
    "feature_flags": FeatureFlag,
    "risks": Risk,
    "team_members": TeamMember,
    "documentation_updates": DocumentationUpdate,
    "open_questions": OpenQuestion,
}

# Every row model, tasks included.
ALL_ROW_MODELS: tuple[type[PlanRow], ...] = (*ROW_MODELS.values(), Task)

# The plan's own content fields; everything else on Plan is bookkeeping (status, version, dates).
PLAN_FIELDS: tuple[str, ...] = (
    "title",
    *(f for s in SECTIONS for f in s.fields),
    "additional_notes",
    "section_notes",
    "prior_changelog",
    "prior_approvals",
)


@dataclass
class PhaseContent:
    phase: Phase
    tasks: list[Task] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        # Templates and writers read a phase's own fields straight off the phase.
        if name.startswith("__") or name == "phase":  # not set yet: being copied
            raise AttributeError(name)
        return getattr(self.phase, name)


@dataclass
class PlanContent:
    plan: Plan
    goals: list[Goal] = field(default_factory=list)
    success_criteria: list[SuccessCriterion] = field(default_factory=list)
    user_stories: list[UserStory] = field(default_factory=list)
    api_endpoints: list[ApiEndpoint] = field(default_factory=list)
    phases: list[PhaseContent] = field(default_factory=list)
    feature_flags: list[FeatureFlag] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    team_members: list[TeamMember] = field(default_factory=list)
    documentation_updates: list[DocumentationUpdate] = field(default_factory=list)
    open_questions: list[OpenQuestion] = field(default_factory=list)

    @classmethod
    def from_plan(cls, plan: Plan, only: tuple[str, ...] | None = None) -> PlanContent:
        """The live content (or only some row sets): one query per row model, whatever the size."""
        keys = ROW_MODELS.keys() if only is None else only
        rows: dict[str, list[Any]] = {
            key: list(ROW_MODELS[key]._default_manager.filter(plan=plan)) if key in keys else []
            for key in ROW_MODELS
        }
        tasks = list(Task.objects.filter(plan=plan)) if "phases" in keys else []
        return cls.assemble(plan, rows, tasks)

    @classmethod
    def assemble(cls, plan: Plan, rows: dict[str, list[Any]], tasks: list[Task]) -> PlanContent:
        by_phase: dict[int, list[Task]] = defaultdict(list)
        for task in sorted(tasks, key=lambda t: (t.position, t.pk or 0)):
            by_phase[task.phase_id].append(task)
        rows["phases"] = [PhaseContent(p, by_phase.get(p.pk, [])) for p in rows["phases"]]
        return cls(plan=plan, **rows)

    def rows(self, key: str) -> list[Any]:
        return getattr(self, key)

    def row_objects(self, key: str) -> list[PlanRow]:
        """The model instances of a row set (phases unwrapped from their tasks)."""
        if key == "phases":
            return [p.phase for p in self.phases]
        return self.rows(key)

    def section_filled(self, section: Section) -> bool:
        if any(getattr(self.plan, f) not in (None, "") for f in section.fields):
            return True
        return any(self.rows(key) for key in section.rows)

    @property
    def risk_matrix(self) -> list[list[MatrixCell]]:
        return risk_matrix(self.risks)

    @property
    def total_effort(self) -> Any:
        efforts = [p.phase.effort for p in self.phases if p.phase.effort is not None]
        return sum(efforts) if efforts else None


@dataclass
class MatrixCell:
    impact: str
    likelihood: str
    risks: list[Any]

    @property
    def severity(self) -> str:
        """low / medium / high / critical, from impact times likelihood (each 1 to 3)."""
        weight = {"low": 1, "medium": 2, "high": 3}
        score = weight[self.impact] * weight[self.likelihood]
        return (
            "critical"
            if score >= 6
            else "high"
            if score >= 4
            else "medium"
            if score >= 2
            else "low"
        )


LEVEL_ORDER = ("high", "medium", "low")


def risk_matrix(risks: list[Any]) -> list[list[MatrixCell]]:
    """Rows of impact (high first) by columns of likelihood (low first), with their risks."""
    return [
        [
            MatrixCell(
                impact,
                likelihood,
                [r for r in risks if (r.impact, r.likelihood) == (impact, likelihood)],
            )
            for likelihood in reversed(LEVEL_ORDER)
        ]
        for impact in LEVEL_ORDER
    ]


def section_text(content: PlanContent, section: Section) -> str:
    """Every word a section holds, for search: its fields and its rows (tasks included)."""
    parts = [str(getattr(content.plan, f) or "") for f in section.fields]
    for key in section.rows:
        for row in content.rows(key):
            obj = row.phase if isinstance(row, PhaseContent) else row
            parts += [str(getattr(obj, f) or "") for f in obj.content_fields]
            if isinstance(row, PhaseContent):
                parts += [t.text for t in row.tasks]
    return "\n".join(p for p in parts if p)
