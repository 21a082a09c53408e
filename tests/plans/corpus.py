"""Measures of the reader on the corpus of real plans (tests/fixtures/real/, listed with their
source and hand counts in index.json): words lost, rows captured, fixed point.

Words: the runs of letters and digits (`\\w+`, any script) of the source outside its front
matter and HTML comments, compared as a multiset with those of the export: a word written
three times in the source must be in the export three times. Markup (pipes, bullets, `**`) is
not a word, since the export writes its own; nor is the repetition of a label the template
writes once per table or section ("**Risk:** … **Mitigation:** …" on each of five risks
becomes one table headed Risk and Mitigation): label words need only be in the export once.
The number of a numbered list item ("3.") is markup too: the export numbers its lists anew; so
is a list item's checkbox ("[X]" is written "[x]").

Rows: per row set, the rows the reader made against the rows counted by hand. Captured is
min(made, hand); phantom is what is made beyond the hand count.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from plans.content import PlanContent
from plans.markdown.reader import PHASE_LABELS, parse_blocks, parse_plan
from plans.markdown.writer import write_plan
from plans.sections import COLUMNS, HEADINGS

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
INDEX = REAL / "index.json"
ROW_KEYS = (
    "goals", "success_criteria", "user_stories", "api_endpoints", "phases", "tasks",
    "feature_flags", "risks", "team_members", "documentation_updates", "open_questions",
)  # fmt: skip
_FRONT_MATTER = re.compile(r"\A\ufeff?---\r?\n.*?\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BOX = re.compile(r"^([ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[[ xX]\]", re.M)  # a checkbox: markup
_NUMBERED = re.compile(r"^[ \t>]*\d{1,9}[.)](?=\s)", re.M)  # "3." of a numbered list: markup
# The template's headings as the writer writes them, in template order.
TEMPLATE_HEADINGS = [names[0] for names in HEADINGS.values()]


def source_words(text: str) -> Counter[str]:
    text = _COMMENT.sub(" ", _FRONT_MATTER.sub("", text, count=1))
    text = _NUMBERED.sub(" ", _BOX.sub(r"\1", text))
    return Counter(re.findall(r"\w+", text))


def _label_words() -> set[str]:
    names = [n for names in HEADINGS.values() for n in names]
    names += [n for columns in COLUMNS.values() for c in columns for n in c.names]
    names += [*PHASE_LABELS, "phase", "estimated effort", "person days", "task", "tasks"]
    return {w.lower() for n in names for w in re.findall(r"\w+", n)}


LABEL_WORDS = _label_words()


def words_lost(source: str, exported: str) -> list[str]:
    have = Counter(re.findall(r"\w+", exported))
    missing = source_words(source) - have
    lowered = {w.lower() for w in have}
    return sorted(
        w for w in missing.elements() if not (w.lower() in LABEL_WORDS and w.lower() in lowered)
    )


def row_counts(content: PlanContent) -> dict[str, int]:
    counts = {key: len(content.rows(key)) for key in ROW_KEYS if key != "tasks"}
    counts["tasks"] = sum(len(p.tasks) for p in content.phases)
    return counts


def heading_order_problems(exported: str) -> list[str]:
    """Template headings of the export out of template order, or written twice."""
    structured = exported.split("\n## Additional Notes\n")[0]  # notes are kept as written
    tokens = parse_blocks(structured)  # headings as the parser sees them (none in a fence)
    seen = [
        tokens[i + 1].content.strip()
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
        and t.level == 0
        and t.tag in ("h2", "h3")
        and tokens[i + 1].content.strip() in TEMPLATE_HEADINGS
    ]
    problems = [h for h, n in Counter(seen).items() if n > 1]
    order = [TEMPLATE_HEADINGS.index(h) for h in seen]
    if order != sorted(order):
        problems.append("out of order: " + ", ".join(seen))
    return problems


@dataclass
class Measure:
    file: str
    language: str
    words: int
    lost: list[str]
    hand: dict[str, int]
    made: dict[str, int]
    fixed_point: bool
    order_problems: list[str] = field(default_factory=list)

    @property
    def hand_total(self) -> int:
        return sum(self.hand.get(k, 0) for k in ROW_KEYS)

    @property
    def captured(self) -> int:
        return sum(min(self.made[k], self.hand.get(k, 0)) for k in ROW_KEYS)

    @property
    def phantom(self) -> int:
        return sum(max(0, self.made[k] - self.hand.get(k, 0)) for k in ROW_KEYS)


def measure(path: Path, hand: dict[str, int], language: str = "") -> Measure:
    source = path.read_text(encoding="utf-8-sig")
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    content = parse_plan(text, path.name).content
    first = write_plan(content)
    second = write_plan(parse_plan(first, path.name).content)
    return Measure(
        file=path.name,
        language=language,
        words=sum(source_words(text).values()),
        lost=words_lost(text, first),
        hand=hand,
        made=row_counts(content),
        fixed_point=first == second,
        order_problems=heading_order_problems(first),
    )


def corpus() -> list[dict]:
    return json.loads(INDEX.read_text(encoding="utf-8")) if INDEX.exists() else []


def measure_all() -> list[Measure]:
    return [
        measure(REAL / entry["file"], entry.get("counts", {}), entry.get("language", ""))
        for entry in corpus()
    ]


def table(measures: list[Measure]) -> str:
    """The results as a Markdown table, one line per document and a total."""
    head = "| Document | Lang | Words | Lost | Rows (hand) | Captured | Phantom | Fixed point |"
    lines = [head, "|---|---|---:|---:|---:|---:|---:|---|"]
    for m in measures:
        share = f"{m.captured / m.hand_total:.0%}" if m.hand_total else "—"
        lines.append(
            f"| {m.file} | {m.language} | {m.words} | {len(m.lost)} | {m.hand_total} | "
            f"{m.captured} ({share}) | {m.phantom} | "
            f"{'yes' if m.fixed_point and not m.order_problems else 'NO'} |"
        )
    hand = sum(m.hand_total for m in measures)
    captured = sum(m.captured for m in measures)
    lines.append(
        f"| **Total** ({len(measures)}) | | {sum(m.words for m in measures)} | "
        f"{sum(len(m.lost) for m in measures)} | {hand} | "
        f"{captured} ({captured / hand:.0%}) | {sum(m.phantom for m in measures)} | "
        f"{sum(m.fixed_point and not m.order_problems for m in measures)}/{len(measures)} |"
        if hand
        else "| **Total** | | | | 0 | | | |"
    )
    per_key = [
        f"{k}: {sum(min(m.made[k], m.hand.get(k, 0)) for m in measures)}"
        f"/{sum(m.hand.get(k, 0) for m in measures)}"
        f" (+{sum(max(0, m.made[k] - m.hand.get(k, 0)) for m in measures)})"
        for k in ROW_KEYS
    ]
    return "\n".join(lines) + "\n\nBy row set, captured/hand (+phantom): " + ", ".join(per_key)
