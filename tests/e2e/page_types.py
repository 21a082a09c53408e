"""Every page type of the app, with a demo user who may see it: the accessibility check and
the screenshots walk this one list."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse

from approvals.services import request_signoff
from plans.content import PlanContent
from plans.models import Plan
from plans.sections import SECTIONS, SECTIONS_BY_KEY
from plans.services import save_section
from threads.services import start_thread


@dataclass(frozen=True)
class PageType:
    name: str
    url: str
    user: str | None  # None: a page for people not signed in
    # What the page adds to a page type already walked: an editor's page is the plan's page (the
    # "plan" type) with one section open, so only that section is photographed whole and
    # checked by axe (axe's page-wide rules, duplicate ids among them, still see every element).
    part: str | None = None


def review_under_way() -> Plan:
    """The demo with one plan sent for review and a thread on it, so that sign-offs, the
    inbox and the review panel have something to show."""
    users = get_user_model().objects
    alice, bob = users.get(username="alice"), users.get(username="bob")
    plan = Plan.objects.get(title="Offline Sync")
    content = PlanContent.from_plan(plan)
    overview = content.plan.overview + "\n\n- [x] Field trial with two teams\n- [ ] Sign-off"
    edited = copy.copy(content.plan)
    edited.overview = overview
    new = dataclasses.replace(content, plan=edited)
    save_section(
        plan=plan,
        section=SECTIONS_BY_KEY["overview"],
        new=new,
        user=alice,
        opened_version=plan.version,
        summary="Tasks for the field trial",
    )
    plan.refresh_from_db()
    start_thread(plan=plan, user=bob, section_key="risks", body="Is clock skew **really** low?")
    request_signoff(plan=plan, user=alice, summary="First full draft for review.")
    return plan


def page_types() -> list[PageType]:
    plan = review_under_way()
    pk, last = plan.pk, plan.version
    pages = [
        PageType("sign-in", reverse("login"), None),
        PageType("password-reset", reverse("password_reset"), None),
        PageType("dashboard", reverse("dashboard"), "alice"),
        PageType("plan-list", reverse("plans:list"), "alice"),
        PageType("search", reverse("plans:list") + "?q=clock+sk", "alice"),
        PageType("plan-new", reverse("plans:create"), "alice"),
        PageType("import", reverse("plans:import"), "alice"),
        PageType("plan", plan.get_absolute_url(), "alice"),
        PageType("plan-as-lead", plan.get_absolute_url(), "bob"),
        PageType("history", reverse("plans:history", args=[pk]), "carol"),
        PageType("compare", reverse("plans:compare", args=[pk]) + f"?from=1&to={last}", "carol"),
        PageType("old-version", reverse("plans:version", args=[pk, 1]), "carol"),
        PageType("activity", reverse("plans:activity"), "carol"),
        PageType("threads", reverse("threads:list", args=[pk]), "bob"),
        PageType("sign-offs", reverse("approvals:waiting"), "bob"),
        PageType("inbox", reverse("notifications:inbox"), "bob"),
        PageType("inbox-settings", reverse("notifications:settings"), "bob"),
        PageType("team-settings", reverse("teams:settings", args=[plan.team_id]), "alice"),
        PageType("password-change", reverse("password_change"), "alice"),
    ]
    pages += [
        PageType(
            f"edit-{section.key}",
            reverse("plans:section_edit", args=[pk, section.key]),
            "alice",
            part=f"section#{section.anchor}",
        )
        for section in SECTIONS
        if section.editable
    ]
    return pages
