"""Markdown in: a plan document becomes plan content, and nothing in it is lost.

Sections are found by their headings (any level, case and common variants forgiven), lists and
tables become rows (table columns matched by header name, in any order), phases come from
"Phase N: Name" headings. Whatever does not fit a section cleanly — front matter, callouts,
unknown sections, lines a parser did not understand — is kept verbatim in the plan's
Additional Notes, and the report says what went where.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from markdown_it import MarkdownIt

from plans.content import ROW_MODELS, PhaseContent, PlanContent
from plans.markdown.fences import nested_fences
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
from plans.sections import (
    APPROVAL_INTRO,
    COLUMNS,
    DEFAULT_SIGNOFF_ROLES,
    HEADINGS,
    LEVEL_WORDS,
    MAX_ROWS,
    NOTE_KEYS,
    SECTIONS,
)

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
    # Every heading of the document, in order: (index, level, heading, where it went: a key of
    # TARGETS, "phase", "title", "notes" or "" for a heading another one took with it).
    headings: list[tuple[int, int, str, str]] = field(default_factory=list)

    @property
    def rows(self) -> dict[str, int]:
        counts = {key: len(self.content.rows(key)) for key in ROW_KEYS}
        counts["tasks"] = sum(len(p.tasks) for p in self.content.phases)
        return counts

    @property
    def kept(self) -> list[ReportLine]:
        return [line for line in self.report if line.kept]

    @property
    def structured(self) -> bool:
        """Whether the reading found any row or any of the template's text fields."""
        plan = self.content.plan
        return any(self.rows.values()) or any(getattr(plan, f) for f in TEXT_FIELDS.values())

    def summary(self) -> str:
        """ "62 rows in 9 sections; 3 passages kept as notes"."""
        rows = {k: n for k, n in self.rows.items() if n}
        total = sum(rows.values())
        sections = len(
            {k for k in rows if k != "tasks"} | ({"phases"} if "tasks" in rows else set())
        )
        kept = len(self.kept)
        return (
            f"{total} row{'s' if total != 1 else ''} in {sections} section"
            f"{'s' if sections != 1 else ''}; {kept} passage{'s' if kept != 1 else ''} "
            "kept as notes"
        )


@dataclass
class Segment:
    """A top-level block of a section's body, as the parser found it: a list (with the line
    ranges of its items), a table, or anything else (paragraph, fence, HTML, quote). Line
    numbers index the section's body lines."""

    kind: str  # "list", "table" or "other"
    start: int
    end: int
    items: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Block:
    level: int
    heading: str
    lines: list[str]  # the body, without the heading line
    raw_heading: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def key(self) -> str:
        return normalize(self.heading)

    @property
    def raw(self) -> str:
        return "\n".join([self.raw_heading, *self.lines]).strip("\n")

    def text_of(self, segment: Segment) -> list[str]:
        return self.lines[segment.start : segment.end]


def normalize(heading: str) -> str:
    text = re.sub(r"[^\w\s&-]", " ", heading.lower()).replace("&", "and")
    text = re.sub(r"^\s*(?:(?:\d+|[一二三四五六七八九十]+)\s+)+", "", text)  # "1.2 ", "六、"
    return " ".join(text.replace("-", " ").split())


ALIASES: dict[str, str] = {
    normalize(name): key for key, names in HEADINGS.items() for name in names
}
# Names a heading may start with ("Risk Management", "성공 지표 (KPI)", "风险与对策"), longest
# first; never Additional Notes, which takes all that follows it.
PREFIXES = sorted((n for n, key in ALIASES.items() if key != "notes"), key=len, reverse=True)


@functools.lru_cache(maxsize=4096)
def section_of(key: str) -> str | None:
    """The template section a normalised heading names, by name or by the name it starts with
    (a phase heading names a section only when its name is one: "Phase 2.5 Goals")."""
    if key in ALIASES:
        return ALIASES[key]
    name = phase_name(key)
    if name is not None:  # "Phase 2.5 Goals": the goals of the plan, written for a phase
        named = section_of(normalize(name)) if normalize(name) != key else None
        return named if named in PHASE_ROW_SECTIONS else None
    for prefix in PREFIXES:
        if key.startswith(prefix) and (
            len(key) == len(prefix) or key[len(prefix)] == " " or not prefix[-1].isascii()
        ):
            return ALIASES[prefix]
    # "Project Goals", "Technical Risks", "데모 성공 기준": a row section's name after a word
    # or two that say whose; never "Non-Goals", whose rows are the opposite.
    words = key.split()
    for n in (1, 2):
        qualifier, name = words[:n], " ".join(words[n:])
        if ALIASES.get(name) in QUALIFIED_SECTIONS and not set(qualifier) & NEGATIONS:
            return ALIASES[name]
    return None


# Row sections a heading may name after a qualifier ("Project Goals"), and words that turn a
# name into its opposite.
QUALIFIED_SECTIONS = {"goals", "success_criteria", "risks", "open_questions", "user_stories"}
NEGATIONS = {"non", "no", "not", "out", "anti"}


# Row sets a phase heading may name as its own ("Phase 2 Risks", "Sprint 3 Success Criteria"):
# those are rows of the plan, written for one phase. ("Phase 4: Testing" is a phase.)
PHASE_ROW_SECTIONS = {"goals", "success_criteria", "risks", "team_members"}

# Where a heading may be placed, as the import preview offers it.
TARGETS: dict[str, str] = {
    **{key: names[0] for key, names in HEADINGS.items() if key != "notes"},
    "phase": "A phase",
    "notes": "Additional Notes (kept as written)",
}
ROW_KEYS = tuple(ROW_MODELS)

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
_NUM = r"\d+(?:\.\d+)*[a-z]?\+?|[一二三四五六七八九十]+"
# "Phase 2: Build", "Step 3 —", "Sprint 1", "Phase 3+", "Track A - Analysis", "第2阶段", "2단계",
# "フェーズ1"
PHASE_RE = re.compile(
    r"^(?:(?:phase|step|stage|milestone|sprint|week|iteration|track|workstream|fase|etapa|paso|"
    r"hito|阶段|階段|フェーズ|ステップ|段階|단계|스프린트)\s*(" + _NUM + r"|(?-i:[A-Z]))"
    r"|第\s*(" + _NUM + r")\s*(?:阶段|階段|步|期|フェーズ|段階|周)"
    r"|(\d+)\s*(?:단계|段階))"
    r"(?!\w|\.\w)\s*(?:\([^)]*\))?\s*[:\uff1a.\-—\u2013)|]?\s*(.*)$",
    re.I,
)
FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")
ITEM_RE = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(?:\[( |x|X)\](?:\s+|$))?(.*)$")
LABEL_RE = re.compile(
    r"^\s*[-*]?\s*\*\*(tasks|estimated effort|effort|deliverables)\s*:?\*\*\s*:?\s*(.*)$", re.I
)
# A label line that opens some other list inside a phase ("**Files to Modify**:"): what follows
# it is not the phase's tasks.
OTHER_LABEL_RE = re.compile(r"^\s*(?:\*\*[^*]+\*\*\s*:?|[^\s].{0,60}:)\s*$")
RISK_FACT_RE = re.compile(
    r"^\**(impact|likelihood|probability|severity|mitigation)\**\s*[:\uff1a]\s*\**\s*(.+)$", re.I
)
RISK_LABEL_RE = re.compile(
    r"^[-*]?\s*\**(impact|likelihood|probability|severity|mitigation|solution)\**\s*[:\uff1a]"
    r"\s*\**\s*(.*)$",
    re.I,
)
RISK_FACT_NAMES = {"probability": "likelihood", "severity": "impact", "solution": "mitigation"}
# An endpoint written as a line or a heading: "POST /api/login - Sign in", "`GET /users`".
ENDPOINT_RE = re.compile(
    r"^`?(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+`?(/[^\s`]*)`?\s*(?:[-—\u2013:|]\s*(.*))?$"
)
# A numbered sub-heading: "1.2 Build", "3. Screens", "4a: Imports", "A.1 Reconcile".
NUMBERED_HEADING_RE = re.compile(r"^\s*(?:\d+(?:\.\d+)*[a-z]?|[A-Z]\.\d+(?:\.\d+)*)[.:)]?\s+\S")
# A paragraph led by a bold label and its colon, with text after it on the same line.
PHASE_LEAD_RE = re.compile(
    r"^(?:\*\*|__)([^*_:\uff1a\n]+?)\s*(?:[:\uff1a](?:\*\*|__)|(?:\*\*|__)\s*[:\uff1a])[ \t]*\S"
)
BOLD_LINE_RE = re.compile(r"^\s{0,3}(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")
# A list item's text that is one bold title ("- **Phase 2: Build**"), its label colon allowed.
BOLD_ITEM_RE = re.compile(r"^\*\*(.+?)\*\*\s*:?\s*$")
# A level as the writer writes it or as the template shows it: read back as written.
_LEVEL_AS_WRITTEN = {"low", "medium", "high", "Low", "Medium", "High"}
LEVELS = {normalize(word): level for level, words in LEVEL_WORDS.items() for word in words}


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


# The parser reads blocks only: inline Markdown is never parsed (cells and items are taken from
# the source by line), which keeps reading linear; nesting deeper than this is read as text.
PARSER = MarkdownIt("commonmark", {"maxNesting": 20}).enable("table").disable("inline")


def parse_blocks(text: str) -> list[Any]:
    """The parser's block tokens of a document (see plans.markdown.fences.nested_fences)."""
    return PARSER.parse(nested_fences(text))


def split_blocks(text: str) -> tuple[list[str], list[Block]]:
    """Lines before the first heading, and one block per heading. Headings, lists, tables,
    fences and HTML come from the parser (a heading in a fence or a quote is no heading); a
    paragraph that is one bold "Phase N" line (``**Phase 2: Build**``) is read as a heading
    below every other. Bodies are the source lines, exactly as written."""
    lines = text.split("\n")
    tokens = parse_blocks(text)
    preamble: list[str] = []
    blocks: list[Block] = []
    spans: list[tuple[str, int, int, list[tuple[int, int]]]] = []  # kind, start, end, items
    heads: list[tuple[int, int, int, str]] = []  # start, end, level, heading text
    i = 0
    while i < len(tokens):
        token = tokens[i]
        inline = tokens[i + 1].content.strip() if i + 1 < len(tokens) else ""
        i += 1
        if token.map is None:
            continue
        start, end = token.map
        children: list[tuple[int, int]] = []  # the ranges of a list's own items
        if token.nesting == 1:  # everything up to the token that closes this one
            while i < len(tokens) and tokens[i].level > 0:
                inner = tokens[i]
                if inner.type == "list_item_open" and inner.level == 1 and inner.map:
                    children.append((inner.map[0], inner.map[1]))
                i += 1
            i += 1  # the closing token
        if token.type == "heading_open":
            heads.append((start, end, int(token.tag[1]), inline))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            spans += _closing_tag_off("list", start, end, children, lines)
        elif token.type == "table_open":
            spans += _closing_tag_off("table", start, end, [], lines)
        elif token.type == "paragraph_open":
            bold = BOLD_LINE_RE.match(inline) if "\n" not in inline else None
            lead = PHASE_LEAD_RE.match(inline)
            following = tokens[i].type if i < len(tokens) else ""
            tag = (
                _section_tag([inline], alone=True)
                if "\n" not in inline
                and following in ("bullet_list_open", "ordered_list_open", "table_open")
                else None
            )
            if tag:  # "<success_criteria>" (a tag the parser reads as text) over a list
                heads.append((start, start, 7, tag))
                spans.append(("other", start, end, []))
            elif bold and PHASE_RE.match(_plain(bold.group(1))):
                heads.append((start, end, 7, bold.group(1).strip()))
            elif (
                lead
                and PHASE_RE.match(_plain(lead.group(1)))
                and _phase_kind(lead.group(1)) != "step"
            ):
                # "**Phase 1 (Q1-Q2):** Platform API … ship together.": a phase told in one
                # paragraph, named by its bold lead; the paragraph, lead and all, is its body
                heads.append((start, start, 7, lead.group(1).strip()))
                spans.append(("other", start, end, []))
            else:
                spans.append(("other", start, end, []))
        elif token.type == "html_block" and (tag := _section_tag(lines[start:end])):
            # "<success_criteria>" … "</success_criteria>", "<tasks>": an XML-like element
            # naming a section of the plan (a GSD plan's shape) is read as a heading over it
            heads.append((start, start, 7, tag))
            spans += _element_spans(lines, start, end)
        else:
            spans.append(("other", start, end, []))
    bounds = [h[0] for h in heads] + [len(lines)]
    preamble = lines[: bounds[0]]
    pending = iter(spans)  # in source order, as the headings are
    span = next(pending, None)
    for n, (start, end, level, heading) in enumerate(heads):
        body_start, body_end = end, bounds[n + 1]
        block = Block(level, heading, lines[body_start:body_end], "\n".join(lines[start:end]))
        while span is not None and span[1] < body_start:  # before the first heading
            span = next(pending, None)
        while span is not None and span[1] < body_end:
            kind, s_start, s_end, items = span
            span = next(pending, None)
            block.segments.append(
                Segment(
                    kind,
                    s_start - body_start,
                    min(s_end, body_end) - body_start,
                    [(a - body_start, min(b, body_end) - body_start) for a, b in items],
                )
            )
        blocks.append(block)
    return preamble, blocks


TASK_NAME_RE = re.compile(r"^\s*<name>\s*(.+?)\s*</name>\s*$")


def _task_element(lines: list[str]) -> str | None:
    """The name of a "<task …>" element ("<name>Task 1: Define the models</name>"), or None."""
    if not lines or not re.match(r"^\s{0,3}<task(?:\s[^>]*)?>\s*$", lines[0]):
        return None
    names = (m.group(1) for line in lines if (m := TASK_NAME_RE.match(line)))
    name = next(names, None)
    return name if name and len(name) <= max_length(Task, "text") else None


CLOSING_TAG_RE = re.compile(r"^ {0,3}</[A-Za-z][\w-]*>\s*$")


def _closing_tag_off(
    kind: str, start: int, end: int, items: list[tuple[int, int]], lines: list[str]
) -> list[tuple[str, int, int, Any]]:
    """A list or table span, without the closing tag of an XML-like element that the parser
    took in as its last line ("- last item" then "</success_criteria>"); that line is a span
    of its own, kept as written."""
    last = end
    while last > start and not lines[last - 1].strip():
        last -= 1
    if last - start < 2 or not CLOSING_TAG_RE.match(lines[last - 1]):
        return [(kind, start, end, items)]
    cut = [(a, min(b, last - 1)) for a, b in items if a < last - 1]
    return [(kind, start, last - 1, cut), ("other", last - 1, end, [])]


TAG_RE = re.compile(r"^ {0,3}<([a-z][a-z_]*)(?:\s[^>]*)?>\s*$")


def _section_tag(lines: list[str], alone: bool = False) -> str | None:
    """The words of an XML-like element's tag ("success criteria"), when the element opens an
    HTML block on its own line and names a row section of the plan and holds its body up to
    its closing tag (or, `alone`, is a line of its own over a list); or "tasks" for a
    "<tasks>" line, over the "<task>" elements that follow it. None for any other HTML."""
    tag = TAG_RE.match(lines[0]) if lines else None
    if tag is None:
        return None
    words = tag.group(1).replace("_", " ")
    if words == "tasks":
        return words
    closed = alone or (lines[-1].strip() == f"</{tag.group(1)}>" and len(lines) > 2)
    return words if closed and section_of(normalize(words)) in LIST_ROWS else None


def _element_spans(lines: list[str], start: int, end: int) -> list[tuple[str, int, int, Any]]:
    """The spans of an element read as a section: its tag lines as written, and its inside
    parsed as Markdown (a list in "<success_criteria>" is a list)."""
    if end - start < 3:
        return [("other", start, end, [])]
    spans: list[tuple[str, int, int, Any]] = [("other", start, start + 1, [])]
    inner = parse_blocks("\n".join(lines[start + 1 : end - 1]))
    i = 0
    while i < len(inner):
        token = inner[i]
        i += 1
        if token.map is None or token.level != 0 or token.nesting == -1:
            continue
        a, b = token.map[0] + start + 1, token.map[1] + start + 1
        if token.type in ("bullet_list_open", "ordered_list_open"):
            items = []
            while i < len(inner) and inner[i].level > 0:
                if inner[i].type == "list_item_open" and inner[i].level == 1 and inner[i].map:
                    m = inner[i].map
                    items.append((m[0] + start + 1, m[1] + start + 1))
                i += 1
            spans.append(("list", a, b, items))
        else:
            spans.append(("other", a, b, []))
    spans.append(("other", end - 1, end, []))
    return spans


def phase_name(heading: str) -> str | None:
    """The name of a phase heading ("Phase 2: Build" → "Build", "Sprint 3" → "Sprint 3"), or
    None when the heading names no phase."""
    plain = _plain(heading).strip()
    match = PHASE_RE.match(plain)
    if match is None:
        return None
    name = match.group(4).strip().strip("*_").strip()
    return name or plain


def _plain(heading: str) -> str:
    """A heading without emoji, markup and numbering before its first word."""
    return re.sub(r"^[^\w\[]+", "", re.sub(r"^\s*\d+(\.\d+)*\.?\s+(?=\D)", "", heading))


def _body(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n")


def _verbatim(block: Block, segment: Segment) -> list[str]:
    """A segment's lines as written, without the blank lines around it, then one blank line."""
    return [*_body(block.text_of(segment)).split("\n"), ""]


def _item_text(lines: list[str]) -> tuple[str, bool | None] | None:
    """A list item's text on one line (its marker and box taken out, continuation and nested
    lines joined with spaces) and its box: True ticked, False empty, None no box."""
    match = ITEM_RE.match(lines[0]) if lines else None
    if match is None:
        return None
    checked = None if match.group(2) is None else match.group(2).lower() == "x"
    text = " ".join([match.group(3).strip(), *(line.strip() for line in lines[1:])])
    return " ".join(text.split(" ")).strip(), checked


def _items(block: Block, ticks: bool = True) -> tuple[list[tuple[str, bool | None]], list[str]]:
    """The items of the section's top-level lists (text, checked) and every other segment's
    lines, as written. A ticked box ("[x]") stays at the start of the text, since only an open
    question has a field that says "done" (`ticks=False` takes it out there). An empty box says
    nothing and is always taken out. Lists after a thematic break that follows the items are
    kept as written."""
    items: list[tuple[str, bool | None]] = []
    rest: list[str] = []
    ended = False  # a thematic break after the rows: what follows is a part of its own
    for segment in block.segments:
        if segment.kind != "list" or ended:
            ended = ended or (bool(items) and _is_break(block.lines[segment.start]))
            rest += _verbatim(block, segment)
            continue
        for start, end in segment.items:
            lines = [line for line in block.lines[start:end] if line.strip()]
            read = _item_text(lines)
            if read is None:
                rest += lines
                continue
            text, checked = read
            items.append((f"[x] {text}" if checked and ticks else text, checked))
    return items, rest


BREAK_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


def _is_break(line: str) -> bool:
    """Whether a line is a thematic break ("---", "* * *"): a section's rows end at one (a
    footer after it, "**For details:**" over links, is no row of the section)."""
    return BREAK_RE.match(line) is not None


FACT_ITEM_RE = re.compile(r"^\s*[-*+]\s+\w+\s*[:\uff1a]\s*\S")
LEAD_LINE_RE = re.compile(r"^\*\*[^*]+\*\*\s*[:\uff1a]?\s*\S")


def _fold_facts(block: Block) -> None:
    """A row written as a bold lead line with its facts listed right under it ("**Primary
    Metric:** time to first sync" over "- Target: 1 day", "- Current: unmeasured"): the list is
    the row's detail, not rows of its own, so it joins the lead line's segment as one item."""
    merged: list[Segment] = []
    for segment in block.segments:
        before = merged[-1] if merged else None
        if (
            before is not None
            and before.kind == "other"
            and before.end - before.start == 1
            and before.end == segment.start
            and segment.kind == "list"
            and LEAD_LINE_RE.match(block.lines[before.start])
            and all(FACT_ITEM_RE.match(block.lines[a]) for a, _ in segment.items)
        ):
            lead = block.lines[before.start]
            # one item: the lead line, then its facts, as one list item of the section
            block.lines[before.start] = f"- {lead}"
            merged[-1] = Segment("list", before.start, segment.end, [(before.start, segment.end)])
            continue
        merged.append(segment)
    block.segments = merged


def _table_items(block: Block) -> tuple[list[tuple[str, bool | None]], list[str]] | None:
    """A list section written as a table: each row one item, its cells in one line ("OQ-1 —
    Which parser? — Phase D"); the table's heading rows and every other segment stay as
    written. None when the section has no table."""
    tables = [seg for seg in block.segments if seg.kind == "table"]
    if not tables:
        return None
    items: list[tuple[str, bool | None]] = []
    rest: list[str] = []
    for segment in block.segments:
        lines = [line for line in block.text_of(segment) if line.strip()]
        if segment.kind != "table" or len(lines) < 3:
            rest += _verbatim(block, segment)
            continue
        rest += [*lines[:2], ""]
        for line in lines[2:]:
            cells = (" ".join(_one_line(c).split()) for c in split_row(line))
            items.append((" — ".join(c for c in cells if c), None))
    return items, rest


CHECK_MARKS = "✅✔✓☑☐⬜❌✗✘"


def _marked_lines(block: Block) -> tuple[list[tuple[str, bool | None]], list[str]] | None:
    """A list section written as lines that each open with a check mark ("✅ Tests pass"):
    each line one item; other lines stay as written. None when no line is so marked."""
    items: list[tuple[str, bool | None]] = []
    rest: list[str] = []
    for segment in block.segments:
        lines = _verbatim(block, segment)
        if segment.kind != "other":
            rest += lines
            continue
        kept = []
        for line in lines:
            if line.strip()[:1] in CHECK_MARKS and len(line.strip()) > 1:
                items.append((line.strip(), None))
            elif line.strip():
                kept.append(line)
        rest += [*kept, ""] if kept else []
    return (items, rest) if items else None


def _titled_items(block: Block) -> tuple[list[tuple[str, bool | None]], list[str]] | None:
    """A list section written as bold lines, each over one paragraph ("**Scaling**" then
    "How do we grow?"): each pair one item. None when the section is not all such pairs."""
    parts = [block.text_of(seg) for seg in block.segments]
    bodies = [[line.strip() for line in part if line.strip()] for part in parts]
    if len(bodies) < 2 or len(bodies) % 2 or any(seg.kind != "other" for seg in block.segments):
        return None
    items: list[tuple[str, bool | None]] = []
    for title, text in zip(bodies[::2], bodies[1::2], strict=True):
        if len(title) != 1 or not BOLD_LINE_RE.match(title[0]) or BOLD_LINE_RE.match(text[0]):
            return None
        items.append((" ".join([title[0], *text]), None))
    return items, []


def _names_a_goal(key: str) -> bool:
    """Whether a heading names one goal ("One-line goal", "한 줄 목표"): not a purpose ("Purpose",
    "目的"), whose paragraph tells why and is no goal row, nor goals in the plural, over which
    a paragraph introduces them (or is what the export kept there)."""
    return bool(set(key.split()) & GOAL_WORDS) or any(w in key for w in ("목표", "目标", "目標"))


GOAL_WORDS = {"goal", "objective", "objetivo", "meta"}


def _one_paragraph(block: Block) -> tuple[list[tuple[str, bool | None]], list[str]] | None:
    """A goal written as the section's one paragraph ("## One-line goal" over a sentence): that
    paragraph, on one line, is the one item. None when the section holds anything else."""
    if len(block.segments) != 1 or block.segments[0].kind != "other":
        return None
    lines = [line.strip() for line in block.text_of(block.segments[0]) if line.strip()]
    if not lines or FENCE_RE.match(lines[0]) or lines[0][0] in "<>|" or _is_break(lines[0]):
        return None
    return [(" ".join(lines), None)], []


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


def _table(block: Block) -> tuple[list[str], list[list[str]], list[str], list[str]]:
    """The first table: its headers, its rows, every other segment's lines, its raw head."""
    tables = [seg for seg in block.segments if seg.kind == "table"]
    if not tables:
        rest = [line for seg in block.segments for line in _verbatim(block, seg)]
        return [], [], rest, []
    first = tables[0]
    lines = [line for line in block.text_of(first) if line.strip()]
    head = lines[:2]
    headers = [normalize(h) for h in split_row(lines[0])]
    rows = [split_row(line) for line in lines[2:]]
    rest = [line for seg in block.segments if seg is not first for line in _verbatim(block, seg)]
    return headers, rows, rest, head


def match_columns(headers: list[str], rowset: str) -> dict[str, int]:
    """Which column each field of a row set takes, by header name (normalised; in any order):
    a heading the writer writes first, then the other names, then a heading that starts with
    one ("Impact (H/M/L)"). A column is taken once."""
    taken: dict[str, int] = {}
    used: set[int] = set()
    columns = COLUMNS[rowset]
    for exact in (True, False):
        for column in columns:
            if column.field in taken:
                continue
            for name in column.names:
                wanted = normalize(name)
                index = next(
                    (
                        k
                        for k, h in enumerate(headers)
                        if k not in used
                        and (h == wanted if exact else h.startswith(wanted + " ") and wanted)
                    ),
                    None,
                )
                if index is not None:
                    taken[column.field] = index
                    used.add(index)
                    break
    return taken


def max_length(model: Any, name: str) -> int:
    return int(model._meta.get_field(name).max_length)


def level(value: str) -> str | None:
    """A risk level as written ("H", "High-Medium", "**Critical**", "🔴 高") as low, medium or
    high; None when it is no level."""
    words = normalize(value).replace("_", " ").split()
    if not words or value.strip().startswith("["):  # "[High/Medium/Low]": a placeholder
        return None
    if len({LEVELS.get(w) for w in words} - {None}) > 2:  # "High/Medium/Low": no level yet
        return None
    whole = " ".join(words)
    return LEVELS.get(whole) or LEVELS.get(words[0])


def _fits(model: Any, values: dict[str, str]) -> bool:
    """Every value within its field's length (the model's own max_length)."""
    return all(
        len(value) <= max_length(model, name)
        for name, value in values.items()
        if isinstance(value, str) and getattr(model._meta.get_field(name), "max_length", None)
    )


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
    def __init__(
        self, text: str, filename: str = "", overrides: dict[int, str] | None = None
    ) -> None:
        self.overrides = overrides or {}  # heading index → a key of TARGETS, "phase" or "notes"
        self.placed: dict[int, str] = {}
        self.text = text
        self.filename = filename
        self.plan = Plan()
        self.content = PlanContent(plan=self.plan)
        self.report: list[ReportLine] = []
        self.notes: list[str] = []
        self.prior_changelog: list[list[str]] = []
        self.prior_approvals: list[list[str]] = []
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
            self.keep(block.heading, "\n".join([block.raw_heading, "", *rest]), why)

    def keep(self, heading: str, raw: str, why: str) -> None:
        if raw.strip():
            self.notes.append(raw.strip("\n"))
            self.report.append(ReportLine(heading, why, kept=True))

    def run(self) -> ImportResult:
        text = self.text
        self.front_phase = ""  # the phase a plan's front matter names ("phase: 01-ingest")
        if text.startswith("---\n"):
            end = text.find("\n---", 4)
            if end != -1:
                self.keep("Front matter", text[: end + 4], "front matter kept verbatim")
                named = re.search(r"^phase:[ \t]*['\"]?([^'\"\n]+?)['\"]?[ \t]*$", text[:end], re.M)
                self.front_phase = named.group(1) if named else ""
                text = text[end + 4 :].lstrip("\n")
        preamble, blocks = split_blocks(text)
        self.blocks = blocks
        self.title(blocks)
        self.has_phases_group = any(b.heading and section_of(b.key) == "phases" for b in blocks)
        self.phases_level = self.phase_child_level = 99
        self.phase_numbers: set[tuple[str, str]] = set()  # ("phase", "2") of phases read
        self.has_phase_headings = any(
            b.heading
            and phase_name(b.heading)
            and section_of(b.key) is None  # "Phase 2.5 Goals" names the goals
            and not self.in_other_section(n)
            and not self.a_step(n)
            for n, b in enumerate(blocks)
        )
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
        self.plan.prior_approvals = self.prior_approvals
        headings = [
            (
                n,
                b.level,
                b.heading or "(title)",
                "title" if not b.heading else self.placed.get(n, ""),
            )
            for n, b in enumerate(self.blocks)
        ]
        return ImportResult(self.content, self.report, self.prior_changelog, headings)

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
            if block.heading and section_of(block.key) == "notes" and block.level <= 2:
                # The template's last section: all that follows is notes, headings and all
                # (the writer puts every passage it kept there, under its own heading).
                tail = [
                    *block.lines,
                    *(
                        x
                        for b in blocks[i + 1 :]
                        for x in ((b.raw_heading, *b.lines) if b.raw_heading else b.lines)
                    ),
                ]
                self.section_notes(Block(block.level, block.heading, tail, block.raw_heading))
                return
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
            if Counter(re.findall(r"\w+", block.heading)) - Counter(re.findall(r"\w+", written)):
                self.renamed.append(block.heading)
        elif (
            block.heading
            and self.own_section(i)
            and block.heading not in CANONICAL_HEADINGS
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
        chosen = self.overrides.get(i)
        self.placed[i] = chosen or ""
        if (
            chosen is None
            and block.level == 7
            and not block.raw_heading
            and block.heading == "tasks"
            and any(_task_element(block.text_of(seg)) for seg in block.segments)
        ):
            # "<tasks>" over "<task>" elements (a GSD plan of one phase): the document's phase,
            # named by its front matter or its title
            self.placed[i] = "phase"
            self.phase(block, children, self.front_phase or self.plan.title)
            return end
        if chosen == "notes":
            self.current = ""
            self.keep(block.heading, block.raw, "kept as notes, as chosen")
            return i + 1
        if chosen == "phase":
            self.placed[i] = "phase"
            self.phase(block, children, phase_name(block.heading) or _plain(block.heading).strip())
            return end
        following = self._place_by_heading(block, children, i, end, blocks, chosen)
        if not self.placed.get(i):
            self.placed[i] = "notes"
        return following

    def _place_by_heading(
        self,
        block: Block,
        children: list[Block],
        i: int,
        end: int,
        blocks: list[Block],
        chosen: str | None,
    ) -> int:
        target = chosen or self.own_section(i)
        self.placed[i] = target or ""
        name = phase_name(block.heading) if target is None else None
        if name and (
            normalize(name) in PHASE_PART_NAMES
            or (self.in_other_section(i) and not self.rollout_phases(i))
            or self.a_step(i)
        ):
            name = None  # "Week 1 Deliverables", or a rollout's "Phase 2": not a phase of work
        inside = block.level > self.phases_level
        if name and self.phase_group(block, children, name):
            target = "phases"  # a group of phases: its children are the phases
            self.placed[i] = target
            self.renamed.append(block.heading)
        elif name and self.told_again(block):
            self.placed[i] = ""  # "Phase 1" once more (an effort recap): kept as written
        elif name and (
            inside
            or block.level == self.phases_level
            or not self.has_phases_group
            or self.under_phase_words(i)
        ):
            self.placed[i] = "phase"
            self.phase(block, children, name)
            return end
        if inside and target is None and any(phase_name(c.heading) for c in children):
            # "### Phase Details" over "**Phase 1: …**": the phases are named under it, so
            # neither it nor a sibling ("### Parallelism Notes") is a phase itself
            self.phase_child_level = block.level - 1
        if inside and target is None and block.level <= self.phase_child_level:
            # "### 1.1 Setup" under "## Implementation Phases": each sub-heading is a phase
            self.placed[i] = "phase"
            self.phase_child_level = block.level
            self.phase(block, children, _plain(block.heading).strip() or block.heading)
            return end
        if target is None and not self.has_phase_headings and self.work_heading(block):
            # no phase is named anywhere: a heading over a checklist ("### 3.1 Lock down the
            # policy" over "- [ ] …"), or a work package ("## Task 3: …"), is a phase
            self.placed[i] = "phase"
            self.phase(block, children, _plain(block.heading).strip() or block.heading)
            return end
        if target in (None, "phases") and self.phases_from_list(block, children):
            self.placed[i] = "phases"
            self.current = ""
            return i + 1
        if target in (None, "phases") and self.phases_from_table(block):
            self.placed[i] = "phases"
            self.current = ""
            self.keep(block.heading, block.raw, "table of phases kept verbatim as well")
            return i + 1
        self.current = target or ""
        if target == "phases":
            self.phases_level, self.phase_child_level = block.level, 99
        elif block.level <= self.phases_level:
            self.phases_level = 99
        if target in TEXT_FIELDS:
            return self.text_section(block, children, TEXT_FIELDS[target], i, end)
        handler = getattr(self, f"section_{target}", None) if target else None
        if handler is None:
            rest = self.labelled_rows(block)
            self.current = ""
            self.keep(block.heading, "\n".join([block.raw_heading, "", *rest]), "kept verbatim")
            return i + 1
        handler(block)
        following = i + 1
        if target in GROUPED:  # "### Technical" under "## Success Criteria": more of its rows
            while (
                following < end
                and section_of(blocks[following].key) in (None, target)
                and not phase_name(blocks[following].heading)
            ):
                child = blocks[following]
                self.keep_here(child, [f"**{child.heading}**"], "sub-heading kept as a bold line")
                handler(child)
                following += 1
        return following

    # Sections ---------------------------------------------------------------------------

    def own_section(self, i: int) -> str | None:
        """The section a heading names, unless what it sits under makes it a part of that:
        "### Documentation" under "## Expected Outcomes" lists documents the work delivers (as
        "### Performance" beside it lists figures), not the template's documentation updates;
        "### Risk Mitigation" under another section ("## Rollout Strategy") lists that
        section's safeguards, not risks."""
        block = self.blocks[i]
        target = section_of(block.key)
        if (
            target is not None
            and block.level > self.phases_level
            and block.key not in ALIASES
            and "," in block.heading
        ):
            # "### Integration tests, architecture report, demo script" in the phases' section:
            # a package of several pieces of work, not the section its first words name
            target = None
        if target is None and block.level <= 6:
            # "## Part 2 - Implementation (delivered and merged)": the implementation, told in
            # its work packages (a part's label and an aside in brackets say nothing more)
            plain = re.sub(r"\([^)]*\)|\uff08[^\uff09]*\uff09", " ", block.heading)
            plain = re.sub(
                r"^\s*part\s+(?:\d+|[ivx]+|[a-z])\b\s*[:.\-—\u2013]?", "", plain, flags=re.I
            )
            return "phases" if normalize(plain) in WORK_SECTIONS else None
        if target not in ("documentation", "risks"):
            return target
        parent = next((b for b in reversed(self.blocks[:i]) if b.level < block.level), None)
        if parent is None or not parent.heading:
            return target
        if target == "documentation" and normalize(parent.heading) in OUTCOME_HEADINGS:
            return None
        words = set(block.key.split())
        mitigation = bool(words & {"mitigation", "mitigations"}) and not words & {"risks", "and"}
        above = self.section_above(i)
        return None if mitigation and above not in (None, "risks") else target

    def headings_above(self, i: int) -> Iterator[Block]:
        """The headings that hold the one at i, nearest first."""
        level = self.blocks[i].level
        for parent in reversed(self.blocks[:i]):
            if parent.level < level and parent.heading:
                level = parent.level
                yield parent

    def section_above(self, i: int) -> str | None:
        """The section of the nearest heading above the one at i that names one."""
        sections = (section_of(parent.key) for parent in self.headings_above(i))
        return next((section for section in sections if section is not None), None)

    def in_other_section(self, i: int) -> bool:
        """Whether the heading at i sits under a section of the template that is not the
        phases' (a rollout's "Phase 1..5" are its stages; a test plan's "Phase 1" its runs),
        unless that heading says it holds phases ("Rollout Phases", "Release Stages")."""
        for parent in self.headings_above(i):
            section = section_of(parent.key)
            words = set(normalize(parent.heading).split())
            if section is None and "rollout" in words:  # "Post-Rollout Activities"
                section = "rollout"
            if section is not None:  # the nearest heading of a section decides
                return section in NOT_PHASE_SECTIONS and not words & PHASE_GROUP_WORDS
        return False

    def told_again(self, block: Block) -> bool:
        """Whether a phase heading names a phase already read ("Phase 2" twice: the second a
        recap of the first, such as an effort breakdown)."""
        match = PHASE_RE.match(_plain(block.heading).strip())
        number = match and next((g for g in match.groups()[:3] if g), None)
        if not match or number is None:
            return False
        word = _plain(block.heading).strip()[: match.start(1) if match.group(1) else 0].lower()
        key = (word.strip(), number.lower())
        if key in self.phase_numbers:
            return True
        self.phase_numbers.add(key)
        return False

    def work_heading(self, block: Block) -> bool:
        """Whether a heading names a piece of work: "Task 3: …" over its details, or any
        heading whose own body is a checklist."""
        if block.level > 6:
            return False
        if re.match(
            r"^(?:task|tarea|任务|任務|タスク|작업)\s*\d+(?!\.\d)\b", _plain(block.heading), re.I
        ):
            return True
        return _has_boxes(block) and all(
            seg.kind == "list" or not BOLD_LINE_RE.match(block.lines[seg.start])
            for seg in block.segments
        )

    def labelled_rows(self, block: Block) -> list[str]:
        """A section of no template name may hold rows of one under a bold label ("**Technical
        Risks**" over a table, "**Documentation Updates**" over a list): those become rows of
        that section. Returns the block's lines with the rows' list or table taken out (the
        label line stays, as written)."""
        rest: list[str] = []
        segments = block.segments
        n = 0
        while n < len(segments):
            segment = segments[n]
            lines = [line for line in block.text_of(segment) if line.strip()]
            bold = BOLD_LINE_RE.match(lines[0]) if len(lines) == 1 else None
            target = section_of(normalize(bold.group(1))) if bold else None
            following = segments[n + 1] if n + 1 < len(segments) else None
            handler = getattr(self, f"section_{target}", None) if target in LABEL_ROWS else None
            if handler and following is not None and following.kind in ("list", "table"):
                part = Block(7, bold.group(1).strip(), block.lines, lines[0])  # type: ignore[union-attr]
                part.segments = [following]
                self.current = target or ""
                handler(part)
                rest += [*_verbatim(block, segment)]
                n += 2
                continue
            rest += _verbatim(block, segment)
            n += 1
        return rest

    def rollout_phases(self, i: int) -> bool:
        """Whether a rollout's "Phase N" at i is a phase of the plan: the plan names no other
        phase (no phase heading, no phases section, no table of phases), so its rollout's
        phases are the only phases it has."""
        if self.section_above(i) != "rollout":
            return False
        if self.has_phase_headings or self.has_phases_group:
            return False
        return not any(
            seg.kind == "table" and _phase_table(b.text_of(seg))
            for b in self.blocks
            for seg in b.segments
        )

    def a_step(self, i: int) -> bool:
        """Whether the heading at i is a bold "Step N" line that is a step of what it sits in
        ("**Step 1: Estimate Usage**" in "## Strategic Fit"), not a phase: a bold line, not a
        heading, and neither inside the phases' section nor under a heading of phases or
        steps."""
        block = self.blocks[i]
        if block.level != 7 or _phase_kind(block.heading) != "step":
            return False
        above = self.section_above(i)
        return above != "phases" and not self.under_phase_words(i)

    def under_phase_words(self, i: int) -> bool:
        """Whether the heading over the one at i says it holds phases ("## Phase Details")."""
        level = self.blocks[i].level
        parent = next((b for b in reversed(self.blocks[:i]) if b.level < level), None)
        words = set(normalize(parent.heading).split()) if parent and parent.heading else set()
        return bool(words & (PHASE_GROUP_WORDS | {"phase", "stage", "milestone", "sprint"}))

    def phases_from_list(self, block: Block, children: list[Block]) -> bool:
        """Phases written as a list: each item a bold phase name ("1. **Phase 1: Layout**")
        over nested bullets, its tasks. Only a list all of whose items are such."""
        found: list[tuple[str, str, list[str]]] = []
        rest: list[str] = []
        for segment in block.segments:
            items = []
            for start, end in segment.items if segment.kind == "list" else []:
                lines = [line for line in block.lines[start:end] if line.strip()]
                item = ITEM_RE.match(lines[0])
                bold = BOLD_ITEM_RE.match(item.group(3)) if item else None
                name = phase_name(bold.group(1)) if bold else None
                if bold and name and len(lines) > 1:
                    items.append((bold.group(1), name, lines[1:]))
            if items and len(items) == len(segment.items):
                found += items
            else:
                rest += _verbatim(block, segment)
        if not found:
            return False
        for title, name, lines in found:
            tasks, left = _nested_items(lines)
            phase = Phase(name=name[: max_length(Phase, "name")])
            self.content.phases.append(PhaseContent(phase, tasks))
            written = Counter(re.findall(r"\w+", f"Phase {len(self.content.phases)}: {name}"))
            if left or Counter(re.findall(r"\w+", title)) - written:  # kept as written
                rest += [f"**{title}**", *left, ""]
        self.report.append(ReportLine(block.heading, f"→ {len(found)} phases (a list)"))
        rest += [line for child in children for line in (child.raw, "")]
        self.keep(block.heading, "\n".join([block.raw_heading, "", *rest]), "kept verbatim")
        return True

    def phases_from_table(self, block: Block) -> bool:
        """Phases written only as a table ("| Phase | Description |", one row a phase), in a
        document with no phase heading: one phase a row, named by its other cells. The table
        is kept as written too, since the phases are numbered anew."""
        if self.has_phase_headings:
            return False
        for segment in block.segments:
            lines = [line for line in block.text_of(segment) if line.strip()]
            if segment.kind != "table" or not _phase_table(lines):
                continue
            limit = max_length(Phase, "name")
            for line in lines[2:]:
                cells = [" ".join(_one_line(c).split()) for c in split_row(line)]
                name = " — ".join(c for c in cells[1:] if c) or cells[0]
                if name:
                    phase = Phase(name=name[:limit])
                    self.content.phases.append(PhaseContent(phase, []))
            self.report.append(ReportLine(block.heading, f"→ {len(lines) - 2} phases (a table)"))
            return True
        return False

    def phase_group(self, block: Block, children: list[Block], name: str) -> bool:
        """Whether a phase heading holds phases ("Phase 2 Sprints" over "Sprint 3: …"): its name
        says so, and phase headings sit under it; or its name names the kind of the phase
        headings under it ("Phase 1 스프린트 계획표", a sprint plan, over "Sprint 1")."""
        words = set(normalize(name).split())
        if words & PHASE_GROUP_WORDS and any(phase_name(c.heading) for c in children):
            return True
        # (not a span in brackets: "Sprint 2 (Weeks 5-6)" over "Week 5 Objectives" is a sprint)
        named = set(normalize(re.sub(r"\([^)]*\)|\uff08[^\uff09]*\uff09", " ", name)).split())
        kinds = {PHASE_KINDS[w] for w in named if w in PHASE_KINDS}
        return bool(kinds) and any(_phase_kind(c.heading) in kinds for c in children)

    def text_section(self, block: Block, children: list[Block], name: str, i: int, end: int) -> int:
        """A Markdown field takes its body and every sub-heading that is not a section itself.
        Sub-headings move down to sit below the heading the writer gives the field ("###
        Details" under "## Architecture Overview" becomes "#### Details" under "### Architecture"),
        or the export would read back otherwise."""
        parts = [_body(block.lines)]
        own = 2 if name == "overview" else 3
        j = 0
        while (
            j < len(children)
            and not section_of(children[j].key)
            and not phase_name(children[j].heading)
        ):
            child = children[j]
            raw = child.raw
            if child.level <= 6:
                level = min(6, max(child.level + own - block.level, own + 1))
                raw = "\n".join(["#" * level + " " + child.heading, *child.lines]).strip("\n")
            parts.append(raw)
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
        _fold_facts(block)
        items, rest = _items(block, ticks=model is not OpenQuestion)
        if not items:  # written otherwise: a table, or bold lines over paragraphs
            found = _table_items(block) or _titled_items(block) or _marked_lines(block)
            if found is None and model is Goal and _names_a_goal(block.key):
                found = _one_paragraph(block)
            items, rest = found or (items, rest)
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
        """Each item a story, kept as the sentence written (in any wording or language)."""
        items, rest = _items(block)
        made = 0
        for text, _ in items:
            if len(text) <= max_length(UserStory, "sentence"):
                self.content.user_stories.append(UserStory(sentence=text))
                made += 1
            else:
                rest.append(f"- {text}")
        self.report.append(ReportLine(block.heading, f"→ {made} user stories"))
        self.keep_here(block, rest, "lines that are not list items kept verbatim")

    def _table_rows(self, block: Block, rowset: str, build: Any, noun: str) -> int:
        """Rows by header name (see match_columns). `build` takes the row's values by field and
        returns the row, or None when it does not fit one. A row with more cells than the table
        has headings (an unescaped "|") fits no row; the cells of columns no field takes, and
        headings the export writes otherwise, are kept in the section's notes. Returns the
        number of rows made."""
        headers, rows, rest, head = _table(block)
        taken = match_columns(headers, rowset)
        titles = {c.field: c.title for c in COLUMNS[rowset]}
        columns = {index: titles[name] for name, index in taken.items()}
        key = taken.get(COLUMNS[rowset][0].field)  # a row is made only if it has one
        made: list[list[str]] = []
        unfit = []
        for row in rows:
            values = {
                name: row[index].strip() if index < len(row) else ""
                for name, index in taken.items()
            }
            for column in COLUMNS[rowset]:
                values.setdefault(column.field, "")
            if any(c.strip() for c in row[len(headers) :]) or build(values) is None:
                cells = (c.replace("|", "\\|").replace("\n", "<br>") for c in row)
                unfit.append("| " + " | ".join(cells) + " |")
            else:
                made.append(row)
        kept_head = bool(unfit) or (bool(head) and not rows)
        extras, names = leftover_columns(
            head,
            made,
            columns,
            [r[key] if key is not None and key < len(r) else "" for r in made],
            covered=kept_head,
        )
        rest = [*head, *unfit, *rest] if kept_head else rest
        self.report.append(ReportLine(block.heading, f"→ {len(made)} {noun}"))
        why = "lines outside the table, or rows that did not fit, kept verbatim"
        if extras:
            why += f"; columns no field takes, or headings written otherwise ({', '.join(names)})"
        self.keep_here(block, [*rest, *extras], why)
        return len(made)

    def section_api_endpoints(self, block: Block) -> None:
        def build(v: dict[str, str]) -> ApiEndpoint | None:
            endpoint = v["endpoint"].strip()
            if endpoint.startswith("`") and endpoint.endswith("`") and endpoint.count("`") == 2:
                endpoint = endpoint[1:-1]
            method = v["method"].strip("`* ").upper()
            if method == "WEBSOCKET":
                method = "WS"
            values = {**v, "endpoint": endpoint, "method": method}
            if not endpoint or method not in HttpMethod.values or not _fits(ApiEndpoint, values):
                return None
            row = ApiEndpoint(**values)
            self.content.api_endpoints.append(row)
            return row

        if any(seg.kind == "table" for seg in block.segments):
            self._table_rows(block, "api_endpoints", build, "API endpoints")
            return
        items, rest = _items(block, ticks=False)
        made = 0
        for text, _ in items:  # "POST /api/login - Sign in", "`GET /users`: the list"
            endpoint = ENDPOINT_RE.match(text)
            if endpoint and build(_endpoint_values(endpoint)):
                made += 1
            else:
                rest.append(f"- {text}")
        self.report.append(ReportLine(block.heading, f"→ {made} API endpoints (written as a list)"))
        self.keep_here(block, rest, "lines that are not endpoints kept verbatim")

    def section_risks(self, block: Block) -> None:
        assumed = []
        as_written: list[str] = []  # levels written otherwise ("H", "Critical", "高")

        def build(v: dict[str, str]) -> Risk | None:
            values = dict(v)
            written = []
            for name in ("impact", "likelihood"):
                if v[name].strip():
                    read = level(v[name])
                    if read is None and v[name].strip().startswith("["):
                        return None  # the template's "[High/Medium/Low]": no risk yet
                    # an impact told rather than rated ("users leave"): Medium, kept as written
                    values[name] = read or "medium"
                    if read is None or v[name].strip() not in (read, read.capitalize()):
                        written.append(f"{name.capitalize()} {_one_line(v[name])}")
                else:  # not written: the middle level, and the report says so
                    values[name] = "medium"
                    assumed.append(name)
            if not v["risk"] or not _fits(Risk, values):
                return None
            row = Risk(**values)
            self.content.risks.append(row)
            if written:
                as_written.append(f"- {_one_line(v['risk'])} — as written: {'; '.join(written)}")
            return row

        if any(seg.kind == "table" for seg in block.segments):
            self._table_rows(block, "risks", build, "risks")
        else:
            self._listed_risks(block)
        self.keep_here(block, as_written, "risk levels written otherwise kept as written")
        if assumed:
            self.report.append(
                ReportLine(block.heading, "levels not written were set to Medium", kept=False)
            )

    def _listed_risks(self, block: Block) -> None:
        """Risks written as a list: "**Risk:** … **Mitigation:** …", "Outage — mitigation: …";
        or one risk a sub-heading names, with "Impact: …", "Mitigation: …" lines under it."""
        items, rest = _items(block)
        if block.key not in ALIASES and self._risk_of_heading(block, items, rest):
            return
        facts = [RISK_FACT_RE.match(text) for text, _ in items]
        if section_of(block.key) is None and any(facts):
            values = {"risk": _plain(block.heading).strip(), "mitigation": ""}
            values |= {"impact": "medium", "likelihood": "medium"}
            for (text, _), fact in zip(items, facts, strict=True):
                name = fact and {"probability": "likelihood", "severity": "impact"}.get(
                    fact.group(1).lower(), fact.group(1).lower()
                )
                if fact and name in ("impact", "likelihood") and level(fact.group(2)):
                    values[name] = level(fact.group(2)) or "medium"
                elif fact and name == "mitigation" and not values["mitigation"]:
                    values["mitigation"] = fact.group(2).strip()
                else:
                    rest.append(f"- {text}")
                    continue
                if name != "mitigation" and fact and fact.group(2).strip() not in _LEVEL_AS_WRITTEN:
                    rest.append(f"- {text}")  # a level written otherwise, kept as written
            if values["risk"] and _fits(Risk, values):
                self.content.risks.append(Risk(**values))
                self.report.append(ReportLine(block.heading, "→ 1 risk (written as a heading)"))
                self.keep_here(block, rest, "lines that are not the risk's facts kept verbatim")
                return
        made = 0
        for text, _ in items:
            parts = re.split(
                r"\s*(?:\*\*)?(?:mitigation|mitigations|mitigación|缓解措施|缓解|対策|완화)"
                r"(?:\*\*)?\s*[:\uff1a]\s*(?:\*\*)?\s*",
                text,
                maxsplit=1,
                flags=re.I,
            )
            risk = (
                re.sub(
                    r"^(?:\*\*)?(?:risk|riesgo|风险|リスク|위험)(?:\*\*)?\s*[:\uff1a]\s*(?:\*\*)?",
                    "",
                    parts[0],
                    flags=re.I,
                )
                .strip()
                .rstrip("—-\u2013;")
                .strip()
            )
            values = {"risk": risk, "mitigation": parts[1].strip() if len(parts) > 1 else "",
                      "impact": "medium", "likelihood": "medium"}  # fmt: skip
            for name, pattern in (
                ("impact", r"impact|severity"),
                ("likelihood", r"likelihood|probability"),
            ):
                found = re.search(rf"(?:{pattern})\s*[:\uff1a]?\s*\**\s*([\w-]+)", text, re.I)
                if found and level(found.group(1)):
                    values[name] = level(found.group(1)) or "medium"
            if risk and _fits(Risk, values):
                self.content.risks.append(Risk(**values))
                made += 1
            else:
                rest.append(f"- {text}")
        self.report.append(ReportLine(block.heading, f"→ {made} risks (written as a list)"))
        self.keep_here(block, rest, "lines that are not risks kept verbatim")

    def _risk_of_heading(
        self, block: Block, items: list[tuple[str, bool | None]], rest: list[str]
    ) -> bool:
        """One risk a sub-heading names ("### Risk 1: Outage"), its facts written as lines
        ("**Likelihood**: Low", "**Mitigation**:" over a list of measures). False when no line
        under it is a fact."""
        values = {"risk": _plain(block.heading).strip() or block.heading, "mitigation": ""}
        values |= {"impact": "medium", "likelihood": "medium"}
        kept: list[str] = []
        found = False
        for line in rest:
            fact = RISK_LABEL_RE.match(line.strip())
            name = fact and RISK_FACT_NAMES.get(fact.group(1).lower(), fact.group(1).lower())
            value = fact.group(2).strip() if fact else ""
            if name in ("impact", "likelihood") and level(value):
                values[name] = level(value) or "medium"
                if value not in _LEVEL_AS_WRITTEN:
                    kept.append(line)  # a level written otherwise, kept as written
            elif name == "mitigation" and not values["mitigation"] and (value or items):
                # the measures listed under the label, when it has none on its line
                values["mitigation"] = value or "; ".join(text for text, _ in items)
                items = [] if not value else items
                if fact and fact.group(1).lower() != "mitigation":
                    kept.append(line)  # "**Solution**:": the label as written
            else:
                kept.append(line)
                continue
            found = True
        if not found or not _fits(Risk, values):
            return False
        self.content.risks.append(Risk(**values))
        self.report.append(ReportLine(block.heading, "→ 1 risk (written as a heading)"))
        kept += [f"- {text}" for text, _ in items]
        self.keep_here(block, kept, "lines that are not the risk's facts kept verbatim")
        return True

    def section_feature_flags(self, block: Block) -> None:
        def build(v: dict[str, str]) -> FeatureFlag | None:
            values = {**v, "name": v["name"].strip("`")}
            if not values["name"] or not _fits(FeatureFlag, values):
                return None
            row = FeatureFlag(**values)
            self.content.feature_flags.append(row)
            return row

        if any(seg.kind == "table" for seg in block.segments):
            self._table_rows(block, "feature_flags", build, "feature flags")
            return
        items, rest = _items(block)
        made = 0
        for text, _ in items:  # "`flag_name`: what it does", "flag_name — what it does"
            match = re.match(r"^`?([\w.:/-]+)`?\s*(?:[:\uff1a—\u2013]|\s-\s)\s*(.*)$", text)
            if match and build({"name": match.group(1), "description": match.group(2),
                                "default": "", "owner": ""}):  # fmt: skip
                made += 1
            else:
                rest.append(f"- {text}")
        self.report.append(ReportLine(block.heading, f"→ {made} feature flags (written as a list)"))
        self.keep_here(block, rest, "lines that are not flags kept verbatim")

    def section_team_members(self, block: Block) -> None:
        def build(v: dict[str, str]) -> TeamMember | None:
            if not v["name"] or not _fits(TeamMember, v):
                return None
            row = TeamMember(**v)
            self.content.team_members.append(row)
            return row

        if any(seg.kind == "table" for seg in block.segments):
            self._table_rows(block, "team_members", build, "team members")
            return
        items, rest = _items(block)
        made = 0
        for text, _ in items:  # "Ann — Lead", "**Ann**: Lead", "Ann (Lead)"
            match = re.match(
                r"^\**([^*:\uff1a—\u2013(]+?)\**\s*(?:[:\uff1a—\u2013]|\s-\s)\s*(.+)$", text
            ) or re.match(r"^\**([^*(]+?)\**\s*\((.+)\)$", text)
            if match and build({"name": match.group(1).strip(), "role": match.group(2).strip()}):
                made += 1
            else:
                rest.append(f"- {text}")
        self.report.append(ReportLine(block.heading, f"→ {made} team members (written as a list)"))
        self.keep_here(block, rest, "lines that are not team members kept verbatim")

    def section_timeline(self, block: Block) -> None:
        items, rest = _items(block)
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
        """A phase: its tasks (a list after a "Tasks" label or sub-heading, or the first list
        under the phase when nothing labels it; ticked boxes are done tasks), its effort and
        its deliverables. Its sub-headings (Tasks, Deliverables, Success criteria, Rollback…)
        belong to it; what is none of these is kept verbatim, under the phase's heading."""
        self.current = ""  # what fits nowhere goes to the Additional Notes, under this heading
        if self.work_packages(block, children):
            return
        phase = Phase(name=name[: max_length(Phase, "name")])
        reading = PhaseReading(phase)
        reading.checklists = any(_has_boxes(part) for part in [block, *children])
        reading.named_paragraphs = not children and _named_paragraphs(block)
        labelled = any(PHASE_LABELS.get(normalize(c.heading)) == "tasks" for c in children)
        testing = _names_tests(normalize(name))

        def is_work(part: Block) -> bool:
            key = normalize(part.heading)
            if testing and _names_tests(key):  # "### Unit tests" in a testing phase: its work
                return not labelled
            own = phase_name(part.heading)  # "Week 2 Deliverable": of the phase, no work
            work = not labelled and key not in ALIASES and not _not_tasks(key)
            return work and not (own and _not_tasks(normalize(own)))

        # Sub-headings that are each one task by their shape (numbered, over steps, or over
        # code only): a sibling over a bullet list is then one task too, its list the task's
        # detail, as a nested bullet belongs to its task. (A phase of checklists has its
        # boxes for work.)
        headed = not reading.checklists and any(
            is_work(c) and _task_by_heading(c) for c in children
        )
        for part in [block, *children]:
            reading.in_task = False
            if part is not block:
                key = normalize(part.heading)
                work = is_work(part)
                endpoint = ENDPOINT_RE.match(part.heading.strip())
                if endpoint and _fits(ApiEndpoint, _endpoint_values(endpoint)):
                    # "##### POST /api/start" in a phase: an endpoint the phase builds
                    self.content.api_endpoints.append(ApiEndpoint(**_endpoint_values(endpoint)))
                    reading.mode = "other"
                    reading.rest += [part.raw_heading, ""]
                elif key in PHASE_LABELS:
                    reading.mode = PHASE_LABELS[key]
                    reading.named(part.heading)
                elif (
                    work
                    and (
                        NUMBERED_HEADING_RE.match(part.heading)
                        or _steps_only(part)
                        or (headed and not any(seg.kind == "table" for seg in part.segments))
                    )
                    and not _has_boxes(part)
                    and len(part.heading) <= max_length(Task, "text")
                ):
                    # "#### 1.2 Build the queue" over its details: the heading is one task,
                    # its lists and code the task's details (kept under the phase)
                    reading.tasks.append(_new_task(part.heading, False))
                    reading.mode = "other"
                    reading.in_task = True
                elif work and any(seg.kind in ("list", "table") for seg in part.segments):
                    # "#### Backend" with a list: its items are the phase's tasks
                    reading.mode = "tasks"
                    reading.rest += [f"**{part.heading}**", ""]
                elif (
                    work
                    and not reading.checklists
                    and len(part.heading) <= max_length(Task, "text")
                ):
                    # "#### 1.1 型定義の作成" with prose or code: the heading is one task (not
                    # in a phase that keeps its work as checklists, whose boxes are the work:
                    # its "#### Week 1 Git Commit" over a fence is a detail of it)
                    reading.tasks.append(_new_task(part.heading, False))
                    reading.mode = "other"
                    reading.in_task = True
                else:
                    reading.mode = "other"
                    reading.rest += [part.raw_heading, ""]
            for segment in part.segments:
                reading.segment(part.text_of(segment), segment, part)
        self.renamed += [label for label in reading.labels if label not in self.renamed]
        known = {(e.method, e.endpoint) for e in self.content.api_endpoints}
        for row in reading.endpoints:  # each once: the API table may list it already
            if (row.method, row.endpoint) not in known and _fits(
                ApiEndpoint, {"endpoint": row.endpoint}
            ):
                self.content.api_endpoints.append(row)
                known.add((row.method, row.endpoint))
        phase.deliverables = "\n".join(reading.deliverables).strip("\n")
        self.content.phases.append(PhaseContent(phase, reading.tasks))
        days = f", {phase.effort} person-days" if phase.effort is not None else ""
        done = sum(t.done for t in reading.tasks)
        ticked = f" ({done} done)" if done else ""
        self.report.append(
            ReportLine(
                block.heading,
                f"→ phase “{phase.name}” with {len(reading.tasks)} tasks{ticked}{days}",
            )
        )
        why = "phase lines that are not tasks, effort or deliverables kept verbatim"
        self.keep_here(block, reading.rest, why)

    def work_packages(self, block: Block, children: list[Block]) -> bool:
        """Phases written as the bold items of a list, each with the template's "- **Tasks:**"
        label nested under it ("1. **Payee cleanup**" over "- **Tasks:** …", "- **Estimated
        Effort:** 3 person-days"): each item one phase; the heading over them groups them."""
        packages: list[tuple[str, list[str]]] = []
        rest: list[str] = []
        for segment in block.segments:
            found = []
            for start, end in segment.items if segment.kind == "list" else []:
                lines = block.lines[start:end]
                item = ITEM_RE.match(lines[0])
                title = BOLD_ITEM_RE.match(item.group(3)) if item else None
                tasks = any(
                    (m := LABEL_RE.match(x)) and m.group(1).lower() == "tasks" for x in lines[1:]
                )
                if title and tasks and not LABEL_RE.match(lines[0]):
                    found.append((title.group(1).strip(), lines[1:]))
            if found and len(found) == len(segment.items):
                packages += found
            else:
                rest += _verbatim(block, segment)
        if not packages:
            return False
        for name, lines in packages:
            reading = PhaseReading(Phase(name=name[: max_length(Phase, "name")]))
            reading.labelled(lines)
            reading.phase.deliverables = "\n".join(reading.deliverables).strip("\n")
            self.content.phases.append(PhaseContent(reading.phase, reading.tasks))
            if reading.rest:
                rest += [f"**{name}**", "", *reading.rest, ""]
        self.report.append(
            ReportLine(block.heading, f"→ {len(packages)} phases (bold items with their tasks)")
        )
        rest += [line for child in children for line in (child.raw, "")]
        self.keep(block.heading, "\n".join([block.raw_heading, "", *rest]), "kept verbatim")
        return True

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
        """The template's own table that no one signed is regenerated from the sign-offs. Rows
        typed in with a name, date or signature are the document's earlier approval record
        (Plan.prior_approvals: shown in the Approval section, never counted as sign-offs);
        unsigned rows of roles not of the template, tables without a Role or Name column and
        every other line are kept verbatim."""
        rest: list[str] = []
        record: list[list[str]] = []
        for segment in block.segments:
            lines = [line for line in block.text_of(segment) if line.strip()]
            if segment.kind != "table":
                if _body(lines) != APPROVAL_INTRO:
                    rest += [*lines, ""]
                continue
            raw = split_row(lines[0])
            taken = match_columns([normalize(h) for h in raw], "approvals")
            if "role" not in taken and "name" not in taken:
                rest += [*lines, ""]
                continue
            rows = [split_row(line) for line in lines[2:]]
            made: list[list[str]] = []
            for line, row in zip(lines[2:], rows, strict=True):
                values = [
                    row[taken[f]].strip() if f in taken and taken[f] < len(row) else ""
                    for f in APPROVAL_FIELDS
                ]
                if any(values[1:]):
                    record.append(values)
                    made.append(row)
                elif values[0] and values[0] not in DEFAULT_SIGNOFF_ROLES:
                    rest.append(line)
            titles = {c.field: c.title for c in COLUMNS["approvals"]}
            extras, _ = leftover_columns(
                lines[:2],
                made,
                {index: titles[name] for name, index in taken.items()},
                [r[taken["role"]] if "role" in taken else "" for r in made],
            )
            rest += extras
        self.prior_approvals += record
        if record:
            self.report.append(
                ReportLine(
                    block.heading,
                    f"→ {len(record)} earlier approval row{'s' if len(record) != 1 else ''} "
                    "kept as the document\u2019s approval record (not sign-offs)",
                )
            )
        else:
            self.report.append(ReportLine(block.heading, "→ regenerated from the sign-offs"))
        named = [line for line in rest if line.lstrip().startswith("|")]
        why = "approval lines of another shape kept verbatim"
        if named:
            roles = ", ".join(f"“{split_row(r)[0]}”" for r in named if split_row(r))
            why = f"roles not of the template ({roles}) kept verbatim"
        self.keep(
            block.heading, "\n".join([block.raw_heading, "", *rest]) if _body(rest) else "", why
        )

    def section_changelog(self, block: Block) -> None:
        """Earlier rows, by position, before Plansign's versions; cells after the fourth and
        headings the export writes otherwise are kept in the Additional Notes."""
        _, rows, rest, head = _table(block)
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


# Sections of rows whose sub-headings group more of their rows.
GROUPED = {
    "goals", "success_criteria", "user_stories", "api_endpoints", "feature_flags", "risks",
    "team_members", "documentation", "open_questions",
}  # fmt: skip

# Sub-headings and labels inside a phase, by what follows them.
PHASE_LABELS = {
    normalize(name): mode
    for mode, names in {
        "tasks": ("tasks", "task list", "todo", "to do", "work items", "work", "changes",
                  "steps", "delivered", "activities", "checklist", "任务", "工作内容", "实施步骤",
                  "タスク", "作業",
                  "実装内容", "変更内容", "작업", "작업 내용", "tareas", "trabajo", "actividades",
                  "pasos"),
        "deliverables": ("deliverables", "outputs", "交付物", "成果物", "산출물", "entregables"),
        "estimated effort": ("estimated effort", "effort", "工作量", "工数"),
    }.items()
    for name in names
}  # fmt: skip


# A list item that is a bold label and its value ("**Goal**: …", "**Scope:** …"); and the labels
# of such items that name a phase's work.
FACT_LEAD_RE = re.compile(r"^\*\*([^*:\uff1a]+?)\s*(?:[:\uff1a]\*\*|\*\*\s*[:\uff1a])\s*(.*)$")
WORK_LABELS = {key for key, mode in PHASE_LABELS.items() if mode == "tasks"} | {
    normalize(name) for name in ("scope", "范围", "範囲", "범위", "alcance")
}


# Sub-headings and labels in a phase that name something other than its work.
NOT_TASKS = tuple(
    normalize(name)
    for name in (
        "testing", "tests", "test", "verification", "validation", "files", "acceptance criteria",
        "success criteria", "exit criteria", "definition of done", "rollback", "notes",
        "dependencies", "duration", "risks", "objective", "goal", "goals", "outcome", "results",
        "deliverable", "output", "検証", "テスト", "成果", "目標", "테스트", "검증", "산출물",
        "测试", "验证", "验收", "目标", "交付", "pruebas", "verificación", "verificacion",
        "archivos", "resultado", "objetivo", "entregable", "文件", "檔案", "ファイル", "파일",
        "alternatives", "options", "assumptions", "summary", "references", "examples",
    )
)  # fmt: skip


# A phase's first cell in a table of phases that is no "Phase N": "1", "M2", "S3", "2.5".
PHASE_ID_RE = re.compile(r"^[A-Za-z]{0,2}\d+(?:\.\d+)?$")
# The first column of a table of phases.
PHASE_COLUMN_WORDS = {
    normalize(w)
    for w in ("phase", "stage", "step", "milestone", "sprint", "iteration", "fase", "etapa",
              "阶段", "階段", "フェーズ", "段階", "단계")
}  # fmt: skip

# Row sections a bold label may introduce inside a section of no template name.
LABEL_ROWS = {"risks", "documentation", "open_questions", "api_endpoints", "feature_flags",
              "team_members", "success_criteria", "goals"}  # fmt: skip

# Sections whose sub-headings named "Phase N" are that section's stages, not phases of work.
NOT_PHASE_SECTIONS = {
    "rollout", "deployment_strategy", "rollback_plan", "feature_flags", "testing", "unit_tests",
    "integration_tests", "acceptance_tests", "risks",
}  # fmt: skip
# Headings that name the work itself, over its packages: the phases' section, though none of
# its names ("Implementation Details" is not).
WORK_SECTIONS = {normalize(n) for n in ("implementation", "実装", "구현", "实施", "implementación")}
# Headings over what the work delivers: a "Documentation" heading under them lists documents
# delivered, as its siblings list code or figures.
OUTCOME_HEADINGS = {
    normalize(name)
    for name in ("outcomes", "expected outcomes", "expected results", "deliverables",
                 "expected deliverables", "预期成果", "预期结果", "交付物", "成果物",
                 "期待される成果", "기대 효과", "기대 성과", "산출물", "resultados esperados",
                 "entregables")
}  # fmt: skip
# The kinds of phase heading ("Sprint 3", "Week 2"), by the words that name them in any
# language, singular or plural.
PHASE_KINDS = {
    word: kind
    for kind, words in {
        "sprint": ("sprint", "sprints", "스프린트", "スプリント", "冲刺"),
        "week": ("week", "weeks", "주차", "週", "周"),
        "milestone": ("milestone", "milestones", "마일스톤", "マイルストーン", "里程碑"),
        "iteration": ("iteration", "iterations", "イテレーション", "迭代"),
        "step": ("step", "steps", "paso", "pasos", "ステップ"),
    }.items()
    for word in words
}


def _phase_kind(heading: str) -> str | None:
    """The kind of a phase heading ("Sprint 1 (Week 1-2)" → "sprint"), by its first word."""
    plain = _plain(heading).strip()
    match = PHASE_RE.match(plain)
    if match is None or match.group(1) is None:
        return None
    return PHASE_KINDS.get(plain[: match.start(1)].strip().lower())


# Words by which a heading says that what it holds are phases.
PHASE_GROUP_WORDS = {"phases", "stages", "milestones", "sprints", "steps", "iterations"}
# What follows "Week 1" or "Phase 2" in a heading that is a part of a phase, not a phase:
# "Week 1 Deliverables", "Phase 3 Checklist".
PHASE_PART_NAMES = {
    normalize(name)
    for name in ("tasks", "task list", "checklist", "deliverables", "outputs", "success criteria",
                 "exit criteria", "acceptance criteria", "completion criteria",
                 "definition of done")
}  # fmt: skip

# A phase's facts, as the bold lead of a line names them ("**Status:** done").
FACT_WORDS = {"status", "depends", "owner", "owners", "duration", "timeline", "dates", "date",
              "priority", "estimate", "module", "week", "weeks", "assignee", "scope",
              "approach"}  # fmt: skip

WRITTEN_LABEL_WORDS = {"tasks", "task", "deliverables", "estimated", "effort"}


def _not_tasks(key: str) -> bool:
    # "Passing criteria", "Kill criteria": criteria of some kind, never the work
    return "criteria" in key.split() or any(
        key == name or key.startswith(name + " ") for name in NOT_TASKS
    )


def _nested_items(lines: list[str]) -> tuple[list[Task], list[str]]:
    """The items nested under a list item, one task each (deeper lines joined into them),
    and the lines no task takes."""
    depths = [len(m.group(1)) for line in lines if (m := ITEM_RE.match(line))]
    limit = max_length(Task, "text")
    tasks: list[Task] = []
    rest: list[str] = []
    for line in lines:
        item = ITEM_RE.match(line)
        text = item.group(3).strip() if item else ""
        if item and len(item.group(1)) == min(depths) and text and len(text) <= limit:
            tasks.append(_new_task(text, (item.group(2) or " ") != " "))
        elif tasks and not rest and len(f"{tasks[-1].text} {line.strip()}") <= limit:
            tasks[-1].text = f"{tasks[-1].text} {line.strip()}"
        else:
            rest.append(line)
    return tasks, rest


def _not_a_task(text: str) -> bool:
    """A list item that names a phase ("**Phase 25: Schema** - …", a roadmap's line for a
    phase told in full elsewhere) or holds no work yet ("25-01: TBD")."""
    bold = re.match(r"^\*\*(.+?)\*\*", text)
    named = bold and PHASE_RE.match(_plain(bold.group(1)).strip())
    if named and re.search(r"[^\W\d_]", named.group(4)):  # "**Phase 25: Schema**", not "**Week 4**"
        return True
    return re.search(r"(?:^|[\s:—-])(?:TBD|TBA|TODO)\.?$", text) is not None


# Words by which a phase's name says that it is the testing ("Phase 7: Testing", "7단계: 테스트"),
# and the template's sections of tests: in such a phase, "### Unit tests" names its work.
TEST_WORDS = {"test", "tests", "testing", "테스트", "测试", "測試", "テスト", "pruebas"}
TEST_SECTIONS = {"testing", "unit_tests", "integration_tests", "acceptance_tests"}


def _names_tests(key: str) -> bool:
    return bool(set(key.split()) & TEST_WORDS) or section_of(key) in TEST_SECTIONS


def _task_by_heading(block: Block) -> bool:
    """Whether a sub-heading of a phase is one task by its shape: numbered ("1.2 Build"), over
    numbered steps only, or over code only."""
    if _has_boxes(block) or not block.segments:
        return False
    code = all(
        seg.kind == "other" and FENCE_RE.match(block.lines[seg.start]) for seg in block.segments
    )
    return bool(NUMBERED_HEADING_RE.match(block.heading)) or _steps_only(block) or code


def _phase_table(lines: list[str]) -> bool:
    """Whether a table is one of phases: headed "Phase" (or Stage, Sprint…) over rows whose
    first cell names a phase ("Phase 1", "**Stage 2: Build**") or numbers it ("1", "M2"), not
    "| Stage | Teams |" over "ICB markets that could use this platform"."""
    lines = [line for line in lines if line.strip()]
    if len(lines) < 3:
        return False
    headers = [normalize(h) for h in split_row(lines[0])]
    if len(headers) < 2 or headers[0] not in PHASE_COLUMN_WORDS:
        return False
    firsts = [split_row(line)[0].strip("*_ ") for line in lines[2:]]
    return all(phase_name(c) or PHASE_ID_RE.match(c) for c in firsts)


# A paragraph led by a bold name with more on its line ("**ERP stub** (`svc/`): `POST /orders`").
NAMED_LEAD_RE = re.compile(r"^\*\*([^*]+)\*\*(?!\s*[:\uff1a]?\s*$)")


def _named_paragraphs(block: Block) -> bool:
    """Whether a phase with no sub-heading tells its work in paragraphs each led by the bold
    name of a piece of it ("**ERP stub** (…): …", "**WMS stub** (…): …"), with no list or table:
    two or more, all so led, none by a fact of the phase ("**Goal:** …", "**Duration:** 2
    weeks")."""
    leads: list[str] = []
    for seg in block.segments:
        if seg.kind != "other":
            return False
        first = block.lines[seg.start]
        if FENCE_RE.match(first) or _is_break(first):
            continue
        lead = NAMED_LEAD_RE.match(first.strip())
        if lead is None:
            return False
        leads.append(normalize(lead.group(1)))
    return len(leads) >= 2 and not any(_a_fact(key) for key in leads)


def _a_fact(key: str) -> bool:
    """Whether a bold lead names a fact of a phase rather than a piece of its work."""
    return (
        not key
        or _not_tasks(key)
        or key in PHASE_LABELS
        or section_of(key) is not None
        or key.split()[0] in FACT_WORDS
    )


def _criteria_item(text: str) -> bool:
    """A list item that is a phase's criterion by its label ("Passing criteria: under 1 day",
    "Exit criteria: …"): what the phase must meet, not its work."""
    key, _ = _item_label(text)
    return bool(key) and ("criteria" in key.split() or section_of(key) == "success_criteria")


def _item_label(text: str) -> tuple[str, str]:
    """A list item's label, normalised, and its value ("Deliverables: `docs/`" → "deliverables",
    "`docs/`"); ("", "") when the item opens with no short label."""
    label = re.match(r"^[*_]*([^:\uff1a*_]{1,40})[*_]*\s*[:\uff1a]\s*(.*)$", text)
    return (normalize(label.group(1)), label.group(2).strip()) if label else ("", "")


def _steps_only(block: Block) -> bool:
    """Whether every list under the heading is numbered: the steps of one piece of work."""
    lists = [seg for seg in block.segments if seg.kind == "list"]
    return bool(lists) and all(
        re.match(r"^\s*\d+[.)]\s", block.lines[seg.start]) is not None for seg in lists
    )


def _has_boxes_in(block: Block, segment: Segment) -> bool:
    return any(
        (item := ITEM_RE.match(block.lines[start])) is not None and item.group(2) is not None
        for start, _ in segment.items
    )


def _has_boxes(block: Block) -> bool:
    """Whether a list under the heading is a checklist ("- [ ] …")."""
    return any(
        (item := ITEM_RE.match(block.lines[start])) is not None and item.group(2) is not None
        for seg in block.segments
        if seg.kind == "list"
        for start, _ in seg.items
    )


def _endpoint_values(match: re.Match[str]) -> dict[str, str]:
    description = (match.group(3) or "").strip()
    return {"endpoint": match.group(2), "method": match.group(1).upper(),
            "request_body": "", "response": "", "description": description}  # fmt: skip


def _new_task(text: str, done: bool) -> Task:
    # Explicit defaults skip Django looking each one up: imports bring thousands.
    unset: dict[str, Any] = {"id": None, "plan_id": None, "phase_id": None}
    return Task(text=text, done=done, position=0, **unset)


@dataclass
class PhaseReading:
    """The state of reading one phase's body, segment by segment."""

    phase: Phase
    tasks: list[Task] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)
    deliverables: list[str] = field(default_factory=list)
    mode: str | None = None  # "tasks", "deliverables", "other" (some other label) or None
    labels: list[str] = field(default_factory=list)  # labels the writer writes otherwise
    endpoints: list[ApiEndpoint] = field(default_factory=list)  # endpoints the phase lists
    checklists: bool = False  # whether the phase holds a checklist ("- [ ] …")
    in_task: bool = False  # whether the sub-heading being read is itself one task
    named_paragraphs: bool = False  # whether the work is told in bold-led paragraphs

    def named(self, label: str) -> None:
        if not set(re.findall(r"\w+", label.lower())) <= WRITTEN_LABEL_WORDS:
            self.labels.append(label)

    effort_seen: bool = False

    def segment(self, lines: list[str], segment: Segment, block: Block) -> None:
        body = [line for line in lines if line.strip()]
        if not body:
            return
        if segment.kind == "table" and self.mode == "tasks":  # "#### Week 5 Objectives" over one
            self.tabled(body)
            return
        if segment.kind == "list":
            first = LABEL_RE.match(body[0])
            if first:  # the template's own shape: "- **Tasks:**" with the tasks under it
                self.labelled(lines)
            elif self.mode in (None, "tasks") and self.facts(block, segment):
                pass  # "- **Goal**: …", "- **Scope**:" over the work, "- **Success signal**: …"
            elif self.mode == "tasks":
                self.listed(block, segment)
            elif (
                self.mode is None
                and not self.tasks
                and (not self.checklists or _has_boxes_in(block, segment))
            ):
                # nothing says which list is the work: the first, or in a phase that keeps
                # checklists, the first checklist ("How it works:" 1. 2. 3. is no work)
                self.listed(block, segment)
            elif self.mode == "deliverables":
                self.deliverables += [*_body(lines).split("\n"), ""]
            else:
                self.rest += [*_body(lines).split("\n"), ""]
            return
        task = _task_element(body) if segment.kind == "other" else None
        if task:  # "<task>" with its "<name>": one task, the element kept as written
            self.tasks.append(_new_task(task, False))
            self.rest += [*_body(lines).split("\n"), ""]
            return
        if self.named_paragraphs and segment.kind == "other" and NAMED_LEAD_RE.match(body[0]):
            text = " ".join(line.strip() for line in body)
            if len(text) <= max_length(Task, "text"):
                # "**ERP stub** (`services/erp-stub/`): …": one piece of the phase's work
                self.tasks.append(_new_task(text, False))
                return
        if segment.kind == "other" and len(body) > 1 and OTHER_LABEL_RE.match(body[-1]):
            # "**Goal**: …" lines ending in "**Success Criteria**:": the last line labels
            # the list that follows
            self.rest += body[:-1]
            body = body[-1:]
        if segment.kind == "other" and len(body) == 1:
            label = LABEL_RE.match(body[0])
            plain = normalize(re.sub(r"[*_:\uff1a]", " ", body[0]))
            if label:
                self.label(body[0], label.group(1).lower(), label.group(2).strip())
                return
            if plain in PHASE_LABELS and OTHER_LABEL_RE.match(body[0]) and not self.in_task:
                self.mode = PHASE_LABELS[plain]
                self.named(body[0].strip().strip("*_:\uff1a ").strip("*_"))
                return
            if OTHER_LABEL_RE.match(body[0]) and section_of(plain) == "api_endpoints":
                self.mode = "endpoints"  # "**API Endpoints:**" over a fence of endpoint lines
                self.rest += [*body, ""]
                return
            if OTHER_LABEL_RE.match(body[0]):  # "**Files to Modify**:" — not the tasks
                # ... but a label that names no other part ("Changes made:", "変更箇所:")
                # over the phase's first list, when nothing else is its tasks, names its work
                named = _not_tasks(plain) or section_of(plain) is not None
                labelled = body[0].rstrip().rstrip("*_").rstrip().endswith((":", "\uff1a"))
                if self.mode == "tasks" and not named and not labelled:
                    # "**Day 1-2: Setup**" among the tasks: a group of them, not a new part
                    self.rest += [*body, ""]
                    return
                other = named or self.tasks or self.mode == "tasks"
                self.mode = "other" if other else None
                self.rest += [*body, ""]
                return
        if self.mode == "endpoints":  # each endpoint line a row; the fence kept as written
            matches = (ENDPOINT_RE.match(" ".join(line.split())) for line in body)
            self.endpoints += [ApiEndpoint(**_endpoint_values(m)) for m in matches if m]
        if self.mode == "deliverables":
            self.deliverables += [*_body(lines).split("\n"), ""]
        else:
            self.rest += [*_body(lines).split("\n"), ""]

    def label(self, line: str, mode: str, value: str) -> None:
        if mode in ("estimated effort", "effort"):
            self.mode = None
            effort = _effort(value)
            if self.effort_seen or (effort is None and not _no_effort(value)):
                self.rest.append(line)  # a second effort line, or one that is no number
            else:
                self.phase.effort, self.effort_seen = effort, True
                written = _words(f"{effort} person-days")
                if effort is not None and _words(value) - written:  # "1 person-day": as written
                    self.rest.append(line)
            return
        self.mode = mode
        if mode == "deliverables" and value:
            self.deliverables.append(value)
        elif mode == "tasks" and value:
            self.rest.append(line)  # "**Tasks:** text": no list, kept as it is

    def facts(self, block: Block, segment: Segment) -> bool:
        """A list of the phase's facts, each item a bold label ("- **Goal**: …", "- **Scope**:"
        over sub-bullets, "- **Success signal**: …"): the work is what the label naming it
        lists (each nested item a task), or its value when it has none; the other facts are
        kept as written. False when an item is no such fact, or no label names the work."""
        items: list[tuple[str, str, list[str]]] = []
        for start, end in segment.items:
            lines = [line for line in block.lines[start:end] if line.strip()]
            item = ITEM_RE.match(lines[0])
            lead = FACT_LEAD_RE.match(item.group(3).strip()) if item else None
            if lead is None:
                return False
            items.append((lead.group(1).strip(), lead.group(2).strip(), lines))
        if len(items) < 2 or not any(normalize(label) in WORK_LABELS for label, _, _ in items):
            return False
        limit = max_length(Task, "text")
        for label, value, lines in items:
            if normalize(label) not in WORK_LABELS:
                self.rest += lines
                continue
            tasks, left = _nested_items(lines[1:]) if len(lines) > 1 else ([], [])
            if not tasks and value and len(value) <= limit and not left:
                tasks = [_new_task(value, False)]
                self.rest.append(lines[0][: lines[0].rindex(value)].rstrip())
            else:
                self.rest.append(lines[0])
            self.tasks += tasks
            self.rest += left
        self.rest.append("")
        return True

    def listed(self, block: Block, segment: Segment) -> None:
        """Each top-level item one task (its nested lines joined into its text)."""
        for start, end in segment.items:
            lines = [line for line in block.lines[start:end] if line.strip()]
            read = _item_text(lines)
            if (
                read is None
                or len(read[0]) > max_length(Task, "text")
                or not read[0]
                or _not_a_task(read[0])
                or _criteria_item(read[0])
            ):
                self.rest += [*lines, ""]
                continue
            label, value = _item_label(read[0])
            if PHASE_LABELS.get(label) == "deliverables" and value:
                # "- Deliverables: `docs/adr/`, …" among the work: what the phase delivers
                self.deliverables.append(value)
                continue
            self.tasks.append(_new_task(read[0], bool(read[1])))

    def tabled(self, lines: list[str]) -> None:
        """A table of the phase's work: each row one task, its cells in one line; the table's
        heading rows stay under the phase."""
        self.rest += [*lines[:2], ""]
        for line in lines[2:]:
            cells = (" ".join(_one_line(c).split()) for c in split_row(line))  # "<br>" kept
            text = " — ".join(c for c in cells if c)
            if text and len(text) <= max_length(Task, "text"):
                self.tasks.append(_new_task(text, False))
            else:
                self.rest.append(line)

    def labelled(self, lines: list[str]) -> None:
        """A list of "- **Label:** value" items, with tasks or deliverables nested under them."""
        indent: int | None = None  # the indent of the tasks under "**Tasks:**"
        for line in lines:
            label = LABEL_RE.match(line)
            if label:
                indent = None
                self.label(line, label.group(1).lower(), label.group(2).strip())
                continue
            item = ITEM_RE.match(line)
            if self.mode == "tasks" and item and len(item.group(3)) <= max_length(Task, "text"):
                depth = len(item.group(1))
                if indent is None or depth <= indent or not self.tasks:
                    indent = depth
                    done = (item.group(2) or " ") != " "
                    self.tasks.append(_new_task(item.group(3).strip(), done))
                    continue
            nested = indent is not None and len(line) - len(line.lstrip()) > indent
            if self.mode == "tasks" and line.strip() and self.tasks and nested:
                task = self.tasks[-1]  # a nested line: part of the task
                joined = f"{task.text} {line.strip()}"
                if len(joined) <= max_length(Task, "text"):
                    task.text = joined
                    continue
            if self.mode == "deliverables" and (line.startswith(("  ", "\t")) or not line.strip()):
                self.deliverables.append(line[2:] if line.startswith("  ") else line.lstrip("\t"))
            elif line.strip():
                self.mode = None
                self.rest.append(line)


APPROVAL_FIELDS = ("role", "name", "date", "signature")
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
SECTION_NOTE_KEYS = {key for keys in NOTE_KEYS.values() for key in keys}


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
# The parser spends about 0.1 ms on a list item, table row or quoted line (50,000 list items
# took 4 s, 7,900 table rows 3 s on a busy machine): a plan has at most ten sections of
# MAX_ROWS rows, so past this many such lines, or this many of them and headings together,
# the document is refused before it is read. A table row need not start with a pipe ("a|b"):
# any line holding one counts.
MAX_ROW_LINES = 5_000
MAX_BLOCKS = 7_000
_ROW_LINE = re.compile(r"^[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])|[^\n]*\|)", re.MULTILINE)


def parse_plan(
    text: str, filename: str = "", overrides: dict[int, str] | None = None
) -> ImportResult:
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
    rows = len(_ROW_LINE.findall(text))
    if rows > MAX_ROW_LINES:
        raise ImportError_(
            f"The document has {rows:,} list items, table rows and quoted lines; "
            f"a plan has at most {MAX_ROW_LINES:,}."
        )
    if rows + headings > MAX_BLOCKS:
        raise ImportError_(
            f"The document has {rows + headings:,} headings, list items, table rows and "
            f"quoted lines; a plan has at most {MAX_BLOCKS:,}."
        )
    result = Importer(text, filename, overrides).run()
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
