"""Fences inside fences, as their authors meant them: read alike by the reader and the writer."""

from __future__ import annotations

import re

_FENCE_LINE = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$")


def nested_fences(text: str) -> str:
    """The text with the fences written inside a fence, deeper than it, made plain to the parser.
    A fenced YAML or Markdown sample often holds an indented fence of its own ("  ```python" …
    "  ```"); CommonMark ends the outer fence at the inner closing line and reads the rest of
    the document as code. Its author meant the inner pair to stay inside: a line deeper than the
    outer fence that opens one with an info string starts an inner fence, and the next bare
    fence line at its depth ends it. Only the parser's copy changes, line for line."""
    if "```" not in text and "~~~" not in text:
        return text
    lines = text.split("\n")
    outer: tuple[int, str] | None = None  # the open fence: its indent and marker
    inner: list[int] = []  # indents of the inner fences open
    changed = False
    for n, line in enumerate(lines):
        match = _FENCE_LINE.match(line)
        if match is None:
            continue
        indent, marker, info = len(match.group(1).expandtabs(4)), match.group(2), match.group(3)
        if outer is None:
            if indent <= 3 and not (marker[0] == "`" and "`" in info):
                outer = (indent, marker)
            continue
        bare = not info.strip()
        if inner and bare and indent == inner[-1]:
            inner.pop()
        elif indent > outer[0] and not bare and marker[0] == outer[1][0]:
            inner.append(indent)
        elif bare and marker[0] == outer[1][0] and len(marker) >= len(outer[1]) and indent <= 3:
            outer = None  # the outer fence's own closing line
            continue
        else:
            continue
        lines[n] = match.group(1) + ("'" if marker[0] == "`" else "-") * len(marker) + info
        changed = True
    return "\n".join(lines) if changed else text
