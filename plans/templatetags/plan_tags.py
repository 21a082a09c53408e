from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from plans.markdown import render_inline_markdown, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    return render_markdown(text or "")


@register.filter(name="inline_markdown")
def inline_markdown_filter(text: str | None) -> SafeString:
    return render_inline_markdown(text or "")
