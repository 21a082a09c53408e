"""Python-Markdown with bounded work, for any text a user may type.

Python-Markdown 3.11 does more than linear work on some inputs: it scans to the end of a
paragraph from every `[` (`[[[[…`), every `](` and every unclosed run of backticks; it
re-tests the rest of a block after each header, rule or setext underline it peels off;
it finds a text's place among its siblings with `list.index` (thousands of `<em>` or
paragraphs) and takes blocks from the head of a list; the fenced-code and table extensions
rebuild the text for each code block and pair backticks in quadratic time; and nested lists
recurse without limit (`"- " * 1000` is a RecursionError). The sanitizer after it takes time
in the number of raw HTML tags open at once.

`BoundsExtension` keeps the parser and its output, and bounds the work:

- those steps are replaced by linear ones that give the same result;
- the rest of the work grows with what the text becomes (blocks, elements, pattern matches,
  scans of brackets): each document has a budget for it, a block one and an inline one. A plan
  section of some 35 KB of ordinary Markdown spends it; past it, the rest of the document is
  shown as written, its remaining Markdown marks as plain text;
- lists and block quotes nest at most `MAX_DEPTH` elements deep; deeper markers are text.

100 KB of any text renders in about 100 ms here (a section with as much ordinary Markdown
took 400 ms). The replaced methods follow Markdown 3.11's own, which pyproject.toml pins.
"""

from __future__ import annotations

import bisect
import re
import xml.etree.ElementTree as etree
from collections import deque
from collections.abc import Callable
from typing import Any

from markdown import Markdown, util
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.attr_list import get_attrs_and_remainder
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.extensions.tables import TableProcessor
from markdown.inlinepatterns import (
    BacktickInlineProcessor,
    DelimiterProcessor,
    HtmlInlineProcessor,
    LinkInlineProcessor,
)
from markdown.inlinepatterns import InlineProcessor as Pattern
from markdown.preprocessors import HtmlBlockPreprocessor
from markdown.serializers import _escape_attrib_html
from markdown.treeprocessors import InlineProcessor

# Elements from the document's root to its deepest block (a list level is two: ul and li).
MAX_DEPTH = 32
# Work a document may do, in units of about a third of a microsecond here, before the rest of it
# is shown as written: the block parser and the inline patterns each have their own share.
BLOCK_WORK = 100_000
INLINE_WORK = 100_000
BLOCK = 30  # a block through the block processors
NODE = 40  # an element it adds (a paragraph, a list, a quote, a header)
LINE = 30  # a line of it (a list item, a table row): the elements it becomes
CELL = 10  # a pipe: a table cell
TEXT = 10  # a text through the inline patterns
CALL = 10  # a pattern's handleMatch
ELEMENT = 10  # an element an inline pattern makes
DELIMITER = 20  # a `*` or `_` the emphasis pattern pairs
RAW_TAG = 300  # a raw HTML tag: the sanitizer's work grows with the tags open at once
CHARS_PER_UNIT = 64  # characters a search or a copy in C goes over
# Characters the raw HTML reader may go over: from each `<` it may search to the end (an
# unclosed tag or comment), and each `<` or `&` is an event handled in Python; a tag costs the
# sanitizer more, the more tags are open around it.
HTML_SCAN = 20_000_000
HTML_TAG = 50_000
HTML_AMP = 6_000

_BRACKETS = re.compile(r"[\[\]]")
_TICKS = re.compile(r"`+")
_CONTAINERS = ("olist", "ulist", "quote", "indent")


class Budget:
    """Work units left; spent once below zero."""

    def __init__(self, units: int) -> None:
        self.left = units

    def spend(self, units: int) -> bool:
        self.left -= units
        return self.left >= 0

    @property
    def spent(self) -> bool:
        return self.left < 0


class BoundsExtension(Extension):
    """Register last: it wraps the processors the other extensions registered. One instance
    per conversion (the budgets are spent)."""

    def __init__(self, **kwargs: Any) -> None:
        self.blocks = Budget(BLOCK_WORK)
        self.inline = Budget(INLINE_WORK)
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        trees = md.treeprocessors
        for name in ("inline", "smarty"):  # smarty runs an inline processor of its own
            if name in trees:
                new = BoundedInlineProcessor(md, self.inline)
                new.inlinePatterns = trees[name].inlinePatterns
                trees.register(new, name, _priority(trees, name))
                for pattern in new.inlinePatterns:
                    _bound_pattern(pattern, self.inline)
        if "fenced_code_block" in md.preprocessors:
            old = md.preprocessors["fenced_code_block"]
            fences = LinearFencedBlockPreprocessor(md, old.config)
            fences.budget = self.blocks
            priority = _priority(md.preprocessors, "fenced_code_block")
            md.preprocessors.register(fences, "fenced_code_block", priority)
        if "html_block" in md.preprocessors:
            reader = BoundedHtmlBlockPreprocessor(md)
            md.preprocessors.register(
                reader, "html_block", _priority(md.preprocessors, "html_block")
            )
        blocks = md.parser.blockprocessors
        if "table" in blocks:
            config = blocks["table"].config
            table = LinearTableProcessor(md.parser, config)
            blocks.register(table, "table", _priority(blocks, "table"))
        md.parser.parseBlocks = _bounded_parse_blocks(md, self.blocks)


def _priority(registry: util.Registry[Any], name: str) -> float:
    return next(entry.priority for entry in registry._priority if entry.name == name)


def _bounded_parse_blocks(
    md: Markdown, budget: Budget
) -> Callable[[etree.Element, list[str]], None]:
    processors: list[BlockProcessor] = []
    containers: set[BlockProcessor] = set()

    def parse_blocks(parent: etree.Element, blocks: list[str]) -> None:
        """BlockParser.parseBlocks, which gives each block to the first processor that takes
        it. Processors take the first block of the list and may put back what they leave of
        it, which on a long list costs a copy of the list each time: they get a list of one.
        Each block is paid from the budget: its processors' searches, the elements its lines
        and cells become; once the budget is spent, the blocks left are shown as written.
        Lists and quotes nest no deeper than MAX_DEPTH."""
        if not processors:  # the registry sorts and looks up at each iteration
            registry = md.parser.blockprocessors
            processors.extend(registry)
            containers.update(registry[name] for name in _CONTAINERS if name in registry)
        deep = _depth(md.parser.root, parent) >= MAX_DEPTH - 2
        pending = blocks[::-1]  # the next block last
        blocks.clear()
        current: list[str] = []
        while current or pending:
            if not current:
                current.append(pending.pop())
            block = current[0]
            cost = BLOCK + LINE * block.count("\n") + CELL * block.count("|")
            if not budget.spend(cost + len(processors) * len(block) // CHARS_PER_UNIT):
                pre = etree.SubElement(parent, "pre")
                pre.text = util.AtomicString("\n\n".join(current + pending[::-1]))
                return
            made = len(parent)
            for processor in processors:
                if deep and processor in containers:
                    continue
                if processor.test(parent, block) and processor.run(parent, current) is not False:
                    break
            budget.spend(NODE * (len(parent) - made))

    return parse_blocks


def _depth(root: etree.Element, parent: etree.Element) -> int:
    """How deep `parent` is: blocks are parsed in order, so it is on the root's last-child path."""
    node, depth = root, 0
    while node is not parent:
        if not len(node):
            return MAX_DEPTH  # not where it should be: nest no deeper
        node, depth = node[-1], depth + 1
    return depth


def _bound_pattern(pattern: Any, budget: Budget) -> None:
    if not isinstance(pattern, Pattern):
        return
    handle: Callable[[re.Match[str], str], Any] = pattern.handleMatch

    delimiters = isinstance(pattern, DelimiterProcessor)
    raw_html = isinstance(pattern, HtmlInlineProcessor)

    def bounded_handle(m: re.Match[str], data: str) -> Any:
        if not budget.spend(CALL):
            # Leave this text as it is: the inline processor stops at a spent budget.
            return None, m.start(0), m.end(0)
        if delimiters and not pattern.regions:
            # A new pass pairs the `*` and `_` from here on, in Python, at worst to the end:
            # only with budget for the worst, and paid for what it read.
            if budget.left < _pairing_cost(data, m.start(0), len(data)):
                return None, m.start(0), len(data)  # the rest of this text stays as it is
            node, start, end = handle(m, data)
            # It read up to its last pair, or to the end when it found none.
            read = max((r[3] for r in pattern.regions), default=len(data))
            budget.spend(_pairing_cost(data, m.start(0), read))
        else:
            node, start, end = handle(m, data)
        if node is None:
            return node, start, end
        # The text is rebuilt around a placeholder, and the elements are built and written;
        # raw HTML tags cost the sanitizer more, the more of them are open at once.
        size = 1 if isinstance(node, str) else sum(1 for _ in node.iter())
        raw = RAW_TAG if raw_html and data.startswith("<", start) else 0
        if not budget.spend(len(data) // CHARS_PER_UNIT + ELEMENT * size + raw):
            return None, m.start(0), m.end(0)  # (a pattern's state is not used after this)
        return node, start, end

    pattern.handleMatch = bounded_handle
    if isinstance(pattern, LinkInlineProcessor):
        pattern.getText = _bounded_get_text(budget)
        pattern.getLink = _bounded_get_link(pattern, budget)
    if isinstance(pattern, BacktickInlineProcessor):
        pattern.find_code_spans = _bounded_find_code_spans(budget)


def _pairing_cost(data: str, start: int, end: int) -> int:
    return (end - start) // 2 + DELIMITER * (
        data.count("*", start, end) + data.count("_", start, end)
    )


def _bounded_get_text(budget: Budget) -> Callable[[str, int], tuple[str, int, bool]]:
    def get_text(data: str, index: int) -> tuple[str, int, bool]:
        """LinkInlineProcessor.getText: the text up to the `]` that closes the `[` before
        `index`, counting nested brackets; jumps from bracket to bracket."""
        depth = 1
        visited = 0
        for m in _BRACKETS.finditer(data, index):
            visited += 1
            depth += 1 if m.group() == "[" else -1
            if depth == 0:
                end = m.start()
                budget.spend(visited + (end - index) // CHARS_PER_UNIT)
                return data[index:end], end + 1, True
        budget.spend(visited + (len(data) - index) // CHARS_PER_UNIT)
        return "", len(data), False  # callers read the text only when handled

    return get_text


def _bounded_get_link(
    pattern: LinkInlineProcessor, budget: Budget
) -> Callable[[str, int], tuple[str, str | None, int, bool]]:
    unescape = pattern.unescape
    re_link = pattern.RE_LINK
    re_title_clean = pattern.RE_TITLE_CLEAN

    def get_link(data: str, index: int) -> tuple[str, str | None, int, bool]:
        """LinkInlineProcessor.getLink, which scans for the `)` that closes the link, with the
        scan paid from the budget: a link that needs more than is left is not a link."""
        href = ""
        title: str | None = None
        handled = False

        m = re_link.match(data, pos=index)
        if m and m.group(1):
            href = m.group(1)[1:-1].strip()
            if m.group(2):
                title = m.group(2)[1:-1]
            index = m.end(0)
            handled = True
        elif m:
            bracket_count = 1
            backtrack_count = 1
            start_index = m.end()
            index = start_index
            last_bracket = -1
            quote: str | None = None
            start_quote = -1
            exit_quote = -1
            ignore_matches = False
            alt_quote: str | None = None
            start_alt_quote = -1
            exit_alt_quote = -1
            last = ""
            stop = min(len(data), index + max(0, budget.left))
            for pos in range(index, stop):
                c = data[pos]
                if c == "(":
                    if not ignore_matches:
                        bracket_count += 1
                    elif backtrack_count > 0:
                        backtrack_count -= 1
                elif c == ")":
                    if (exit_quote != -1 and quote == last) or (
                        exit_alt_quote != -1 and alt_quote == last
                    ):
                        bracket_count = 0
                    elif not ignore_matches:
                        bracket_count -= 1
                    elif backtrack_count > 0:
                        backtrack_count -= 1
                        if backtrack_count == 0:
                            last_bracket = index + 1
                elif c in ("'", '"'):
                    if not quote:
                        ignore_matches = True
                        backtrack_count = bracket_count
                        bracket_count = 1
                        start_quote = index + 1
                        quote = c
                    elif c != quote and not alt_quote:
                        start_alt_quote = index + 1
                        alt_quote = c
                    elif c == quote:
                        exit_quote = index + 1
                    elif alt_quote and c == alt_quote:
                        exit_alt_quote = index + 1
                index += 1
                if bracket_count == 0:
                    if exit_quote >= 0 and quote == last:
                        href = data[start_index : start_quote - 1]
                        title = "".join(data[start_quote : exit_quote - 1])
                    elif exit_alt_quote >= 0 and alt_quote == last:
                        href = data[start_index : start_alt_quote - 1]
                        title = "".join(data[start_alt_quote : exit_alt_quote - 1])
                    else:
                        href = data[start_index : index - 1]
                    break
                if c != " ":
                    last = c
            budget.spend(index - start_index + 1)
            if bracket_count != 0 and stop < len(data):
                return "", None, index, False  # the budget stopped the scan: not a link
            if bracket_count != 0 and backtrack_count == 0:
                href = data[start_index : last_bracket - 1]
                index = last_bracket
                bracket_count = 0
            handled = bracket_count == 0

        if title is not None:
            title = re_title_clean.sub(" ", _dequote(unescape(title.strip())))
        href = unescape(href).strip()
        return href, title, index, handled

    return get_link


def _dequote(string: str) -> str:
    if (string.startswith('"') and string.endswith('"')) or (
        string.startswith("'") and string.endswith("'")
    ):
        return string[1:-1]
    return string


def _bounded_find_code_spans(budget: Budget) -> Callable[[int, str], tuple[int, int | None]]:
    def find_code_spans(start: int, text: str) -> tuple[int, int | None]:
        """BacktickInlineProcessor.find_code_spans, scanning from run to run of backticks
        rather than character by character, and paid from the budget."""
        last = len(text)
        max_ticks = 0
        while start < last and text[start] == "`":
            max_ticks += 1
            start += 1
        longest_span = 0
        end = 0
        runs = 0
        for m in _TICKS.finditer(text, start):
            runs += 1
            span_length = m.end() - m.start()
            if max_ticks == span_length:
                budget.spend(runs + (m.start() - start) // CHARS_PER_UNIT)
                return start, m.start()
            if span_length > longest_span:
                longest_span = span_length
                end = m.end()
        budget.spend(runs + (last - start) // CHARS_PER_UNIT)
        if 0 < longest_span < max_ticks:
            return start - (max_ticks - longest_span), end - longest_span
        return start + max_ticks, None

    return find_code_spans


class BoundedInlineProcessor(InlineProcessor):
    """The inline tree processor, in linear time, stopping at a spent budget."""

    def __init__(self, md: Markdown, budget: Budget) -> None:
        super().__init__(md)
        self.budget = budget
        self.patterns: list[Pattern] = []
        self.any_pattern: re.Pattern[str] | None = None

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        """InlineProcessor.__handleInline, asking each pattern's regular expression (what
        applying a pattern starts with) before paying for the call: most find nothing."""
        if isinstance(data, util.AtomicString) or self.budget.left < 0:
            return data
        if not self.budget.spend(TEXT + len(data) // CHARS_PER_UNIT):
            return data
        # Many short texts hold nothing any pattern matches: one search tells.
        if (
            patternIndex == 0
            and len(data) < 2_000
            and self.any_pattern
            and not self.any_pattern.search(data)
        ):
            return data
        patterns = self.patterns
        apply = self._InlineProcessor__applyPattern
        budget = self.budget
        startIndex = 0
        while patternIndex < len(patterns) and budget.left >= 0:
            pattern = patterns[patternIndex]
            if pattern.compiled_re.search(data, startIndex) is None:
                patternIndex, startIndex = patternIndex + 1, 0
                continue
            data, matched, startIndex = apply(pattern, data, patternIndex, startIndex)
            if not matched:
                patternIndex += 1
        return data

    def _compile(self) -> None:
        # The library reads its registry by index, which sorts and looks up at each call.
        self.patterns = list(self.inlinePatterns)
        try:  # one search tells whether any pattern can match a text at all
            self.any_pattern = re.compile(
                "|".join(f"(?:{p.compiled_re.pattern})" for p in self.patterns),
                re.DOTALL | re.UNICODE,
            )
        except re.error:
            self.any_pattern = None

    def _InlineProcessor__processElementText(
        self, node: etree.Element, subnode: etree.Element, isText: bool = True
    ) -> None:
        """InlineProcessor.__processElementText, which found `subnode` among the children of
        `node` with `list.index`: it is called for them in order, so search from the last."""
        if isText:
            text = subnode.text
            subnode.text = None
        else:
            text = subnode.tail
            subnode.tail = None
        result = self._InlineProcessor__processPlaceholders(text, subnode, isText)
        pos = 0
        if not isText and node is not subnode:
            pos = _position(node, subnode, self.hints.get(node, 0)) + 1
            self.hints[node] = pos + len(result)
        node[pos:pos] = [item[0] for item in result]

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        """InlineProcessor.run, in linear time: it found a tail's place among its siblings with
        `list.index`, inserted elements one by one and took its queue's head from a list."""
        self._compile()
        self.hints: dict[etree.Element, int] = {}
        handle = self._InlineProcessor__handleInline
        placeholders = self._InlineProcessor__processPlaceholders
        self.stashed_nodes: dict[str, etree.Element | str] = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {c: p for p in tree.iter() for c in p}
        stack = deque([(tree, tree_parents)])
        self._InlineProcessor__build_ancestors(tree, tree_parents)
        while stack:
            current, parents = stack.popleft()
            self.ancestors = parents
            if current is not tree:
                self.ancestors.append(current.tag.lower())
            queue = []
            position = 0
            while position < len(current):  # grows as tails are placed after their child
                child = current[position]
                if child.text and not isinstance(child.text, util.AtomicString):
                    self.ancestors.append(child.tag.lower())
                    text = child.text
                    child.text = None
                    lst = placeholders(handle(text), child)
                    for item in lst:
                        self.parent_map[item[0]] = child
                    stack.extend(lst)
                    queue.append((child, lst))
                    self.ancestors.pop()
                if child.tail:
                    tail = handle(child.tail)
                    dumby = etree.Element("d")
                    child.tail = None
                    result = placeholders(tail, dumby, False)
                    if dumby.tail:
                        child.tail = dumby.tail
                    for item in result:
                        self.parent_map[item[0]] = current
                    current[position + 1 : position + 1] = [item[0] for item in result]
                if len(child):
                    self.parent_map[child] = current
                    stack.append((child, self.ancestors[-MAX_DEPTH:]))
                position += 1
            for element, lst in queue:
                element[0:0] = [item[0] for item in lst]
        return tree


def _position(parent: etree.Element, child: etree.Element, hint: int) -> int:
    for i in range(hint, len(parent)):
        if parent[i] is child:
            return i
    return list(parent).index(child)


class LinearFencedBlockPreprocessor(FencedBlockPreprocessor):
    """The fenced_code extension's preprocessor, which rebuilt the whole text around each code
    block it stashed (quadratic in the number of blocks): the text is rebuilt once, and each
    block is paid from the block budget."""

    budget = Budget(0)

    def run(self, lines: list[str]) -> list[str]:
        if not self.checked_for_deps:
            super().run([])  # reads the other extensions' settings
        if self.codehilite_conf or self.use_attr_list:
            return super().run(lines)  # not the extensions Plansign uses
        text = "\n".join(lines)
        search = _FenceSearch(self.FENCED_BLOCK_RE, text)
        parts: list[str] = []
        done = index = 0
        while m := search.next(index):
            lang, id, classes = m.group("lang"), "", []
            if m.group("attrs"):
                attrs, remainder = get_attrs_and_remainder(m.group("attrs"))
                if remainder:  # unbalanced braces: not a fence
                    index = m.end("attrs")
                    continue
                id, classes, _ = self.handle_attrs(attrs)
                lang = classes.pop(0) if classes else None
            id_attr = f' id="{_escape_attrib_html(id)}"' if id else ""
            lang_attr = class_attr = ""
            if lang:
                prefix = self.config.get("lang_prefix", "language-")
                lang_attr = f' class="{prefix}{_escape_attrib_html(lang)}"'
            if classes:
                class_attr = f' class="{_escape_attrib_html(" ".join(classes))}"'
            code = self._escape(m.group("code"))
            code = f"<pre{id_attr}{class_attr}><code{lang_attr}>{code}</code></pre>"
            if not self.budget.spend(BLOCK + len(code) // CHARS_PER_UNIT):
                break  # the rest is shown as written
            parts += (text[done : m.start()], "\n", self.md.htmlStash.store(code), "\n")
            done = index = m.end()
        parts.append(text[done:])
        return "".join(parts).split("\n")


class _FenceSearch:
    """FENCED_BLOCK_RE.search(text, index), which from each opening fence that is never closed
    scans to the end of the text: a fence is only tried if a line closes it further on."""

    def __init__(self, regex: re.Pattern[str], text: str) -> None:
        self.regex, self.text = regex, text
        self.fences = list(_FENCE_LINE.finditer(text))  # where a block can start
        self.starts = [fence.start() for fence in self.fences]
        self.closers: dict[str, list[int]] = {}  # a line of only a fence run: where it ends one
        for fence in self.fences:
            end = text.find("\n", fence.start())
            line = text[fence.start() : end if end >= 0 else len(text)].rstrip(" ")
            if line == fence.group():
                self.closers.setdefault(line, []).append(fence.start())

    def next(self, index: int) -> re.Match[str] | None:
        for i in range(bisect.bisect_left(self.starts, index), len(self.fences)):
            fence = self.fences[i]
            closers = self.closers.get(fence.group(), [])
            if bisect.bisect_right(closers, fence.start()) == len(closers):
                continue  # never closed
            if m := self.regex.match(self.text, fence.start()):
                return m
        return None


_FENCE_LINE = re.compile(r"^(?:~{3,}|`{3,})", re.MULTILINE)


class BoundedHtmlBlockPreprocessor(HtmlBlockPreprocessor):
    """Raw HTML blocks are read up to the point where reading them could cost more than
    HTML_SCAN; after it, tags are left to the inline patterns (and the sanitizer)."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        cut = html_cut(source)
        if cut == len(source):
            return super().run(lines)
        if cut < 0:  # no line break to stop at
            return lines
        head = super().run(source[:cut].split("\n"))
        return head + source[cut:].split("\n")[1:]  # the tail starts with a line break


def html_cut(source: str) -> int:
    """Where the raw HTML reader stops: the whole source, or a line break before the point
    where the worst case of its work (see HTML_SCAN) would exceed the budget; -1 if there is
    no line break before it."""
    tags, amps = source.count("<"), source.count("&")
    if tags * (len(source) + HTML_TAG) + amps * HTML_AMP <= HTML_SCAN:
        return len(source)
    tags = total = cost = 0
    end = len(source)
    for m in _HTML_MARKERS.finditer(source):
        if m.group() == "<":
            tags, total, cost = tags + 1, total + m.start(), cost + HTML_TAG
        else:
            cost += HTML_AMP
        # What reading up to here costs at worst, were the text to end here.
        if tags * m.start() - total + cost > HTML_SCAN:
            end = m.start()
            break
    else:
        return len(source)
    line = source.rfind("\n\n", 0, end)
    return line if line >= 0 else source.rfind("\n", 0, end)


_HTML_MARKERS = re.compile(r"[<&]")


class LinearTableProcessor(TableProcessor):
    """The tables extension's processor, testing a block by its first rows only (it split the
    whole block at each test, and blocks are re-tested after each header peeled off them), and
    splitting a row into cells in linear time."""

    def test(self, parent: etree.Element, block: str) -> bool:
        head = block.split("\n", 2)
        if len(head) < 2:
            return False
        header0 = head[0].strip(" ")
        self.border = 0
        if header0.startswith("|"):
            self.border |= 1
        if self.RE_END_BORDER.search(header0) is not None:
            self.border |= 2
        row0_len = len(self._split_row(header0))
        is_table = row0_len > 1
        if not is_table and row0_len == 1 and self.border:
            # A one-column table needs a pipe on every row: read them all only under a
            # separator row, else a block re-tested after each line peeled off is read again.
            separator = self._split_row(head[1].strip(" "))
            if len(separator) != 1 or not set("".join(separator)) <= set("|:- "):
                return False
            is_table = all(
                row.startswith("|") or self.RE_END_BORDER.search(row) is not None
                for row in (line.strip(" ") for line in block.split("\n")[1:])
            )
        if is_table:
            row = self._split_row(head[1].strip(" "))
            is_table = len(row) == row0_len and set("".join(row)) <= set("|:- ")
            if is_table:
                self.separator = row
        return is_table

    def _split(self, row: str) -> list[str]:
        pipes: list[int] = []
        tics: list[int] = []
        tic_points: list[tuple[int, int, int]] = []
        for m in self.RE_CODE_PIPES.finditer(row):
            if m.group(2):
                tics.append(len(m.group(2)) - 1)
                tic_points.append((m.start(2), m.end(2) - 1, 1))
            elif m.group(3):
                tics.append(len(m.group(3)))
                tic_points.append((m.start(3), m.end(3) - 1, 0))
            elif m.group(5):
                pipes.append(m.start(5))
        # Pair each run of backticks with the next run of its size (the library searched a
        # copy of the rest of the list for it).
        where: dict[int, list[int]] = {}
        for i, size in enumerate(tics):
            where.setdefault(size, []).append(i)
        regions: list[tuple[int, int]] = []
        pos = 0
        while pos < len(tics):
            size = tics[pos] - tic_points[pos][2]
            found = where.get(size, [])
            after = bisect.bisect_right(found, pos)
            if size == 0 or after == len(found):
                pos += 1
                continue
            close = found[after]
            regions.append((tic_points[pos][0], tic_points[close][1]))
            pos = close + 1
        # Keep the pipes outside code: regions are in order and disjoint.
        good_pipes = []
        r = 0
        for pipe in pipes:
            while r < len(regions) and regions[r][1] < pipe:
                r += 1
            if not (r < len(regions) and regions[r][0] <= pipe <= regions[r][1]):
                good_pipes.append(pipe)
        elements = []
        start = 0
        for pipe in good_pipes:
            elements.append(row[start:pipe])
            start = pipe + 1
        elements.append(row[start:])
        return elements
