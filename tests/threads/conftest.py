"""Threads' own cast on top of the shared one: bob, an editor of Payments (a second writer), and
quinn, a viewer of Payments who leads its QA sign-off."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from approvals.models import SignoffRole
from plans.models import Membership, Risk
from tests.conftest import client_for
from tests.factories import make_user
from threads import services

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def quinn(team, plan):
    user = make_user("quinn", first_name="Quinn", last_name="Tester")
    Membership.objects.create(team=team, user=user, role="viewer")
    SignoffRole.objects.create(plan=plan, name="QA Lead", position=1, assignee=user)
    return user


@pytest.fixture
def as_bob(bob):
    return client_for(bob)


@pytest.fixture
def viewers_may_comment(team):
    team.viewers_may_comment = True
    team.save()
    return team


@pytest.fixture
def risk(plan):
    return Risk.objects.get(plan=plan)


@pytest.fixture
def thread(plan, alice):
    return services.start_thread(
        plan=plan, user=alice, section_key="overview", body="Is offline *really* needed?"
    )


@dataclass
class Told:
    """What threads.services._tell was asked to say, by kind: {"mention": [(usernames, text)]}."""

    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)

    def __getitem__(self, kind: str) -> list[set[str]]:
        said = [{u.username for u in c["recipients"]} for c in self.calls if c["kind"] == kind]
        return [people for people in said if people]


@pytest.fixture
def told(monkeypatch):
    recorder = Told()
    monkeypatch.setattr(services, "_tell", recorder)
    return recorder
