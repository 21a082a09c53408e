"""The one place a plan becomes Markdown, in the exact shape of the plan template.

The export of every section but Approval and Changelog is also the plan's canonical form:
the sign-off hash digests it, so what a lead signs is a document a person can read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from plans.content import PlanContent
from plans.diff import display
from plans.markdown.fences import nested_fences
from plans.models import NamedVersion
from plans.sections import APPROVAL_INTRO, COLUMNS, DEFAULT_SIGNOFF_ROLES, HEADINGS

EMPTY_EFFORT = "[X person-days]"


@dataclass
class ApprovalRow:
    role: str
    name: str = ""
    date: str = ""
    signature: str = ""


def cell(value: object) -> str:
    """A table cell that cannot break its table: pipes escaped, line breaks as <br>."""
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return "<br>".join(line for line in text.replace("\r\n", "\n").split("\n"))


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("-" * (len(h) + 2) for h in headers) + "|",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def closed(text: str) -> str:
    """The text, with a closing line for a code fence it leaves open: an open fence would
    swallow every heading written after it (an imported field may end inside one, since its
    document did)."""
    if "```" not in text and "~~~" not in text:
        return text
    opener = ""
    for line in nested_fences(text).split("\n"):  # the fences as the reader reads them
        match = _FENCE.match(line)
        if match is None:
            continue
        fence, rest = match.group(1), match.group(2)
        if not opener:
            if not (fence[0] == "`" and "`" in rest):
                opener = fence
        elif fence[0] == opener[0] and len(fence) >= len(opener) and not rest.strip():
            opener = ""
    return f"{text}\n{opener}" if opener else text


def _text(value: str) -> list[str]:
    return [closed(value.strip("\n"))] if value.strip() else []


def _block(heading: str, body: list[str], kept: str = "", before: bool = False) -> list[str]:
    """A heading and its body with any imported lines kept verbatim in this section (after the
    body, or before it for tables, whose introduction usually comes first)."""
    extra = [kept] if kept else []
    gap = [""] if body and kept else []
    body = [*extra, *gap, *body] if before else [*body, *gap, *extra]
    return [heading, "", *([*body, ""] if body else [])]


def _h(level: int, key: str) -> str:
    """A heading of the template, as sections.HEADINGS names it."""
    return f"{'#' * level} {HEADINGS[key][0]}"


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _phase_lines(number: int, phase: Any) -> list[str]:
    lines = [f"### Phase {number}: {phase.name}", "", "- **Tasks:**"]
    lines += [
        f"  {i}. {'[x] ' if t.done else ''}{_one_line(t.text)}"
        for i, t in enumerate(phase.tasks, start=1)
    ]
    effort = display(phase.phase, "effort")
    lines.append(
        f"- **Estimated Effort:** {effort} person-days"
        if effort
        else f"- **Estimated Effort:** {EMPTY_EFFORT}"
    )
    deliverables = phase.deliverables.strip("\n")
    if "\n" in deliverables:
        lines.append("- **Deliverables:**")
        lines += [f"  {line}" if line else "" for line in deliverables.split("\n")]
    else:
        lines.append(f"- **Deliverables:** {deliverables}".rstrip())
    return [*lines, ""]


def _table_of(rows: Sequence[Any], rowset: str, always: tuple[str, ...]) -> list[str]:
    """A row set as its table (sections.COLUMNS): the columns in `always`, and any other
    column some row fills (a flag's Default and Owner only when written)."""
    if not rows:
        return []
    columns = [
        c for c in COLUMNS[rowset] if c.field in always or any(getattr(r, c.field) for r in rows)
    ]
    return table([c.title for c in columns], ([getattr(r, c.field) for c in columns] for r in rows))


def _date(value: Any, placeholder: str) -> str:
    """A date, or the template's own placeholder while it is not set."""
    return value.isoformat() if value else placeholder


def content_lines(content: PlanContent) -> list[str]:
    """Every content section of the template, from the title to Open Questions."""
    p = content.plan
    notes = p.section_notes or {}

    def kept(key: str) -> str:
        return closed(str(notes.get(key, "")).strip("\n"))

    out = [f"# Implementation Plan: {p.title}", ""]
    out += _block(_h(2, "overview"), _text(p.overview))
    out += [_h(2, "goals_group"), ""]
    out += _block(_h(3, "goals"), [f"- {_one_line(g.text)}" for g in content.goals], kept("goals"))
    out += _block(
        _h(3, "success_criteria"),
        [f"- {_one_line(c.text)}" for c in content.success_criteria],
        kept("success_criteria"),
    )
    stories = [f"- {_one_line(s.sentence)}" for s in content.user_stories]
    out += _block(_h(3, "user_stories"), stories, kept("user_stories"))
    out += [_h(2, "tech_group"), ""]
    out += _block(_h(3, "architecture"), _text(p.architecture))
    out += _block(_h(3, "data_models"), _text(p.data_models))
    endpoints = (
        table(
            ["Endpoint", "Method", "Request Body", "Response", "Description"],
            (
                [
                    f"`{e.endpoint}`" if e.endpoint else "",
                    e.method,
                    e.request_body,
                    e.response,
                    e.description,
                ]
                for e in content.api_endpoints
            ),
        )
        if content.api_endpoints
        else []
    )
    out += _block(_h(3, "api_endpoints"), endpoints, kept("api_endpoints"), before=True)
    out += _block(_h(3, "dependencies"), _text(p.dependencies))
    out += [_h(2, "phases"), ""]
    for number, phase in enumerate(content.phases, start=1):
        out += _phase_lines(number, phase)
    out += [_h(2, "testing"), ""]
    out += _block(_h(3, "unit_tests"), _text(p.unit_tests))
    out += _block(_h(3, "integration_tests"), _text(p.integration_tests))
    out += _block(_h(3, "acceptance_tests"), _text(p.acceptance_tests))
    out += [_h(2, "rollout"), ""]
    out += _block(_h(3, "deployment_strategy"), _text(p.deployment_strategy))
    flags = _table_of(content.feature_flags, "feature_flags", always=("name", "description"))
    out += _block(_h(3, "feature_flags"), flags, kept("feature_flags"), before=True)
    out += _block(_h(3, "rollback_plan"), _text(p.rollback_plan))
    risks = (
        table(
            ["Risk", "Impact", "Likelihood", "Mitigation"],
            (
                [r.risk, display(r, "impact"), display(r, "likelihood"), r.mitigation]
                for r in content.risks
            ),
        )
        if content.risks
        else []
    )
    out += _block(_h(2, "risks"), risks, kept("risks"), before=True)
    out += [_h(2, "resources"), ""]
    members = (
        table(["Name", "Role"], ([m.name, m.role] for m in content.team_members))
        if content.team_members
        else []
    )
    out += _block(_h(3, "team_members"), members, kept("team_members"), before=True)
    timeline = [
        f"- {label}: {_date(start, '[Start date]')} to {_date(end, '[End date]')}"
        for label, start, end in p.timeline()
    ]
    timeline.append(f"- Deployment: {_date(p.deployment_date, '[Target date]')}")
    out += _block(_h(3, "timeline"), timeline, kept("timeline"))
    out += _block(
        _h(2, "documentation"),
        [f"- {_one_line(d.text)}" for d in content.documentation_updates],
        kept("documentation"),
    )
    questions = [
        f"- {'[x] ' if q.resolved else ''}{_one_line(q.text)}" for q in content.open_questions
    ]
    out += _block(_h(2, "open_questions"), questions, kept("open_questions"))
    return out


def write_plan(
    content: PlanContent,
    *,
    approvals: Sequence[ApprovalRow] | None = None,
    named_versions: Sequence[NamedVersion] = (),
) -> str:
    """The whole plan as the template's Markdown document. Its Changelog lists the rows an
    imported document brought, then the plan's named versions."""
    out = content_lines(content)
    if approvals is None:  # nobody has signed: the template's roles, empty
        approvals = [ApprovalRow(role) for role in DEFAULT_SIGNOFF_ROLES]
    record = content.plan.prior_approvals or []
    out += _block(
        _h(2, "approval"),
        [
            *table(
                ["Role", "Name", "Date", "Signature"],
                ([a.role, a.name, a.date, a.signature] for a in approvals),
            ),
            *(
                ["", APPROVAL_INTRO, "", *table(["Role", "Name", "Date", "Signature"], record)]
                if record
                else []
            ),
        ],
    )
    out += _block(
        _h(2, "changelog"),
        table(
            ["Date", "Version", "Changes", "Author"],
            [
                *(row[:4] for row in content.plan.prior_changelog),
                *(
                    [
                        v.created_at.date().isoformat(),
                        v.label,
                        v.summary,
                        (v.author.get_full_name() or v.author.username) if v.author else "",
                    ]
                    for v in named_versions
                ),
            ],
        ),
    )
    if content.plan.additional_notes.strip():
        out += _block(_h(2, "notes"), _text(content.plan.additional_notes))
    return "\n".join(out).rstrip("\n") + "\n"


def content_hash(content: PlanContent) -> str:
    """SHA-256 of the canonical form: the export of every section but Approval and Changelog."""
    canonical = "\n".join(content_lines(content))
    if content.plan.additional_notes.strip():
        canonical += "\n" + content.plan.additional_notes
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
