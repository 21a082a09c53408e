"""The shapes the API answers with, as the OpenAPI schema publishes them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema


class ProblemOut(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, str]] | None = None


class Person(Schema):
    username: str
    name: str


class TeamRef(Schema):
    id: int
    name: str


class PlanSummary(Schema):
    id: int
    title: str
    status: str
    version: int
    team: TeamRef
    author: Person | None
    updated_at: str
    archived: bool
    url: str


class PlanPage(Schema):
    count: int
    page: int
    pages: int
    results: list[PlanSummary]


class PlanFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Words to search for")
    team: int | None = Field(None, description="A team's id")
    status: Literal["draft", "in_review", "changes_requested", "approved"] | None = None
    author: int | None = Field(None, description="The author's user id")
    lead: int | None = Field(None, description="A lead's user id: plans they sign")
    stale: bool = Field(False, description="Only plans with stale sign-offs")
    since: dt.date | None = Field(None, description="Changed on or after this date")
    archived: bool = Field(False, description="Include archived plans")
    sort: Literal["changed", "title", "status"] | None = Field(
        None, description="Best match (with q) or last change first, by default"
    )
    page: int = Field(1, ge=1, le=100_000)


class SectionOut(Schema):
    key: str
    title: str
    editable: bool
    fields: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]


class ContentOut(Schema):
    version: int
    sha256: str
    sections: list[SectionOut]
    additional_notes: str


class PlanDetail(PlanSummary):
    created_at: str
    content: ContentOut


class VersionOut(Schema):
    number: int
    created_at: str
    author: Person | None
    summary: str
    changed_sections: list[str]
    named: str | None = Field(None, description="The name it was sent for review under")


class VersionPage(Schema):
    count: int
    page: int
    pages: int
    results: list[VersionOut]


class VersionDetail(Schema):
    plan: int
    version: VersionOut
    content: ContentOut


class FieldChangeOut(Schema):
    label: str
    old: str
    new: str


class RowChangeOut(Schema):
    kind: str
    noun: str
    label: str
    old_position: int | None
    new_position: int | None
    moved: bool
    fields: list[FieldChangeOut]
    children: list[RowChangeOut]


class SectionChangeOut(Schema):
    key: str
    title: str
    fields: list[FieldChangeOut]
    rows: list[RowChangeOut]


class CompareOut(Schema):
    plan: int
    from_version: int = Field(..., alias="from")
    to_version: int = Field(..., alias="to")
    sections: list[SectionChangeOut]


class ImportIn(Schema):
    team: int = Field(..., description="The id of a team you edit in")
    markdown: str = Field(..., max_length=1_000_000)
    filename: str = Field(
        "", max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$", description="One line, no controls"
    )


class ReportLineOut(Schema):
    heading: str
    outcome: str
    kept: bool


class ImportOut(Schema):
    plan: PlanSummary
    report: list[ReportLineOut]


# The sections a PUT may replace: every one but the generated Approval and Changelog.
SectionKey = Literal[
    "overview",
    "goals",
    "success_criteria",
    "user_stories",
    "architecture",
    "data_models",
    "api_endpoints",
    "dependencies",
    "phases",
    "testing",
    "rollout",
    "risks",
    "resources",
    "documentation",
    "open_questions",
]


class SectionIn(Schema):
    summary: str = Field("", max_length=200, description="One line for the history")
    fields: dict[str, Any] = Field(
        default_factory=dict, description="The section's own fields; those left out stay"
    )
    rows: dict[str, list[Any]] = Field(
        default_factory=dict,
        description="Row sets, each the whole list in its new order: a row with an id keeps "
        "its identity, one without is new, one left out is removed; sets left out stay",
    )


class SectionSaved(Schema):
    saved: bool = Field(..., description="False when nothing changed")
    version: int
    section: SectionOut


class SignoffOut(Schema):
    role: str
    lead: Person | None
    state: str = Field(..., description="not assigned, waiting, approved, changes requested, stale")
    decision: str | None
    decided_by: Person | None
    decided_at: str | None
    version: int | None
    sha256: str | None
    named_version: str | None
    comment: str | None


class DecisionOut(Schema):
    role: str
    decision: str
    user: Person
    created_at: str
    version: int
    sha256: str
    named_version: str | None
    comment: str


class SignoffsOut(Schema):
    plan: int
    status: str
    roles: list[SignoffOut]
    decisions: list[DecisionOut]


class ApprovalOut(Schema):
    plan: int
    approved: bool
    status: str
    version: int
    sha256: str
    named_version: str | None
    signoffs: list[SignoffOut]
    blockers: list[str]


class CommentOut(Schema):
    id: int
    author: Person
    body: str
    version: int
    created_at: str
    edited_at: str | None
    deleted: bool


class ThreadOut(Schema):
    id: int
    section: str
    about: str
    version: int
    created_by: Person
    created_at: str
    resolved: bool
    resolved_at: str | None
    comments: list[CommentOut]


COMMENT_BODY = Field(
    ..., min_length=1, max_length=10_000, pattern=r"^[^\x00]*$", description="Markdown"
)


class ThreadIn(Schema):
    section: SectionKey
    row_id: int | None = Field(None, ge=1, description="A row of that section, to comment on it")
    body: str = COMMENT_BODY


class CommentIn(Schema):
    body: str = COMMENT_BODY


class ThreadPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ThreadOut]
