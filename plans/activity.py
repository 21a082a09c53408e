"""What happened across the plans a person may see: saves, review requests, decisions, the plan
approved, and comments, newest first, one list. A selector: it reads, it never writes.

The keys of at most `limit` rows of each kind older than `before` are read and merged (in one
query where the database allows, else one a kind), and the events that make the page are read
whole with one query per kind, then their people in one: a page costs the same few queries
however much history there is, and the next page starts before the last event shown (no
OFFSET, no COUNT over the whole history).

Every event's row keeps its plan's team (a plan never changes team), and each kind's index of
its newest rows holds it: the dashboard's events of the viewer's teams are walked in the index
alone. Joined to its plan to learn its team, each kind walked some fifty newer events of other
teams for each one kept: 1.5-2.5 ms a kind at 100,000 plans (bench/scale.py)."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import IntegerField, Q, QuerySet, Value
from django.utils import timezone

from plans.addresses import address_of
from plans.models import Plan, PlanVersion


@dataclass(frozen=True)
class PlanRef:
    """What an event shows of its plan: it is named, not loaded."""

    pk: int
    title: str
    team: str  # the team's name


def _ref(plan: Plan) -> PlanRef:
    return PlanRef(plan.pk, plan.title, plan.team.name)


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    kind: str  # "save", "request", "decision", "approved", "comment"
    plan: PlanRef
    who: User | None
    text: str
    url: str
    compare_url: str = ""
    key: int = 0  # the row's key in its source
    who_id: int | None = None  # the person's key: a page's people are read at once (feed)


# What an event shows of its plan and its person (plan_tags.event_items): the rest of a plan's
# row, read with each of a page's fifty events, was a third of the time taken to load them.
PLAN_SHOWN = ("title", "team__name")
PERSON_SHOWN = ("username", "first_name", "last_name")


def _shown(*paths: str, plan: str = "plan") -> tuple[str, ...]:
    """The fields an event of some source reads: its own `paths` (its person's key among
    them), and what is shown of its plan (reached by `plan`)."""
    return (*paths, *(f"{plan}__{f}" for f in PLAN_SHOWN))


@dataclass(frozen=True)
class Filters:
    team: int | None = None
    # Events of these teams' plans only (a member's own teams, on the dashboard): a filter on
    # each event's own team, where a subquery of the teams' plans made PostgreSQL join every
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
    rows: QuerySet[Any], plans: QuerySet[Plan], who: str, at: str, f: Filters, plan: str = "plan"
) -> Any:
    """`rows` of these plans that match `f`, newest first: `who` names the person field, `at`
    the moment and `plan` the plan. Each row holds its plan's team."""
    if plans.query.has_filters():  # not every plan (a manager's): check each event's plan
        rows = rows.filter(**{f"{plan}__in": plans})
    if f.team:
        rows = rows.filter(team_id=f.team)
    if f.teams is not None:
        rows = rows.filter(team_id__in=f.teams)
    if f.person:
        rows = rows.filter(_by_person(who, f.person))
    if f.since:
        rows = rows.filter(**{f"{at}__date__gte": f.since})
    if f.until:
        rows = rows.filter(**{f"{at}__date__lte": f.until})
    if f.before:
        rows = rows.filter(**{f"{at}__lte": f.before})
    return rows.order_by(f"-{at}", "-pk")


def _saves(plans: QuerySet[Plan], f: Filters) -> QuerySet[Any]:
    return _filtered(PlanVersion.objects.all(), plans, "author", "created_at", f)


def _save_events(keys: list[int]) -> Iterator[Event]:
    # Saves are most of every page: read as values, not as versions with their plan and its
    # team (150 model instances for fifty events: 5.5 ms against 2.8, bench/scale.py).
    rows = PlanVersion.objects.filter(pk__in=keys).values_list(
        *("pk", "plan_id", "number", "author_id", "created_at", "summary", "changed_sections"),
        *(f"plan__{f}" for f in PLAN_SHOWN),
    )
    version_url, compare_url = address_of("plans:version", 2), address_of("plans:compare")
    for pk, plan, number, author, at, summary, changed, title, team in rows:
        yield Event(
            at,
            "save",
            PlanRef(plan, title, team),
            None,
            f"saved version {number}: {PlanVersion.describe(summary, changed)}",
            version_url(plan, number),
            f"{compare_url(plan)}?from={number - 1}&to={number}" if number > 1 else "",
            pk,
            author,
        )


def _requests(plans: QuerySet[Plan], f: Filters) -> QuerySet[Any]:
    named = apps.get_model("plans", "NamedVersion").objects.all()
    return _filtered(named, plans, "author", "created_at", f)


def _request_events(keys: list[int]) -> Iterator[Event]:
    named = apps.get_model("plans", "NamedVersion").objects.filter(pk__in=keys)
    plan_url = address_of("plans:detail")
    shown = _shown("author", "created_at", "label", "summary")
    for n in named.select_related("plan__team").only(*shown):
        summary = f": {n.summary}" if n.summary else ""
        yield Event(
            n.created_at,
            "request",
            _ref(n.plan),
            None,
            f"asked for sign-off on {n.label}{summary}",
            f"{plan_url(n.plan_id)}#approval",
            key=n.pk,
            who_id=n.author_id,
        )


def _decisions(plans: QuerySet[Plan], f: Filters) -> QuerySet[Any]:
    signoffs = apps.get_model("approvals", "Signoff").objects.all()
    return _filtered(signoffs, plans, "user", "created_at", f)


def _decision_events(keys: list[int]) -> Iterator[Event]:
    signoffs = apps.get_model("approvals", "Signoff").objects.filter(pk__in=keys)
    rows = signoffs.select_related("plan__team", "role", "named_version")
    plan_url = address_of("plans:detail")
    shown = _shown(
        *("user", "created_at", "decision", "comment", "plan_version"),
        *("role__name", "named_version__label"),
    )
    for s in rows.only(*shown):
        named = s.named_version.label if s.named_version else f"version {s.plan_version}"
        verb = "approved" if s.decision == "approved" else "requested changes to"
        comment = f": “{s.comment}”" if s.comment else ""
        yield Event(
            s.created_at,
            "decision",
            _ref(s.plan),
            None,
            f"{verb} {named} as {s.role.name}{comment}",
            f"{plan_url(s.plan_id)}#approval",
            key=s.pk,
            who_id=s.user_id,
        )


APPROVED = "Approved by every role"


def _approvals(plans: QuerySet[Plan], f: Filters) -> QuerySet[Any]:
    """The status changes no person's action names by itself: the plan approved."""
    records = Plan.history.filter(history_change_reason=APPROVED)
    return _filtered(records, plans, "history_user", "history_date", f, "id")


def _approval_events(keys: list[int]) -> Iterator[Event]:
    # A historical row holds the whole plan as it was then: only when and which are read, and
    # the event names the plan as it is now.
    records = list(
        Plan.history.filter(pk__in=keys).only("history_id", "id", "history_date", "plan_version")
    )
    named = Plan.objects.select_related("team").only(*PLAN_SHOWN)
    live = named.in_bulk({r.id for r in records})
    plan_url = address_of("plans:detail")
    for r in records:
        plan = live.get(r.id)
        if plan is None:
            continue
        yield Event(
            r.history_date,
            "approved",
            _ref(plan),
            None,
            f"approved by every role at version {r.plan_version}",
            f"{plan_url(plan.pk)}#approval",
            key=r.pk,
        )


def _comments(plans: QuerySet[Plan], f: Filters) -> QuerySet[Any]:
    comments = apps.get_model("threads", "Comment").objects.filter(deleted_at__isnull=True)
    return _filtered(comments, plans, "author", "created_at", f, plan="thread__plan")


def _comment_events(keys: list[int]) -> Iterator[Event]:
    comments = apps.get_model("threads", "Comment").objects.filter(pk__in=keys)
    rows = comments.select_related("thread__plan__team")
    thread_url = address_of("threads:detail", 2)  # threads.services.thread_url's
    shown = _shown("author", "created_at", "body", plan="thread__plan")
    for c in rows.only(*shown):
        words = " ".join(c.body.replace("**", "").split())  # a quote, not Markdown: no bold marks
        text = f"commented: “{words[:140]}{'…' if len(words) > 140 else ''}”"
        url = thread_url(c.thread.plan_id, c.thread_id)
        yield Event(
            c.created_at,
            "comment",
            _ref(c.thread.plan),
            None,
            text,
            url,
            key=c.pk,
            who_id=c.author_id,
        )


@dataclass(frozen=True)
class Source:
    """One kind of event: its rows of some plans that match the filters (newest first, with
    the name of their moment), and the events of some of those rows, by key."""

    rows: Callable[[QuerySet[Plan], Filters], QuerySet[Any]]
    at: str
    events: Callable[[list[int]], Iterator[Event]]


SOURCES = (
    Source(_saves, "created_at", _save_events),
    Source(_requests, "created_at", _request_events),
    Source(_decisions, "created_at", _decision_events),
    Source(_approvals, "history_date", _approval_events),
    Source(_comments, "created_at", _comment_events),
)


@dataclass(frozen=True)
class Page:
    events: list[Event]
    older: Filters | None  # where the next page starts, if there is one


def _keyed(plans: QuerySet[Plan], filters: Filters, wanted: int) -> list[QuerySet[Any]]:
    return [
        src.rows(plans, filters)
        .annotate(source=Value(i, output_field=IntegerField()))
        .values_list(src.at, "source", "pk")[:wanted]
        for i, src in enumerate(SOURCES)
    ]


# The union's SQL and parameters, as Django compiled them, by everything they are made of:
# the plans' own SQL (a member's teams are a join in it, read when it runs: who sees what is
# never kept), the filters, the count and the time zone (a day's bounds). Building and
# compiling the five querysets and their union took Django 4.4 ms for 1.1 ms of SQL on
# every activity page and dashboard (bench/scale.py). Kept per process, at most _UNIONS_KEPT.
_UNIONS: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
_UNIONS_KEPT = 1000


def _union_sql(
    plans: QuerySet[Plan], filters: Filters, wanted: int
) -> tuple[str, tuple[Any, ...]] | None:
    """The union's SQL and parameters, or None where it can match nothing (no plan, no team:
    Django compiles no SQL for those)."""
    try:
        scope = plans.query.sql_with_params() if plans.query.has_filters() else None
        key = (connection.alias, scope, filters, wanted, timezone.get_current_timezone_name())
        compiled = _UNIONS.get(key)
        if compiled is None:
            first, *rest = _keyed(plans, filters, wanted)
            union = first.union(*rest, all=True).order_by(f"-{SOURCES[0].at}", "source", "-pk")
            sql, params = union[:wanted].query.sql_with_params()
            if len(_UNIONS) >= _UNIONS_KEPT:  # another thread may clear it too: no harm
                _UNIONS.clear()
            compiled = _UNIONS[key] = (sql, tuple(params))
    except EmptyResultSet:
        return None
    return compiled


def _newest_keys(
    plans: QuerySet[Plan], filters: Filters, wanted: int
) -> list[tuple[dt.datetime, int, int]]:
    """The `wanted` newest (moment, source, key) of every source, newest first; of one moment,
    the sources in their order, each newest key first.

    Where the database takes a LIMIT in each part of a UNION (PostgreSQL), one query: five
    queries cost Django more than their SQL (about 0.6 ms each to build and run for 0.3 ms of
    index walk, bench/scale.py's dashboard), and its compiled SQL is kept (_union_sql).
    Elsewhere (SQLite) one query a source, merged."""
    if connection.features.supports_slicing_ordering_in_compound:
        compiled = _union_sql(plans, filters, wanted)
        if compiled is None:
            return []
        with connection.cursor() as cursor:
            cursor.execute(*compiled)
            return [tuple(row) for row in cursor.fetchall()]
    merged = heapq.merge(
        *(list(k) for k in _keyed(plans, filters, wanted)), key=lambda k: k[0], reverse=True
    )
    return list(merged)[:wanted]


def feed(plans: QuerySet[Plan], filters: Filters, limit: int = 50) -> Page:
    """The `limit` newest events of these plans that match `filters`, newest first, and where
    the page after them starts.

    Keys first: each source's newest (moment, key) pairs are read bare, merged, and only the
    events that make the page are read whole, with their plan and team, then their people at
    once. Reading every source's candidates whole built five times the objects a page shows;
    joined to each kind's rows, the people table was read whole into a hash for fifty of them
    (bench/scale.py)."""
    wanted = filters.skip + limit + 1
    merged = _newest_keys(plans, filters, wanted)
    page = merged[filters.skip : filters.skip + limit]
    older = None
    if len(merged) == wanted and page:
        last = page[-1][0]
        shown = sum(1 for k in merged[: filters.skip + limit] if k[0] == last)
        older = replace(filters, before=last, skip=shown)
    loaded: dict[tuple[int, int], Event] = {}
    for i, src in enumerate(SOURCES):
        keys = [pk for _, source, pk in page if source == i]
        if keys:
            loaded.update(((i, e.key), e) for e in src.events(keys))
    # An approval whose plan is gone since is not shown; the page is one event shorter.
    events = [loaded[(i, pk)] for _, i, pk in page if (i, pk) in loaded]
    people = User.objects.only(*PERSON_SHOWN).in_bulk({e.who_id for e in events if e.who_id})
    return Page([replace(e, who=people.get(e.who_id)) for e in events], older)
