"""The sections of the plan template, in template order: the one list every feature walks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    level: int = 2
    group: str = ""  # the heading this section sits under, if any
    fields: tuple[str, ...] = ()  # the plan's own fields shown in this section
    rows: tuple[str, ...] = ()  # repeatable row sets (keys of content.ROW_MODELS)
    shows: tuple[str, ...] = ()  # other row sets its page reads (Resources charts the phases)
    editable: bool = True  # Approval and Changelog are generated, never typed
    layout: tuple[str, ...] = ()  # fields and row sets in the order the page shows them

    @property
    def parts(self) -> tuple[str, ...]:
        return self.layout or (*self.fields, *self.rows)

    @property
    def reads(self) -> tuple[str, ...]:
        """The row sets to load to render this section alone."""
        return (*self.rows, *self.shows)

    @property
    def anchor(self) -> str:
        return self.key.replace("_", "-")


# The most rows a section holds (and tasks a phase): what a form takes and an import may bring.
MAX_ROWS = 500

# The sign-off roles the template's Approval table names, in its order.
DEFAULT_SIGNOFF_ROLES: tuple[str, ...] = ("Product Owner", "Technical Lead", "QA Lead")

GOALS_GROUP = "Goals and Requirements"
TECH_GROUP = "Technical Specifications"

SECTIONS: tuple[Section, ...] = (
    Section("overview", "Overview", fields=("overview",)),
    Section("goals", "Primary Goals", 3, GOALS_GROUP, rows=("goals",)),
    Section("success_criteria", "Success Criteria", 3, GOALS_GROUP, rows=("success_criteria",)),
    Section("user_stories", "User Stories", 3, GOALS_GROUP, rows=("user_stories",)),
    Section("architecture", "Architecture", 3, TECH_GROUP, fields=("architecture",)),
    Section("data_models", "Data Models", 3, TECH_GROUP, fields=("data_models",)),
    Section("api_endpoints", "API Endpoints", 3, TECH_GROUP, rows=("api_endpoints",)),
    Section("dependencies", "Dependencies", 3, TECH_GROUP, fields=("dependencies",)),
    Section("phases", "Implementation Phases", rows=("phases",)),
    Section(
        "testing",
        "Testing Strategy",
        fields=("unit_tests", "integration_tests", "acceptance_tests"),
    ),
    Section(
        "rollout",
        "Rollout Plan",
        fields=("deployment_strategy", "rollback_plan"),
        rows=("feature_flags",),
        layout=("deployment_strategy", "feature_flags", "rollback_plan"),
    ),
    Section("risks", "Risks and Mitigations", rows=("risks",)),
    Section(
        "resources",
        "Resources and Timeline",
        fields=(
            "planning_start",
            "planning_end",
            "development_start",
            "development_end",
            "testing_start",
            "testing_end",
            "deployment_date",
        ),
        rows=("team_members",),
        shows=("phases",),
        layout=(
            "team_members",
            "planning_start",
            "planning_end",
            "development_start",
            "development_end",
            "testing_start",
            "testing_end",
            "deployment_date",
        ),
    ),
    Section("documentation", "Documentation Updates", rows=("documentation_updates",)),
    Section("open_questions", "Open Questions", rows=("open_questions",)),
    Section("approval", "Approval", editable=False),
    Section("changelog", "Changelog", editable=False),
)

SECTIONS_BY_KEY = {s.key: s for s in SECTIONS}
