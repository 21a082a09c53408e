from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from plans.content import PhaseContent
from plans.recording import fit
from threads.models import Comment, Thread, plain_text
from threads.rules import Rights

register = template.Library()

ROW_TEXT_IN_LABEL = 80


@register.filter
def changeable_by(comment: Comment, rights: Rights | None) -> bool:
    """Whether the reader may edit or delete the comment (its author, while it may change)."""
    return rights is not None and rights.change_refusal(comment, comment.thread) is None


@register.filter
def resolvable_by(thread: Thread, rights: Rights | None) -> bool:
    return rights is not None and rights.resolve_refusal(thread) is None


@register.simple_tag(takes_context=True)
def row_comment(context: template.Context, row: Any) -> SafeString | str:
    """A row's *Comment* link, for readers who may comment: it opens a new thread's form in
    the section's thread box (or on its own page, without JavaScript). Rendered into the
    sections kept per version, so it depends on nothing but `may_comment`. Its word is drawn
    by the stylesheet and its name is its label, so the row's cell reads as it did.

    The link is as short as it can be: its address once (static/js/plansign.js opens it into
    the section's thread box) and its name, with no tooltip repeating the name beside the row
    it names. A 100-row-a-section plan has 1,000 of them: with hx-get, hx-target, hx-swap and
    a title they were 291 KB of its 493 KB page (bench/scale.py)."""
    if not context.get("may_comment") or getattr(row, "pk", None) is None:
        return ""
    section, plan = context["section"], context["plan"]
    text = plain_text(str(row.phase if isinstance(row, PhaseContent) else row))
    url = f"{reverse('threads:new', args=[plan.pk])}?section={section.key}&row={row.pk}"
    return format_html(
        '<a class="row-comment" href="{}" aria-label="Comment on {}"></a>',
        url,
        fit(text, ROW_TEXT_IN_LABEL),
    )
