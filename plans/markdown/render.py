"""The one place Markdown becomes HTML: rendered with `markdown`, sanitized with nh3.

Any text a user may type renders in bounded time (see plans/markdown_bounds.py), and the cache
of rendered texts is bounded by size, not by count: it keeps short texts (rows, small sections),
which are rendered over and over, and never holds more than CACHE_CHARS characters.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable

import markdown as md
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from plans.markdown_bounds import BoundsExtension

EXTENSIONS = ["fenced_code", "tables", "sane_lists", "smarty"]

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p",
    "pre", "s", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "th": {"align", "style"},
    "td": {"align", "style"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}

CACHED_TEXT_CHARS = 4_000  # longer texts are rendered each time (their pages are cached)
CACHE_CHARS = 8_000_000  # text and HTML of every kept rendering together


class RenderCache:
    """Renderings kept by the size of their text and HTML; the least recently used go first."""

    def __init__(self, chars: int) -> None:
        self.chars = chars
        self.used = 0
        self.kept: OrderedDict[str, SafeString] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, text: str) -> SafeString | None:
        with self.lock:
            html = self.kept.get(text)
            if html is not None:
                self.kept.move_to_end(text)
            return html

    def put(self, text: str, html: SafeString) -> None:
        with self.lock:
            if text in self.kept:
                return
            self.kept[text] = html
            self.used += len(text) + len(html)
            while self.used > self.chars:
                old, old_html = self.kept.popitem(last=False)
                self.used -= len(old) + len(old_html)

    def clear(self) -> None:
        with self.lock:
            self.kept.clear()
            self.used = 0


_rendered = RenderCache(CACHE_CHARS)
_rendered_inline = RenderCache(CACHE_CHARS // 4)


def render_inline_markdown(text: str) -> SafeString:
    """Sanitized HTML for one line of Markdown (a row's text): emphasis, code and links only."""
    return _cached(_rendered_inline, text, _render_inline)


def render_markdown(text: str) -> SafeString:
    """Sanitized HTML for a Markdown text. Pure in its input, so short texts are kept."""
    return _cached(_rendered, text, _render)


def _cached(cache: RenderCache, text: str, render: Callable[[str], SafeString]) -> SafeString:
    if len(text) > CACHED_TEXT_CHARS:
        return render(text)
    html = cache.get(text)
    if html is None:
        html = render(text)
        cache.put(text, html)
    return html


# A row's cell is one line of at most 1,000 characters, and a page may show thousands of them:
# a cell with more link, image, HTML or code openers than this is shown as written, escaped.
# Each such opener costs Python-Markdown a scan of the rest of the line; a person's cell holds
# a few (a link or two, some code), while a cell of 500 "[a" cost 60 to 110 ms, and 500 rows of
# them timed the plan page out.
INLINE_OPENERS_MAX = 16
_OPENERS = re.compile(r"[\[<!`]")


def _render_inline(text: str) -> SafeString:
    if len(_OPENERS.findall(text, 0, 4 * CACHED_TEXT_CHARS)) > INLINE_OPENERS_MAX:
        return escape(text)
    html = str(render_markdown(text))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(html)


def _render(text: str) -> SafeString:
    if not text:
        return mark_safe("")
    # A new extension for each text: it holds the text's work budget.
    html = md.markdown(text, extensions=[*EXTENSIONS, BoundsExtension()], output_format="html")
    return mark_safe(task_boxes(sanitize(html)))


# "- [x] done" and "- [ ] to do", as GitHub shows them: a list item that starts with a box.
# Read from the sanitized HTML, so that only this fixed markup is added: the box is shown, not
# a control (disabled: the text is changed in the editor), and says its state to screen readers.
_TASK = re.compile(r"<li>(\s*<p>)?\[([ xX])\]\s")
_BOX = '<input type="checkbox" disabled{} aria-label="{}"> '


def task_boxes(html: str) -> str:
    if "[" not in html:
        return html

    def box(match: re.Match[str]) -> str:
        done = match.group(2) != " "
        return (
            f'<li class="task-item">{match.group(1) or ""}'
            f"{_BOX.format(' checked' if done else '', 'done' if done else 'not done')}"
        )

    return _TASK.sub(box, html)


def sanitize(html: str) -> str:
    # nh3 reads each character reference back at a cost of microseconds (100,000 `&` in a text
    # took 170 ms): the three the HTML writer makes pass it as private-use characters instead.
    swap = not any(char in html for char in _REFERENCES.values())
    if swap:
        for reference, char in _REFERENCES.items():
            html = html.replace(reference, char)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )
    if swap:
        for reference, char in _REFERENCES.items():
            clean = clean.replace(char, reference)
    return clean


_REFERENCES = {"&amp;": "\ue000", "&lt;": "\ue001", "&gt;": "\ue002"}
