"""Hypothesis strategies of pathological Markdown: what makes a Markdown parser do unbounded work.

Runs of brackets, emphasis, backticks and HTML starts; lists and quotes nested deep; long
tables; setext headings and rules line after line; all mixed with ordinary text and unicode.
Each pattern here was measured super-linear in Python-Markdown 3.11 (bench/hostile.py runs
them at full size over HTTP). Sizes stay small enough for one example to take about a second
at most once rendering is bounded; `MAX_RUN` is the longest run drawn.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

MAX_RUN = 3000  # characters of one run; the form takes 100,000, bench/hostile.py sends those

# Patterns that are cheap once and expensive repeated (brackets and links, emphasis, code
# spans, HTML and autolink starts, smart quotes, escapes, table pipes, headings, rules).
UNITS = (
    *("[", "]", "[a", "![a", "[](", "[a](", "[a][", "(", "*", "_", "*a", "*a* ", "**a"),
    *("***a", "*_", "_a ", "a_", "`", "`a", "<", "<a", "<a ", "</", "<!--", "<http://"),
    *("<a@", "&", "&#", '"', "'", "\\", "|", "|a", "~", "-", "."),
)
LINE_UNITS = ("a\n=\n", "a\n-\n", "* * *\n", "- a\n", "# a\n", "> a\n", "|\n", "```\n", "    a\n")
NESTING = ("- ", "> ", "1. ", "* ", "+ ", "2) ", "- > ", "> - ", "-\t", "    ")
UNICODE = ("😀", "e\u0301", "\u202e", "\u200b", "ß", "İ", "٣", "\u00a0", "\ufeff")

ordinary = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n"), max_size=60
)


@st.composite
def runs(draw: Any, max_size: int = MAX_RUN) -> str:
    """One pattern repeated up to `max_size` characters, e.g. "[a[a[a…" or "a\\n=\\na\\n=\\n…"."""
    unit = draw(st.sampled_from(UNITS + LINE_UNITS + UNICODE))
    return unit * draw(st.integers(1, max(1, max_size // len(unit))))


@st.composite
def nesting(draw: Any, max_depth: int = 1000) -> str:
    """Lists and quotes nested up to `max_depth` deep on one line ("- - - x", "> > x",
    "1. 1. "), or a staircase of lines each one level deeper. Python-Markdown 3.11 recursed
    past Python's limit from about 500 levels of "- "."""
    marks = draw(st.lists(st.sampled_from(NESTING), min_size=1, max_size=3))
    depth = draw(st.one_of(st.integers(1, 50), st.integers(max_depth // 2, max_depth)))
    if draw(st.booleans()):
        return "".join(marks[i % len(marks)] for i in range(depth)) + draw(ordinary)
    return "".join("  " * i + marks[i % len(marks)] + "a\n" for i in range(depth // 4))


@st.composite
def tables(draw: Any, max_rows: int = 600) -> str:
    """A table of up to `max_rows` rows, its cells from the runs' patterns."""
    columns = draw(st.integers(1, 4))
    cell = st.one_of(st.sampled_from(["a", "", " ", "`|`", "\\|"]), st.sampled_from(UNITS))
    row = "|" + "|".join(draw(cell) for _ in range(columns)) + "|\n"
    header = "|" + "|".join("h" for _ in range(columns)) + "|\n" + "|-" * columns + "|\n"
    return header + row * draw(st.integers(0, max_rows))


def hostile_markdown(max_parts: int = 4) -> st.SearchStrategy[str]:
    """A text of a few pathological parts, mixed with ordinary text and unicode."""
    part = st.one_of(runs(), nesting(), tables(), ordinary, st.sampled_from(UNICODE))
    joiner = st.sampled_from(["", "\n", "\n\n", " "])
    return st.tuples(st.lists(part, min_size=1, max_size=max_parts), joiner).map(
        lambda parts_and_joiner: parts_and_joiner[1].join(parts_and_joiner[0])
    )


@st.composite
def hostile_documents(draw: Any, headings: list[str], max_rows: int) -> str:
    """A plan document: some of the template's `headings`, each over hostile Markdown or a
    list or table of up to `max_rows` + 10 rows (just over the row limit is the interesting
    side of it)."""
    rows = st.integers(max(0, max_rows - 3), max_rows + 10)
    body = st.one_of(
        hostile_markdown(3),
        rows.map(lambda n: "".join(f"- Item {i}\n" for i in range(n))),
        rows.map(lambda n: "| Name | Role |\n|---|---|\n" + "| P | R |\n" * n),
        rows.map(lambda n: "| Risk | Impact |\n|---|---|\n" + "| [a | High |\n" * n),
        rows.map(lambda n: "- **Tasks:**\n" + "".join(f"  {i + 1}. Task\n" for i in range(n))),
    )
    chosen = draw(st.lists(st.sampled_from(headings), min_size=1, max_size=5))
    parts = ["# Implementation Plan: Hostile"]
    for heading in chosen:
        parts += [heading, draw(body)]
    return "\n\n".join(parts) + "\n"
