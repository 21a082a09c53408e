from __future__ import annotations

import datetime as dt
import re

from plans.charts import timeline
from plans.content import risk_matrix
from plans.models import Goal, Plan, Risk
from tests.factories import make_plan


def test_the_risk_matrix_counts_risks_per_impact_and_likelihood():
    risks = [
        Risk(risk="Clock skew", impact="high", likelihood="medium"),
        Risk(risk="Quota", impact="high", likelihood="medium"),
        Risk(risk="Typos", impact="low", likelihood="high"),
    ]
    matrix = risk_matrix(risks)
    assert [[len(c.risks) for c in row] for row in matrix] == [[0, 2, 0], [0, 0, 0], [0, 0, 1]]
    high_impact = matrix[0]
    assert [c.likelihood for c in high_impact] == ["low", "medium", "high"]
    assert [r.risk for r in high_impact[1].risks] == ["Clock skew", "Quota"]
    assert high_impact[1].severity == "critical"
    assert matrix[2][2].severity == "medium"


def test_the_plan_page_shows_the_matrix_readable_without_colour(as_alice, plan):
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    # Its accessible name is its text, visible or not: speech users say what they see.
    assert (
        '<span class="visually-hidden">High impact, low likelihood: </span>'
        '<span class="count">1</span><span class="visually-hidden"> risk,</span> '
        '<span class="sev-label">medium<span class="visually-hidden"> severity</span></span>'
    ) in html
    assert "<li>Risk 1</li>" in html


def test_the_timeline_draws_each_phase_and_marks_deployment_and_today(plan):
    chart = timeline(plan, dt.date(2026, 2, 1))
    assert [b.label for b in chart.bars] == ["Planning", "Development", "Testing"]
    development = chart.bars[1]
    assert development.width > chart.bars[0].width  # longer phase, longer bar
    assert [m.label for m in chart.markers] == ["Deployment", "Today"]
    assert chart.missing == []
    assert chart.ticks and all(150 <= t.x <= 600 for t in chart.ticks)  # a date axis


def test_the_date_axis_marks_weeks_months_or_quarters_by_the_span_never_crowded():
    from plans.charts import MAX_TICKS, axis_dates

    weeks = axis_dates(dt.date(2026, 3, 3), dt.date(2026, 4, 1))
    assert [label for _, label in weeks] == ["Mar 9", "Mar 16", "Mar 23", "Mar 30"]
    months = axis_dates(dt.date(2026, 3, 3), dt.date(2026, 6, 20))
    assert [label for _, label in months] == ["Apr 2026", "May", "Jun"]
    years = axis_dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1))
    assert 0 < len(years) <= MAX_TICKS
    assert axis_dates(dt.date(2026, 3, 3), dt.date(2026, 3, 3)) == []


def test_the_timeline_says_what_is_missing_instead_of_drawing_nonsense(plan):
    Plan.objects.filter(pk=plan.pk).update(
        planning_start=None, planning_end=None, testing_end=None, deployment_date=None
    )
    plan.refresh_from_db()
    chart = timeline(plan, dt.date(2030, 1, 1))
    assert [b.label for b in chart.bars] == ["Development"]
    assert chart.missing == [
        "Planning is not scheduled",
        "Testing has no end date",
        "Deployment has no target date",
        "Today (2030-01-01) is after the timeline",
    ]


def test_no_dates_at_all_draws_nothing(team, alice, as_alice):
    plan = make_plan(
        team,
        alice,
        **{
            f"{p}_{e}": None
            for p in ("planning", "development", "testing")
            for e in ("start", "end")
        },
        deployment_date=None,
    )
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    assert "No timeline to draw yet: Planning is not scheduled" in html
    assert 'aria-labelledby="timeline-title"' not in html


def test_phase_bars_are_proportional_to_effort(team, alice, as_alice):
    plan = make_plan(team, alice, rows=2)
    from plans.models import Phase

    first, second = Phase.objects.filter(plan=plan)
    Phase.objects.filter(pk=first.pk).update(effort=10)
    Phase.objects.filter(pk=second.pk).update(effort=5)
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    widths = [float(w) for w in re.findall(r'<rect x="150" y="\d+" width="([\d.]+)"', html)]
    assert widths[0] == 2 * widths[1]


def test_the_outline_marks_empty_sections_and_counts_completeness(team, alice, as_alice):
    plan = make_plan(team, alice)
    Goal.objects.filter(plan=plan).delete()
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    assert "<strong>14 of 15</strong> sections written" in html
    assert re.search(r'outline-empty"><a href="#goals">Primary Goals</a> <span class="badge', html)
