"""axe-core, the accessibility engine, run in the page under test.

The engine ships with the PyPI package axe-playwright-python; it is injected only into test
browser contexts opened with bypass_csp=True, so the app's CSP stays as strict as in production
and the engine is never served by the app.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from axe_playwright_python.sync_playwright import Axe

BLOCKING = ("critical", "serious")
# Beside axe's default rules, one it still calls experimental: a control's accessible name must
# contain its visible text, or speech users cannot say what they see ("Edit" vs "Edit Risks").
OPTIONS = {
    "resultTypes": ["violations"],
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}
# The rules whose answer depends on the colours alone: what a second colour scheme can change.
# Labels, roles and names are the same markup in both, and need not be checked twice.
COLOUR_RULES = ("color-contrast", "link-in-text-block")
_axe = Axe()


@dataclass
class AxeReport:
    name: str
    counts: Counter[str] = field(default_factory=Counter)
    violations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def blocking(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v["impact"] in BLOCKING]

    def summary(self) -> str:
        counts = " ".join(
            f"{impact}={self.counts[impact]}" for impact in (*BLOCKING, "moderate", "minor")
        )
        return f"{self.name:<28} {counts}"

    def details(self) -> str:
        lines = []
        for violation in self.blocking:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            lines.append(
                f"  {violation['impact']}: {violation['id']} x{len(violation['nodes'])}: "
                f"{violation['help']} — {'; '.join(targets)}"
            )
        return "\n".join(lines)


def check(
    page: Any, name: str, context: str | None = None, rules: tuple[str, ...] | None = None
) -> AxeReport:
    """The page's violations (or those of the part `context` selects), each counted once per
    element it was found on; of these `rules` only, if given."""
    options: dict[str, Any] = OPTIONS
    if rules:
        options = {"resultTypes": ["violations"], "runOnly": {"type": "rule", "values": rules}}
    results = _axe.run(page, context=context, options=options)
    report = AxeReport(name)
    for violation in results.response["violations"]:
        report.violations.append(violation)
        report.counts[violation["impact"]] += len(violation["nodes"])
    return report


def assert_no_serious_violations(page: Any, name: str) -> AxeReport:
    report = check(page, name)
    print(report.summary())
    assert not report.blocking, f"{name}: axe finds\n{report.details()}"
    return report
