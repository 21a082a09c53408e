"""What happened across the plans a person may see: saves, review requests, decisions, the plan
approved, and comments, newest first, one list. A selector: it reads, it never writes.

Each kind of event is read with one query of at most `limit` rows older than `before`, and the
lists are merged: a page costs the same five queries however much history there is, and the next
page starts before the last event shown (no OFFSET, no COUNT over the whole history)."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.urls import reverse_lazy
from django.utils.functional import Promise
from django.utils.text import format_lazy

from plans.models import Plan, PlanVersion


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    kind: str  # "save", "request", "decision", "approved", "comment"
    plan: Plan
    who: User | None
    text: str
    # Lazy: a page reads more events than it shows (each source's newest, then merged), and
    # reversing every one's addresses was a tenth of the activity page (bench/scale.py).
    url: str | Promise
    compare_url: str | Promise = ""


@dataclass(frozen=True)
class Filters:
    team: int | None = None
    # Events of these teams' plans only (a member's own teams, on the dashboard): a filter on
    # each event's plan, where a subquery of the teams' plans made PostgreSQL join every
    # newer event of other teams before dropping it (20 ms at 100,000 plans, bench/scale.py).
    teams: tuple[int, ...] | None = None
    person: str = ""  # a part of a person's name (or user name)
    since: dt.date | None = None
    until: dt.date | None = None
    before: dt.datetime | None = None  # events at or before this moment…
    skip: int = 0  # …but for the first `skip` of them (shown already: they share the moment)


def _by_person(field: str, person: str) -> Q:
    """People are found by their names, as they are shown, or by user name."""
    q = Q()
    for word in person.split():
        q &= (
            Q(**{f"{field}__first_name__icontains": word})
            | Q(**{f"{field}__last_name__icontains": word})
            | Q(**{f"{field}__username__icontains": word})
        )
    return q


def _filtered(
    rows: QuerySet[Any],
    plans: QuerySet[Plan],
    who: str,
    at: str,
    f: Filters,
    plan: str = "plan",
    team: str = "",
) -> Any:
    """`rows` of these plans that match `f`, newest first: `who` names the person field, `at`
    the moment, `plan` the plan and `team` its team (by default, the plan's)."""
    if plans.query.has_filters():  # not every plan (a manager's): check each event's plan
        rows = rows.filter(**{f"{plan}__in": plans})
    if f.team:
        rows = rows.filter(**{team or f"{plan}__team_id": f.team})
    if f.teams is not None:
        rows = rows.filter(**{f"{team or f'{plan}__team_id'}__in": f.teams})
    if f.person:
        rows = rows.filter(_by_person(who, f.person))
    if f.since:
        rows = rows.filter(**{f"{at}__date__gte": f.since})
    if f.until:
        rows = rows.filter(**{f"{at}__date__lte": f.until})
    if f.before:
        rows = rows.filter(**{f"{at}__lte": f.before})
    return rows.order_by(f"-{at}", "-pk")


def _saves(plans: QuerySet[Plan], f: Filters, limit: int) -> Iterator[Event]:
    rows = _filtered(PlanVersion.objects.all(), plans, "author", "created_at", f)
    rows = rows.select_related("plan__team", "author").defer(*Plan.text_fields("plan__"))
    for v in rows[:limit]:
        compare = format_lazy(
            "{}?from={}&to={}",
            reverse_lazy("plans:compare", args=[v.plan_id]),
            v.number - 1,
            v.number,
        )
        yield Event(
            v.created_at,
            "save",
            v.plan,
            v.author,
            f"saved version {v.number}: {v.description}",
            reverse_lazy("plans:version", args=[v.plan_id, v.number]),
            compare if v.number > 1 else "",
        )


def _requests(plans: QuerySet[Plan], f: Filters, limit: int) -> Iterator[Event]:
    named = apps.get_model("plans", "NamedVersion").objects.all()
    rows = _filtered(named, plans, "author", "created_at", f).select_related("plan__team", "author")
    for n in rows.defer(*Plan.text_fields("plan__"))[:limit]:
        summary = f": {n.summary}" if n.summary else ""
        url = format_lazy("{}#approval", reverse_lazy("plans:detail", args=[n.plan_id]))
        yield Event(
            n.created_at,
            "request",
            n.plan,
            n.author,
            f"asked for sign-off on {n.label}{summary}",
            url,
        )


def _decisions(plans: QuerySet[Plan], f: Filters, limit: int) -> Iterator[Event]:
    signoffs = apps.get_model("approvals", "Signoff").objects.all()
    rows = _filtered(signoffs, plans, "user", "created_at", f)
    rows = rows.select_related("plan__team", "user", "role", "named_version")
    for s in rows.defer(*Plan.text_fields("plan__"))[:limit]:
        named = s.named_version.label if s.named_version else f"version {s.plan_version}"
        verb = "approved" if s.decision == "approved" else "requested changes to"
        comment = f": “{s.comment}”" if s.comment else ""
        url = format_lazy("{}#approval", reverse_lazy("plans:detail", args=[s.plan_id]))
        yield Event(
            s.created_at,
            "decision",
            s.plan,
            s.user,
            f"{verb} {named} as {s.role.name}{comment}",
            url,
        )


def _approvals(plans: QuerySet[Plan], f: Filters, limit: int) -> Iterator[Event]:
    """The status changes no person's action names by itself: the plan approved."""
    records = Plan.history.filter(history_change_reason="Approved by every role")
    records = _filtered(records, plans, "history_user", "history_date", f, "id", "team_id")
    # A historical row holds the whole plan as it was then: only when and which are read, and
    # the event names the plan as it is now.
    records = list(records.only("history_id", "id", "history_date", "plan_version")[:limit])
    named = Plan.objects.select_related("team").defer(*Plan.text_fields())
    live = named.in_bulk({r.id for r in records})
    for r in records:
        plan = live.get(r.id)
        if plan is None:
            continue
        url = format_lazy("{}#approval", reverse_lazy("plans:detail", args=[plan.pk]))
        yield Event(
            r.history_date,
            "approved",
            plan,
            None,
            f"approved by every role at version {r.plan_version}",
            url,
        )


def _comments(plans: QuerySet[Plan], f: Filters, limit: int) -> Iterator[Event]:
    comments = apps.get_model("threads", "Comment").objects.filter(deleted_at__isnull=True)
    rows = _filtered(comments, plans, "author", "created_at", f, plan="thread__plan")
    rows = rows.select_related("thread__plan__team", "author")
    for c in rows.defer(*Plan.text_fields("thread__plan__"))[:limit]:
        words = " ".join(c.body.replace("**", "").split())  # a quote, not Markdown: no bold marks
        text = f"commented: “{words[:140]}{'…' if len(words) > 140 else ''}”"
        # threads.services.thread_url, lazily
        url = reverse_lazy("threads:detail", args=[c.thread.plan_id, c.thread_id])
        yield Event(c.created_at, "comment", c.thread.plan, c.author, text, url)


SOURCES = (_saves, _requests, _decisions, _approvals, _comments)


@dataclass(frozen=True)
class Page:
    events: list[Event]
    older: Filters | None  # where the next page starts, if there is one


def feed(plans: QuerySet[Plan], filters: Filters, limit: int = 50) -> Page:
    """The `limit` newest events of these plans that match `filters`, newest first, and where
    the page after them starts."""
    wanted = filters.skip + limit + 1
    lists = [list(source(plans, filters, wanted)) for source in SOURCES]
    merged = list(heapq.merge(*lists, key=lambda e: e.at, reverse=True))[:wanted]
    events = merged[filters.skip : filters.skip + limit]
    if len(merged) < wanted or not events:
        return Page(events, None)
    last = events[-1].at
    shown = sum(1 for e in merged[: filters.skip + limit] if e.at == last)
    return Page(events, replace(filters, before=last, skip=shown))
