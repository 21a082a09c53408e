"""Small factory helpers with sensible defaults: a plan is built as content, saved as version 1."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from plans.content import PhaseContent, PlanContent
from plans.models import (
    ApiEndpoint,
    DocumentationUpdate,
    FeatureFlag,
    Goal,
    Membership,
    OpenQuestion,
    Phase,
    Plan,
    Risk,
    SuccessCriterion,
    Task,
    Team,
    TeamMember,
    UserStory,
)
from plans.services import create_plan

PASSWORD = "correct-horse-battery"


def make_user(username: str, **fields: Any) -> User:
    fields.setdefault("email", f"{username}@example.com")
    return get_user_model().objects.create_user(username, password=PASSWORD, **fields)


def make_team(name: str = "Payments", **members: str) -> Team:
    """make_team("Payments", alice="editor", bob="viewer") with users that already exist."""
    team = Team.objects.create(name=name)
    for username, role in members.items():
        user = get_user_model().objects.get(username=username)
        Membership.objects.create(team=team, user=user, role=role)
    return team


def make_content(
    title: str = "Offline Sync", rows: int = 1, tasks: int = 2, **fields: Any
) -> PlanContent:
    """Content with `rows` rows in every repeatable section and `tasks` tasks per phase."""
    defaults: dict[str, Any] = {
        "overview": "Let people **edit offline**.",
        "architecture": "A sync queue on the device.",
        "data_models": "```typescript\ninterface Edit { id: string; }\n```",
        "dependencies": "- IndexedDB",
        "unit_tests": "Queue logic.",
        "integration_tests": "Sync against a real server.",
        "acceptance_tests": "Field trial with five users.",
        "deployment_strategy": "Staged rollout.",
        "rollback_plan": "Turn the flag off.",
        "planning_start": dt.date(2026, 1, 5),
        "planning_end": dt.date(2026, 1, 16),
        "development_start": dt.date(2026, 1, 19),
        "development_end": dt.date(2026, 3, 13),
        "testing_start": dt.date(2026, 3, 2),
        "testing_end": dt.date(2026, 3, 27),
        "deployment_date": dt.date(2026, 4, 1),
    }
    plan = Plan(title=title, **{**defaults, **fields})
    r = range(1, rows + 1)
    return PlanContent(
        plan=plan,
        goals=[Goal(text=f"Goal {i}") for i in r],
        success_criteria=[SuccessCriterion(text=f"Criterion {i}") for i in r],
        user_stories=[
            UserStory(sentence=f"As a nurse, I want to act {i} so that it helps") for i in r
        ],
        api_endpoints=[
            ApiEndpoint(endpoint=f"/api/edits/{i}", method="POST", response="Edit") for i in r
        ],
        phases=[
            PhaseContent(
                Phase(name=f"Phase {i}", effort=Decimal("2.5"), deliverables="A release"),
                [Task(text=f"Task {i}.{j}") for j in range(1, tasks + 1)],
            )
            for i in r
        ],
        feature_flags=[FeatureFlag(name=f"flag_{i}", description="Gates sync") for i in r],
        risks=[
            Risk(risk=f"Risk {i}", impact="high", likelihood="low", mitigation="Test") for i in r
        ],
        team_members=[TeamMember(name=f"Member {i}", role="Engineer") for i in r],
        documentation_updates=[DocumentationUpdate(text=f"Doc {i}") for i in r],
        open_questions=[OpenQuestion(text=f"Question {i}?", resolved=i % 2 == 0) for i in r],
    )


def make_plan(team: Team, author: User, **kwargs: Any) -> Plan:
    return create_plan(team=team, author=author, content=make_content(**kwargs))


def sign_as(role: Any, user: User, decision: str = "approved", **kwargs: Any) -> Any:
    """`user`'s decision in `role`, as the plan page posts it: on the current version, having
    seen the role's latest decision, with the right password."""
    from django.test import RequestFactory

    from approvals.models import SignoffRole
    from approvals.services import decide

    role = SignoffRole.objects.get(pk=role.pk)
    kwargs.setdefault("read_version", Plan.objects.get(pk=role.plan_id).version)
    kwargs.setdefault("password", PASSWORD)
    kwargs.setdefault("seen_decision", role.latest_id)
    kwargs.setdefault("request", RequestFactory().post("/", REMOTE_ADDR="192.0.2.1"))
    return decide(role=role, user=user, decision=decision, **kwargs)


def make_notification(plan: Plan, recipient: User, **fields: Any) -> Any:
    """A notification in `recipient`'s inbox, written directly (notify() decides who gets one)."""
    from notifications.models import Notification

    fields.setdefault("kind", Notification.Kind.REVIEW_REQUESTED)
    fields.setdefault("text", f"Sign-off requested: {plan.title}")
    fields.setdefault("url", f"{plan.get_absolute_url()}#approval")
    return Notification.objects.create(plan=plan, recipient=recipient, **fields)
