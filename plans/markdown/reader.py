"""Markdown in: a plan document becomes plan content, and nothing in it is lost.

Sections are found by their headings (any level, case and common variants forgiven), lists and
tables become rows (table columns matched by header name, in any order), phases come from
"Phase N: Name" headings. Whatever does not fit a section cleanly — front matter, callouts,
unknown sections, lines a parser did not understand — is kept verbatim in the plan's
Additional Notes, and the report says what went where.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from plans.content import PhaseContent, PlanContent
from plans.models import (
    ApiEndpoint,
    DocumentationUpdate,
    FeatureFlag,
    Goal,
    HttpMethod,
    OpenQuestion,
    Phase,
    Plan,
    Risk,
    SuccessCriterion,
    Task,
    TeamMember,
    UserStory,
)
from plans.sections import DEFAULT_SIGNOFF_ROLES, MAX_ROWS, SECTIONS

MAX_BYTES = 1_000_000


class ImportError_(ValueError):
    """The document cannot be imported; the message says why, for the person."""


@dataclass
class ReportLine:
    heading: str
    outcome: str  # what became of it
    kept: bool = False  # True when kept verbatim in Additional Notes


@dataclass
class ImportResult:
    content: PlanContent
    report: list[ReportLine] = field(default_factory=list)
    prior_changelog: list[list[str]] = field(default_factory=list)


@dataclass
class Block:
    level: int
    heading: str
    lines: list[str]  # the body, without the heading line
    raw_heading: str

    @property
    def key(self) -> str:
        return normalize(self.heading)

    @property
    def raw(self) -> str:
        return "\n".join([self.raw_heading, *self.lines]).strip("\n")


def normalize(heading: str) -> str:
    text = re.sub(r"[^\w\s&-]", " ", heading.lower()).replace("&", "and")
    text = re.sub(r"^\s*\d+(\.\d+)*\s*", "", text)  # "1.2 Overview"
    return " ".join(text.replace("-", " ").split())


ALIASES: dict[str, str] = {}
for _key, _names in {
    "overview": ["overview", "summary", "executive summary", "introduction"],
    "goals_group": ["goals and requirements", "requirements", "goals and non goals"],
    "goals": ["primary goals", "goals", "objectives", "key goals"],
    "success_criteria": ["success criteria", "success metrics", "definition of done"],
    "user_stories": ["user stories", "stories"],
    "tech_group": ["technical specifications", "technical specification", "technical design"],
    "architecture": ["architecture", "architecture overview", "system architecture",
                     "technical architecture"],
    "data_models": ["data models", "data model", "database schema", "schema"],
    "api_endpoints": ["api endpoints", "endpoints", "api"],
    "dependencies": ["dependencies", "external dependencies"],
    "phases": ["implementation phases", "phases", "milestones", "implementation steps"],
    "testing": ["testing strategy", "testing plan", "test plan", "testing", "test strategy"],
    "unit_tests": ["unit tests", "unit testing"],
    "integration_tests": ["integration tests", "integration testing"],
    "acceptance_tests": ["user acceptance testing", "acceptance testing", "uat"],
    "rollout": ["rollout plan", "rollout strategy", "rollout", "deployment plan", "release plan"],
    "deployment_strategy": ["deployment strategy", "deployment"],
    "feature_flags": ["feature flags", "feature toggles"],
    "rollback_plan": ["rollback plan", "rollback", "rollback strategy"],
    "risks": ["risks and mitigations", "risk assessment", "risks", "risk register",
              "risks and mitigation"],
    "resources": ["resources and timeline", "resources", "resources and schedule"],
    "team_members": ["team members", "team"],
    "timeline": ["timeline", "schedule"],
    "documentation": ["documentation updates", "documentation"],
    "open_questions": ["open questions", "questions", "unresolved questions"],
    "approval": ["approval", "approvals", "sign off", "signoff", "sign offs",
                 "stakeholder approval"],
    "changelog": ["changelog", "change log", "document history", "revision history",
                  "version history"],
    "notes": ["additional notes"],
}.items():  # fmt: skip
    for _name in _names:
        ALIASES[_name] = _key

TEXT_FIELDS = {
    "overview": "overview",
    "architecture": "architecture",
    "data_models": "data_models",
    "dependencies": "dependencies",
    "unit_tests": "unit_tests",
    "integration_tests": "integration_tests",
    "acceptance_tests": "acceptance_tests",
    "deployment_strategy": "deployment_strategy",
    "rollback_plan": "rollback_plan",
}
LIST_ROWS: dict[str, Any] = {
    "goals": Goal,
    "success_criteria": SuccessCriterion,
    "documentation": DocumentationUpdate,
}
TITLE_RE = re.compile(r"^(?:implementation plan|plan)\s*[:\-—]\s*(.+)$", re.I)
PHASE_RE = re.compile(r"^phase\s+(\d+[a-z]?)\s*[:.\-—)]?\s*(.*)$", re.I)
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")
ITEM_RE = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(?:\[( |x|X)\]\s+)?(.*)$")
LABEL_RE = re.compile(
    r"^\s*[-*]?\s*\*\*(tasks|estimated effort|effort|deliverables)\s*:?\*\*\s*:?\s*(.*)$", re.I
)
LEVELS = {"high": "high", "medium": "medium", "med": "medium", "low": "low"}


def read_document(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportError_(f"The file is over {MAX_BYTES // 1_000_000} MB.")
    if b"\x00" in data:
        raise ImportError_("This is not a text file (it holds binary data).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError_("The file is not UTF-8 text: save it as UTF-8 and try again.") from None
    if not text.strip():
        raise ImportError_("The document is empty.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_blocks(text: str) -> tuple[list[str], list[Block]]:
    """Lines before the first heading, and one block per heading (fenced code respected)."""
    preamble: list[str] = []
    blocks: list[Block] = []
    fence = None
    for line in text.split("\n"):
        match = FENCE_RE.match(line)
        if match:
            fence = None if fence == match.group(1) else (fence or match.group(1))
        heading = HEADING_RE.match(line) if fence is None and not match else None
        if heading:
            blocks.append(Block(len(heading.group(1)), heading.group(2), [], line))
        elif blocks:
            blocks[-1].lines.append(line)
        else:
            preamble.append(line)
    return preamble, blocks


def _body(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n")


def _items(lines: list[str], ticks: bool = True) -> tuple[list[tuple[str, bool | None]], list[str]]:
    """Top-level list items (text, checked) and the lines that are not part of any item.
    A ticked box ("[x]") stays at the start of the text, since only an open question has a
    field that says "done" (`ticks=False` takes it out there). An empty box says nothing and
    is always taken out."""
    items: list[tuple[str, bool | None]] = []
    rest: list[str] = []
    indent = None
    for line in lines:
        match = ITEM_RE.match(line)
        if match and (indent is None or len(match.group(1)) <= indent):
            indent = len(match.group(1))
            checked = None if match.group(2) is None else match.group(2).lower() == "x"
            text = match.group(3).strip()
            items.append((f"[{match.group(2)}] {text}" if checked and ticks else text, checked))
        elif items and line.strip() and line.startswith((" ", "\t")) and not rest:
            text, checked = items[-1]  # a continuation of the item
            items[-1] = (f"{text} {line.strip()}", checked)
        elif line.strip():
            rest.append(line)
    return items, rest


def split_row(line: str) -> list[str]:
    cells, current, i = [], "", 0
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    if "\\" not in body:  # nothing escaped: the common case, split at once
        return [c.strip().replace("<br>", "\n").replace("<br/>", "\n") for c in body.split("|")]
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body) and body[i + 1] in "|\\":
            current += body[i + 1]
            i += 2
            continue
        if body[i] == "|":
            cells.append(current)
            current = ""
        else:
            current += body[i]
        i += 1
    cells.append(current)
    return [c.strip().replace("<br>", "\n").replace("<br/>", "\n") for c in cells]


def _table(lines: list[str]) -> tuple[list[str], list[list[str]], list[str], list[str]]:
    """The first table: its headers, its rows, every other non-blank line, its raw head."""
    rows: list[list[str]] = []
    headers: list[str] = []
    head: list[str] = []
    rest: list[str] = []
    in_table = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        is_row = stripped.startswith("|")
        if (
            not headers
            and is_row
            and i + 1 < len(lines)
            and re.match(r"^\|?\s*:?-{3,}", lines[i + 1].strip())
        ):
            headers = [normalize(h) for h in split_row(stripped)]
            head = [line, lines[i + 1]]
            in_table = True
        elif in_table and re.match(r"^\|?\s*:?-{3,}", stripped):
            continue
        elif in_table and is_row:
            rows.append(split_row(stripped))
        else:
            in_table = in_table and not stripped
            if stripped:
                rest.append(line)
    return headers, rows, rest, head


COLUMNS = {
    "endpoint": ["endpoint", "path", "route", "url"],
    "method": ["method", "verb", "http method"],
    "request_body": ["request body", "request", "body", "payload", "input"],
    "response": ["response", "response body", "returns", "output"],
    "description": ["description", "purpose", "notes", "details"],
    "risk": ["risk", "risks", "description of risk"],
    "impact": ["impact", "severity"],
    "likelihood": ["likelihood", "probability"],
    "mitigation": ["mitigation", "mitigation strategy", "mitigations", "response plan"],
    "name": ["name", "flag", "feature flag", "member", "person"],
    "role": ["role", "responsibility", "title"],
    "flag_description": ["description", "purpose", "notes"],
}


def _column(headers: list[str], field_name: str) -> int | None:
    for alias in COLUMNS[field_name]:
        if alias in headers:
            return headers.index(alias)
    return None


def _cells(row: list[str], headers: list[str], fields: dict[str, str]) -> dict[str, str] | None:
    """Map a table row to fields by header name; None if a required column is missing."""
    values = {}
    for attr, column in fields.items():
        index = _column(headers, column)
        values[attr] = row[index].strip() if index is not None and index < len(row) else ""
    return values


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text))


def _one_line(value: str) -> str:
    return value.replace("\n", "<br>").strip()


def leftover_columns(
    head: list[str],
    rows: list[list[str]],
    columns: dict[int, str],
    keys: list[str],
    covered: bool = False,
) -> tuple[list[str], list[str]]:
    """What of a table no field takes, as lines to keep: per row, `- key — Header: cell` for
    each cell of a column no field takes; then the headings that the export does not write
    (a column no field takes, or one written under another name). `columns` maps the index of
    each column a field takes to the heading the export writes for it; `keys` name each row;
    `covered` says the table's own heading line is kept already. Returns the lines and the
    names of the columns kept."""
    raw = split_row(head[0]) if head else []
    width = max([len(raw), *(len(r) for r in rows)], default=0)
    headers = [*raw, *[""] * (width - len(raw))]
    lines: list[str] = []
    shown: set[int] = set()
    for key, row in zip(keys, rows, strict=True):
        pairs = []
        for k, value in enumerate(row):
            if k not in columns and value.strip():
                shown.add(k)
                label = _one_line(headers[k])
                pairs.append(f"{label}: {_one_line(value)}" if label else _one_line(value))
        if pairs:
            lines.append("- " + " — ".join(filter(None, [_one_line(key), "; ".join(pairs)])))
    unwritten = [
        _one_line(h)
        for k, h in enumerate(headers)
        if _words(h)
        and not covered
        and (
            (k in columns and not _words(h) <= _words(columns[k]))
            or (k not in columns and k not in shown)
        )
    ]
    if unwritten:
        lines.append("- Column headings of the imported table: " + ", ".join(unwritten))
    names = [_one_line(headers[k]) or f"column {k + 1}" for k in sorted(shown)]
    return lines, [*names, *(h for h in unwritten if h not in names)]


class Importer:
    def __init__(self, text: str, filename: str = "") -> None:
        self.text = text
        self.filename = filename
        self.plan = Plan()
        self.content = PlanContent(plan=self.plan)
        self.report: list[ReportLine] = []
        self.notes: list[str] = []
        self.prior_changelog: list[list[str]] = []
        self.plan.section_notes = {}
        self.current = ""
        self.renamed: list[str] = []  # headings of the template's sections under other names
        self.empty_notes_heading = ""  # an "Additional Notes" heading with nothing under it
        self.timeline_seen: set[str] = set()  # timeline labels already placed

    def keep_here(self, block: Block, rest: list[str], why: str) -> None:
        """Lines of a known section that fit no row: kept verbatim in that very section."""
        text = "\n".join(rest).strip("\n")
        if not text:
            return
        if self.current in SECTION_NOTE_KEYS:
            notes = self.plan.section_notes
            notes[self.current] = (
                f"{notes[self.current]}\n\n{text}" if self.current in notes else text
            )
            self.report.append(ReportLine(block.heading, f"{why} (in this section)", kept=True))
        else:
            self.keep(block.heading, "\n".join([block.raw_heading, *rest]), why)

    def keep(self, heading: str, raw: str, why: str) -> None:
        if raw.strip():
            self.notes.append(raw.strip("\n"))
            self.report.append(ReportLine(heading, why, kept=True))

    def run(self) -> ImportResult:
        text = self.text
        if text.startswith("---\n"):
            end = text.find("\n---", 4)
            if end != -1:
                self.keep("Front matter", text[: end + 4], "front matter kept verbatim")
                text = text[end + 4 :].lstrip("\n")
        preamble, blocks = split_blocks(text)
        self.has_phases_group = any(ALIASES.get(b.key) == "phases" for b in blocks)
        self.phases_level = 99
        self.title(blocks)
        self.keep("Before the first heading", _body(preamble), "kept verbatim")
        self.walk(blocks)
        if self.renamed:
            names = ", ".join(f"“{h}”" for h in self.renamed)
            self.notes.append(f"Imported headings placed in the template's sections: {names}.")
        if self.empty_notes_heading and not self.notes:
            # The export writes the heading only over some notes: say it was there, and empty.
            self.notes.append("The imported document\u2019s Additional Notes section was empty.")
            self.report.append(
                ReportLine(self.empty_notes_heading, "empty: noted in Additional Notes", kept=True)
            )
        self.plan.additional_notes = "\n\n".join(self.notes)
        self.plan.prior_changelog = self.prior_changelog
        return ImportResult(self.content, self.report, self.prior_changelog)

    def title(self, blocks: list[Block]) -> None:
        first = next((b for b in blocks if b.level == 1), None)
        if first is not None:
            match = TITLE_RE.match(first.heading.strip())
            self.plan.title = (match.group(1) if match else first.heading).strip()[:200]
            first.heading = ""  # consumed: only its body remains to place
        else:
            stem = re.sub(r"\.(md|markdown|txt)$", "", self.filename, flags=re.I)
            self.plan.title = (stem.replace("_", " ").replace("-", " ").strip() or "Imported plan")[
                :200
            ]
            self.report.append(
                ReportLine(
                    "Title",
                    f"no “# Implementation Plan:” heading: titled “{self.plan.title}” "
                    "from the file name",
                )
            )

    def walk(self, blocks: list[Block]) -> None:
        i = 0
        while i < len(blocks):
            block = blocks[i]
            children_end = i + 1
            while children_end < len(blocks) and blocks[children_end].level > block.level:
                children_end += 1
            children = blocks[i + 1 : children_end]
            i = self.place(block, children, i, children_end, blocks)

    def place(
        self, block: Block, children: list[Block], i: int, end: int, blocks: list[Block]
    ) -> int:
        """Place one block; returns the index of the next block to look at. A heading of the
        template's sections under another name is listed in the Additional Notes (unless the
        block was kept there whole, heading and all), even when its section came out empty."""
        notes, phases = len(self.notes), len(self.content.phases)
        following = self._place(block, children, i, end, blocks)
        if len(self.content.phases) > phases:  # a phase: written "Phase N: name", numbered anew
            written = f"Phase {len(self.content.phases)}: {self.content.phases[-1].phase.name}"
            if not _words(block.heading) <= _words(written):
                self.renamed.append(block.heading)
        elif (
            block.heading
            and ALIASES.get(block.key)
            and block.heading not in CANONICAL_HEADINGS
            and not (PHASE_RE.match(block.heading.strip().lstrip("#").strip()))
            and not any(n.startswith(block.raw_heading) for n in self.notes[notes:])
        ):
            self.renamed.append(block.heading)
        return following

    def _place(
        self, block: Block, children: list[Block], i: int, end: int, blocks: list[Block]
    ) -> int:
        if not block.heading:  # the title: its body (a lead paragraph) is kept
            self.keep("Title", _body(block.lines), "text under the title kept verbatim")
            return i + 1
        phase = PHASE_RE.match(block.heading.strip().lstrip("#").strip())
        if phase and (block.level > self.phases_level or not self.has_phases_group):
            self.phase(block, children, phase.group(2) or f"Phase {phase.group(1)}")
            return end
        target = ALIASES.get(block.key)
        self.current = target or ""
        if target == "phases":
            self.phases_level = block.level
        elif block.level <= self.phases_level:
            self.phases_level = 99
        if target in TEXT_FIELDS:
            return self.text_section(block, children, TEXT_FIELDS[target], i, end)
        handler = getattr(self, f"section_{target}", None) if target else None
        if handler is None:
            self.keep(block.heading, block.raw, "no matching section: kept verbatim")
            return i + 1
        handler(block)
        return i + 1

    # Sections ---------------------------------------------------------------------------

    def text_section(self, block: Block, children: list[Block], name: str, i: int, end: int) -> int:
        """A Markdown field takes its body and every sub-heading that is not a section itself."""
        parts = [_body(block.lines)]
        j = 0
        while (
            j < len(children)
            and not ALIASES.get(children[j].key)
            and not PHASE_RE.match(children[j].heading)
        ):
            parts.append(children[j].raw)
            j += 1
        text = "\n\n".join(p for p in parts if p.strip())
        existing = getattr(self.plan, name)
        setattr(self.plan, name, f"{existing}\n\n{text}" if existing and text else existing or text)
        label = getattr(Plan._meta.get_field(name), "verbose_name", name)
        self.report.append(
            ReportLine(block.heading, f"→ {str(label).capitalize()} ({len(text)} characters)")
        )
        return i + 1 + j

    def _list_rows(self, block: Block, model: Any, attr: str) -> None:
        items, rest = _items(block.lines, ticks=model is not OpenQuestion)
        rows = []
        limit = model._meta.get_field("text").max_length
        for text, checked in items:
            if len(text) > limit:
                rest.append(f"- {text}")
                continue
            row = model(text=text)
            if isinstance(row, OpenQuestion):
                row.resolved = bool(checked)
            rows.append(row)
        getattr(self.content, attr).extend(rows)
        ticked = (
            " (ticked boxes kept in their text)"
            if model is not OpenQuestion and any(checked for _, checked in items)
            else ""
        )
        self.report.append(
            ReportLine(block.heading, f"→ {len(rows)} {model._meta.verbose_name_plural}{ticked}")
        )
        self.keep_here(block, rest, "lines that are not list items kept verbatim")

    def section_goals(self, block: Block) -> None:
        self._list_rows(block, Goal, "goals")

    def section_success_criteria(self, block: Block) -> None:
        self._list_rows(block, SuccessCriterion, "success_criteria")

    def section_documentation(self, block: Block) -> None:
        self._list_rows(block, DocumentationUpdate, "documentation_updates")

    def section_open_questions(self, block: Block) -> None:
        self._list_rows(block, OpenQuestion, "open_questions")

    def section_user_stories(self, block: Block) -> None:
        items, rest = _items(block.lines)
        pattern = re.compile(r"^as an? (.+?), I want(?: to)? (.+?)(?:,? so that (.+))?$", re.I)
        for text, _ in items:
            match = pattern.match(text.rstrip("."))
            if match and all(len(g or "") <= 500 for g in match.groups()):
                self.content.user_stories.append(
                    UserStory(
                        user_type=match.group(1),
                        action=match.group(2),
                        benefit=match.group(3) or "",
                    )
                )
            else:
                rest.append(f"- {text}")
        self.report.append(
            ReportLine(block.heading, f"→ {len(self.content.user_stories)} user stories")
        )
        self.keep_here(block, rest, "items not shaped “As a …, I want to …” kept verbatim")

    def _table_rows(self, block: Block, build: Any, noun: str, columns: dict[str, str]) -> None:
        """Rows by header name. `columns` maps each column a field takes (its COLUMNS key, the
        row's key first) to the heading the export writes for it. A row with more cells than
        the table has headings (an unescaped "|") fits no row; the cells of columns no field
        takes, and headings the export writes otherwise, are kept in the section's notes."""
        headers, rows, rest, head = _table(block.lines)
        taken = {
            index: heading
            for name, heading in columns.items()
            if (index := _column(headers, name)) is not None
        }
        key = _column(headers, next(iter(columns)))  # a row is made only if it has one
        made: list[list[str]] = []
        unfit = []
        for row in rows:
            if any(c.strip() for c in row[len(headers) :]) or build(headers, row) is None:
                cells = (c.replace("|", "\\|").replace("\n", "<br>") for c in row)
                unfit.append("| " + " | ".join(cells) + " |")
            else:
                made.append(row)
        kept_head = bool(unfit) or (bool(head) and not rows)
        extras, names = leftover_columns(
            head,
            made,
            taken,
            [r[key] if key is not None else "" for r in made],
            covered=kept_head,
        )
        rest = [*head, *unfit, *rest] if kept_head else rest
        self.report.append(ReportLine(block.heading, f"→ {len(made)} {noun}"))
        why = "lines outside the table, or rows that did not fit, kept verbatim"
        if extras:
            why += f"; columns no field takes, or headings written otherwise ({', '.join(names)})"
        self.keep_here(block, [*rest, *extras], why)

    def section_api_endpoints(self, block: Block) -> None:
        def build(headers: list[str], row: list[str]) -> ApiEndpoint | None:
            v = _cells(
                row,
                headers,
                {
                    "endpoint": "endpoint",
                    "method": "method",
                    "request_body": "request_body",
                    "response": "response",
                    "description": "description",
                },
            )
            assert v is not None
            endpoint = v["endpoint"].strip()
            if endpoint.startswith("`") and endpoint.endswith("`") and endpoint.count("`") == 2:
                endpoint = endpoint[1:-1]
            method = v["method"].upper()
            if method == "WEBSOCKET":
                method = "WS"
            if not endpoint or method not in HttpMethod.values or len(endpoint) > 300:
                return None
            limits = {"request_body": 500, "response": 500, "description": 1000}
            if any(len(v[f]) > limit for f, limit in limits.items()):
                return None
            self.content.api_endpoints.append(
                ApiEndpoint(
                    endpoint=endpoint,
                    method=method,
                    request_body=v["request_body"],
                    response=v["response"],
                    description=v["description"],
                )
            )
            return self.content.api_endpoints[-1]

        self._table_rows(
            block,
            build,
            "API endpoints",
            {
                "endpoint": "Endpoint",
                "method": "Method",
                "request_body": "Request Body",
                "response": "Response",
                "description": "Description",
            },
        )

    def section_risks(self, block: Block) -> None:
        def build(headers: list[str], row: list[str]) -> Risk | None:
            v = _cells(
                row,
                headers,
                {
                    "risk": "risk",
                    "impact": "impact",
                    "likelihood": "likelihood",
                    "mitigation": "mitigation",
                },
            )
            assert v is not None
            impact, likelihood = (
                LEVELS.get(v["impact"].lower()),
                LEVELS.get(v["likelihood"].lower()),
            )
            if (
                not v["risk"]
                or not impact
                or not likelihood
                or len(v["risk"]) > 500
                or len(v["mitigation"]) > 1000
            ):
                return None
            self.content.risks.append(
                Risk(
                    risk=v["risk"], impact=impact, likelihood=likelihood, mitigation=v["mitigation"]
                )
            )
            return self.content.risks[-1]

        self._table_rows(
            block,
            build,
            "risks",
            {
                "risk": "Risk",
                "impact": "Impact",
                "likelihood": "Likelihood",
                "mitigation": "Mitigation",
            },
        )

    def section_feature_flags(self, block: Block) -> None:
        def build(headers: list[str], row: list[str]) -> FeatureFlag | None:
            v = _cells(row, headers, {"name": "name", "description": "flag_description"})
            assert v is not None
            name = v["name"].strip("`")
            if not name or len(name) > 200 or len(v["description"]) > 1000:
                return None
            self.content.feature_flags.append(FeatureFlag(name=name, description=v["description"]))
            return self.content.feature_flags[-1]

        if any(line.strip().startswith("|") for line in block.lines):
            self._table_rows(
                block, build, "feature flags", {"name": "Flag", "flag_description": "Description"}
            )
        else:  # prose about flags: keep it as the deployment strategy's neighbour, verbatim
            self.keep_here(block, block.lines, "feature flags written as prose kept verbatim")

    def section_team_members(self, block: Block) -> None:
        def build(headers: list[str], row: list[str]) -> TeamMember | None:
            v = _cells(row, headers, {"name": "name", "role": "role"})
            assert v is not None
            if not v["name"] or len(v["name"]) > 200 or len(v["role"]) > 200:
                return None
            self.content.team_members.append(TeamMember(name=v["name"], role=v["role"]))
            return self.content.team_members[-1]

        self._table_rows(block, build, "team members", {"name": "Name", "role": "Role"})

    def section_timeline(self, block: Block) -> None:
        items, rest = _items(block.lines)
        placed = 0
        for text, _ in items:
            match = re.match(
                r"^(planning|development|testing)\s*:\s*(.+?)\s+to\s+(.+)$", text, re.I
            )
            deploy = re.match(r"^deployment\s*:\s*(.+)$", text, re.I)
            label = match.group(1).lower() if match else "deployment" if deploy else ""
            try:
                if label in self.timeline_seen:  # a second line for the same dates: kept
                    raise ValueError
                if match:
                    start, end = _date(match.group(2)), _date(match.group(3))
                    if start and end and end < start:
                        raise ValueError
                    setattr(self.plan, f"{match.group(1).lower()}_start", start)
                    setattr(self.plan, f"{match.group(1).lower()}_end", end)
                elif deploy:
                    self.plan.deployment_date = _date(deploy.group(1))
                else:
                    raise ValueError
                self.timeline_seen.add(label)
                placed += 1
            except ValueError:
                rest.append(f"- {text}")
        self.report.append(ReportLine(block.heading, f"→ {placed} timeline dates"))
        self.keep_here(
            block,
            rest,
            "timeline lines not shaped “Phase: date to date”, or repeating one, kept verbatim",
        )

    def phase(self, block: Block, children: list[Block], name: str) -> None:
        self.current = ""  # what fits nowhere goes to the Additional Notes, under this heading
        phase = Phase(name=name[:200])
        tasks: list[Task] = []
        rest: list[str] = []
        deliverables: list[str] = []
        mode = None
        effort_seen = ticked = False
        lines = list(block.lines)
        for child in children:  # "#### Tasks" / "#### Deliverables" sub-headings
            key = normalize(child.heading)
            lines.append(
                {"tasks": "- **Tasks:**", "deliverables": "- **Deliverables:**"}.get(
                    key, child.raw_heading
                )
            )
            lines += [
                f"  {line}" if key in ("tasks", "deliverables") and line.strip() else line
                for line in child.lines
            ]
        for line in lines:
            label = LABEL_RE.match(line)
            if label:
                mode = label.group(1).lower()
                value = label.group(2).strip()
                if mode in ("estimated effort", "effort"):
                    mode = None
                    effort = _effort(value)
                    if effort_seen or (effort is None and not _no_effort(value)):
                        rest.append(line)  # a second effort line, or one that is no number
                    else:
                        phase.effort, effort_seen = effort, True
                elif mode == "deliverables" and value:
                    deliverables.append(value)
                elif mode == "tasks" and value:
                    rest.append(line)  # "**Tasks:** text": no list, kept as it is
                continue
            item = ITEM_RE.match(line)
            if mode == "tasks" and item and len(item.group(3)) <= 500:
                # Explicit defaults skip Django looking each one up: imports bring thousands.
                unset: dict[str, Any] = {"id": None, "plan_id": None, "phase_id": None}
                tasks.append(Task(text=item.group(3).strip(), position=0, **unset))
                if (item.group(2) or " ") != " ":  # a ticked task: no field says "done"
                    ticked = True
                    rest.append(line)
            elif mode == "deliverables" and (line.startswith(("  ", "\t")) or not line.strip()):
                deliverables.append(line[2:] if line.startswith("  ") else line.lstrip("\t"))
            elif line.strip():
                mode = None
                rest.append(line)
        phase.deliverables = "\n".join(deliverables).strip("\n")
        self.content.phases.append(PhaseContent(phase, tasks))
        days = f", {phase.effort} person-days" if phase.effort is not None else ""
        self.report.append(
            ReportLine(block.heading, f"→ phase “{phase.name}” with {len(tasks)} tasks{days}")
        )
        why = "phase lines that are not tasks, effort or deliverables kept verbatim"
        self.keep_here(block, rest, f"{why} (and ticked tasks, as written)" if ticked else why)

    # Groups and generated sections --------------------------------------------------------

    def _group(self, block: Block) -> None:
        self.keep(
            block.heading,
            _body(block.lines) and block.raw,
            "text under a group heading kept verbatim",
        )

    section_goals_group = section_tech_group = section_testing = section_rollout = _group
    section_resources = section_phases = _group

    def section_approval(self, block: Block) -> None:
        """Regenerated from the sign-offs only when nothing would be lost: the template's own
        table, with the template's roles, that no one signed. Otherwise kept verbatim."""
        _, rows, rest, head = _table(block.lines)
        signed = [r for r in rows if any(c.strip() for c in r[1:])]
        own_table = not head or split_row(head[0]) == ["Role", "Name", "Date", "Signature"]
        other_roles = [r[0] for r in rows if r[0].strip() not in ("", *DEFAULT_SIGNOFF_ROLES)]
        if signed:
            self.keep(block.heading, block.raw, "sign-offs made outside Plansign kept verbatim")
        elif other_roles:
            roles = ", ".join(f"“{r.strip()}”" for r in other_roles)
            self.keep(
                block.heading, block.raw, f"roles not of the template ({roles}) kept verbatim"
            )
        elif rest or not own_table:
            self.keep(
                block.heading, block.raw, "an Approval section of another shape kept verbatim"
            )
        else:
            self.report.append(
                ReportLine(
                    block.heading, "→ regenerated from the sign-off workflow (no one had signed)"
                )
            )

    def section_changelog(self, block: Block) -> None:
        """Earlier rows, by position, before Plansign's versions; cells after the fourth and
        headings the export writes otherwise are kept in the Additional Notes."""
        _, rows, rest, head = _table(block.lines)
        kept = rows
        self.prior_changelog += [[*r, "", "", "", ""][:4] for r in kept]
        self.report.append(
            ReportLine(
                block.heading,
                f"→ {len(kept)} earlier changelog row{'s' if len(kept) != 1 else ''} "
                "kept before Plansign\u2019s versions",
            )
        )
        extras, names = leftover_columns(
            head, rows, dict(enumerate(CHANGELOG_HEADINGS)), [r[0] for r in rows]
        )
        why = "lines outside the changelog table kept verbatim"
        if extras:
            why += f"; columns after the fourth, or headings written otherwise ({', '.join(names)})"
        self.keep_here(block, [*rest, *extras], why)

    def section_notes(self, block: Block) -> None:
        if not _body(block.lines).strip():
            self.empty_notes_heading = self.empty_notes_heading or block.heading
        self.keep(block.heading, _body(block.lines), "additional notes kept")


CHANGELOG_HEADINGS = ("Date", "Version", "Changes", "Author")  # as the export writes them

CANONICAL_HEADINGS = {
    "Overview", "Goals and Requirements", "Primary Goals", "Success Criteria", "User Stories",
    "Technical Specifications", "Architecture", "Data Models", "API Endpoints", "Dependencies",
    "Implementation Phases", "Testing Strategy", "Unit Tests", "Integration Tests",
    "User Acceptance Testing", "Rollout Plan", "Deployment Strategy", "Feature Flags",
    "Rollback Plan", "Risks and Mitigations", "Resources and Timeline", "Team Members",
    "Timeline", "Documentation Updates", "Open Questions", "Approval", "Changelog",
    "Additional Notes",
}  # fmt: skip


# Sections whose lines that fit no row stay in the section (see writer.content_lines).
SECTION_NOTE_KEYS = {
    "goals", "success_criteria", "user_stories", "api_endpoints", "feature_flags", "risks",
    "team_members", "timeline", "documentation", "open_questions",
}  # fmt: skip


def _effort(value: str) -> Decimal | None:
    """Person-days written as a number ("3", "2.5 days", "4 person-days"), else None."""
    effort = re.match(r"^(\d{1,5}(?:\.\d{1,2})?)\s*(?:person[- ]days?|days?|pd)?$", value, re.I)
    try:
        return Decimal(effort.group(1)) if effort else None
    except InvalidOperation:
        return None


def _no_effort(value: str) -> bool:
    """No effort written: nothing, or the template's "[X person-days]"."""
    return not value or (value.startswith("[") and _words(value) <= {"X", "person", "days"})


def _date(value: str) -> dt.date | None:
    """A date written YYYY-MM-DD, or None for no date yet ("TBD", the template's placeholders);
    anything else raises ValueError, so that its line is kept as it is."""
    if value.upper() in ("TBD", "TBA", "?", "-", "—"):
        return None
    if value.startswith("[") and _words(value) <= {"Start", "End", "Target", "date"}:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(value)
    return dt.date.fromisoformat(value)


# A long real plan has a few thousand lines and a hundred headings; reading costs about a
# microsecond a line but far more a heading (1 MB of "# a" lines took 6 s). Past these, the
# document is refused before it is read, as one that could never be a plan.
MAX_LINES = 50_000
MAX_HEADINGS = 5_000
_HEADING = re.compile(r"^ {0,3}#", re.MULTILINE)


def parse_plan(text: str, filename: str = "") -> ImportResult:
    """The document as a plan's content; ImportError_ if a section (or a phase) holds more rows
    than its form takes, since such a section could never be saved again."""
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise ImportError_(f"The document has {lines:,} lines; a plan has at most {MAX_LINES:,}.")
    headings = len(_HEADING.findall(text))
    if headings > MAX_HEADINGS:
        raise ImportError_(
            f"The document has {headings:,} headings; a plan has at most {MAX_HEADINGS:,}."
        )
    result = Importer(text, filename).run()
    for section in SECTIONS:
        for key in section.rows:
            count = len(result.content.rows(key))
            if count > MAX_ROWS:
                raise ImportError_(
                    f"{section.title} has {count:,} rows; a section holds at most {MAX_ROWS:,}."
                )
    for phase in result.content.phases:
        if len(phase.tasks) > MAX_ROWS:
            raise ImportError_(
                f"Phase “{phase.phase.name}” has {len(phase.tasks):,} tasks; "
                f"a phase holds at most {MAX_ROWS:,}."
            )
    return result
