"""The Markdown reader and writer, as the API uses them: one place to follow them if they move."""

from __future__ import annotations

from plans.markdown.reader import ImportResult, parse_plan
from plans.markdown.writer import content_hash, write_plan

__all__ = ["ImportResult", "content_hash", "parse_plan", "write_plan"]
