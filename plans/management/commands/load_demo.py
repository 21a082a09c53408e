"""Load the demo team, users and plans. Safe to run again: what exists is left as it is."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from approvals.services import assign_roles
from plans.apps import MANAGERS_GROUP
from plans.demo import demo_plans
from plans.models import Membership, Plan, Team
from plans.services import create_plan

DEMO_PASSWORD = "plansign-demo"
DEMO_TEAM = "Mobile Platform"
DEMO_USERS = [
    # username, first name, last name, team role (None: no team)
    ("alice", "Alice", "Author", Membership.Role.MAINTAINER),
    ("bob", "Bob", "Lead", Membership.Role.EDITOR),
    ("quinn", "Quinn", "Tester", Membership.Role.EDITOR),
    ("carol", "Carol", "Manager", None),
    ("mallory", "Mallory", "Outsider", None),
]


class Command(BaseCommand):
    help = "Load the demo team, its users (password 'plansign-demo') and realistic plans."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo has well-known passwords: it only loads with DEBUG on.")
        with transaction.atomic():
            created = self.load()
        self.stdout.write(self.style.SUCCESS(f"Demo loaded ({created} new plans)."))

    def load(self) -> int:
        user_model = get_user_model()
        team, _ = Team.objects.get_or_create(name=DEMO_TEAM)
        users = {}
        for username, first, last, role in DEMO_USERS:
            user, new = user_model.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.com",
                },
            )
            if new:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if role is not None:
                Membership.objects.get_or_create(team=team, user=user, defaults={"role": role})
            users[username] = user
        Group.objects.get_or_create(name=MANAGERS_GROUP)[0].user_set.add(users["carol"])
        existing = set(Plan.objects.filter(team=team).values_list("title", flat=True))
        created = 0
        leads = {
            "Product Owner": users["bob"],
            "Technical Lead": users["bob"],
            "QA Lead": users["quinn"],
        }
        for content in demo_plans():
            if content.plan.title not in existing:
                plan = create_plan(team=team, author=users["alice"], content=content)
                assign_roles(
                    plan=plan,
                    user=users["alice"],
                    assignments=[(name, leads.get(name)) for name in team.signoff_roles],
                )
                created += 1
        return created
