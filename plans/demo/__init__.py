"""Realistic demo plans that fill every section of the template, written as the Markdown
documents beside this file (`1-offline-sync.md`, …) and read through the importer's reader,
so the demo is also a test of reading: what the demo shows is what a document gives.

`demo_plans()` reads fresh, unsaved content trees on every call; the demo loader attaches them
to a team and an author and saves them (users, teams and sign-off roles are set up in
plans/management/commands/load_demo.py). Nothing here touches the database.
"""

from __future__ import annotations

from pathlib import Path

from plans.content import PlanContent

DOCUMENTS = sorted(Path(__file__).resolve().parent.glob("*.md"))  # long, medium, short


def demo_plans() -> list[PlanContent]:
    """The demo plans, read anew from their documents on every call."""
    from plans.markdown.reader import parse_plan

    return [parse_plan(path.read_text(encoding="utf-8"), path.name).content for path in DOCUMENTS]
