"""Who may see and change which plan: the one helper every plan view calls."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, cast

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connections, models, router
from django.db.models.sql import Query
from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails

from plans.models import VIEW_ALL_PERMISSION, Membership, Plan, Team


@dataclass(frozen=True)
class Part:
    """One model's columns in a query written in SQL, in its concrete fields' order."""

    model: type[models.Model]
    fields: tuple[models.Field, ...]
    alias: str

    @property
    def names(self) -> list[str]:
        return [f.attname for f in self.fields]

    @classmethod
    def of(cls, model: type[models.Model], alias: str, *names: str) -> Part:
        """The model's key and the fields of these attribute names."""
        fields = model._meta.concrete_fields
        return cls(model, tuple(f for f in fields if f.primary_key or f.attname in names), alias)


def built(db: str, parts: Sequence[Part], rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """Each row's instances of the parts, from its first columns (in the parts' order), as
    Django's select_related() builds them: each value through the database's and the field's
    converters, the fields not read deferred. A part whose key is NULL (an outer join that
    found nothing) is None."""
    fields = [f for part in parts for f in part.fields]
    compiler = Query(parts[0].model).get_compiler(using=db)
    converters = compiler.get_converters([f.get_col(f.model._meta.db_table) for f in fields])
    read = compiler.apply_converters((row[: len(fields)] for row in rows), converters)
    spans, start = [], 0
    for part in parts:
        names = part.names
        key = start + names.index(part.model._meta.pk.attname)
        spans.append((part.model, names, start, start + len(names), key))
        start += len(names)
    return [
        [None if v[key] is None else m.from_db(db, n, v[a:b]) for m, n, a, b, key in spans]
        for v in read
    ]


@cache
def _plan_query(content: bool) -> tuple[str, tuple[Part, ...]]:
    """The plan, its team and author, the reader's role in the team, whether the reader leads
    one of its current sign-off roles (a lead writes in its threads: threads.rules) and the
    plan's unresolved threads (the review panel says how many block approval on every visit:
    threads open and close without a new version), in one statement. Every plan page runs
    it: written in SQL because Django took longer to build and compile the same query than
    PostgreSQL took to run it (bench/scale.py). What get_plan_for reads of each model is
    Plan.BOOKKEEPING_FIELDS, or without `content` all but Plan.SEARCH_FIELDS."""
    user_model = get_user_model()
    kept = set(Plan.BOOKKEEPING_FIELDS)

    def plan_field(f: models.Field) -> bool:
        return f.name not in Plan.SEARCH_FIELDS if content else f.primary_key or f.name in kept

    def author_field(f: models.Field) -> bool:
        return content or f.primary_key or f"author__{f.name}" in kept

    parts = (
        Part(Plan, tuple(f for f in Plan._meta.concrete_fields if plan_field(f)), "p"),
        Part(Team, tuple(Team._meta.concrete_fields), "t"),
        Part(
            user_model,
            tuple(f for f in user_model._meta.concrete_fields if author_field(f)),
            "u",
        ),
    )
    thread = apps.get_model("threads", "Thread")._meta.db_table
    role = apps.get_model("approvals", "SignoffRole")._meta.db_table
    columns = ", ".join(f"{part.alias}.{f.column}" for part in parts for f in part.fields)
    sql = f"""
        SELECT {columns},
            (SELECT m.role FROM {Membership._meta.db_table} m
             WHERE m.team_id = p.team_id AND m.user_id = %s),
            EXISTS (SELECT 1 FROM {role} r
                    WHERE r.plan_id = p.id AND r.assignee_id = %s AND r.removed_at IS NULL),
            (SELECT COUNT(*) FROM {thread} th WHERE th.plan_id = p.id AND th.resolved_at IS NULL)
        FROM {Plan._meta.db_table} p
        INNER JOIN {Team._meta.db_table} t ON t.id = p.team_id
        INNER JOIN {user_model._meta.db_table} u ON u.id = p.author_id
        WHERE p.id = %s"""
    return sql, parts


def _read_plan(pk: int, user: User, content: bool) -> tuple[Plan, str | None] | None:
    """_plan_query's row as Django's select_related() would have built it (each value through
    the database's and the field's converters, the fields not read deferred), and the
    reader's role in its team (whether they lead a sign-off role is remembered on the plan)."""
    if not 0 < pk < 2**63:  # no such key; SQLite refuses a larger integer
        return None
    sql, parts = _plan_query(content)
    db = router.db_for_read(Plan)
    connection = connections[db]
    with connection.cursor() as cursor:
        cursor.execute(sql, (user.pk, user.pk, pk))
        row = cursor.fetchone()
    if row is None:
        return None
    columns = sum(len(part.fields) for part in parts)
    [instances] = built(db, parts, [row])
    plan, team, author = cast(tuple[Plan, Team, User], tuple(instances))
    Plan._meta.get_field("team").set_cached_value(plan, team)
    Plan._meta.get_field("author").set_cached_value(plan, author)
    role, leads, plan.unresolved_thread_count = row[columns:]
    plan.remember_lead(user, bool(leads))  # SQLite's EXISTS is 0 or 1
    return plan, role


class AuthenticatedRequest(HttpRequest):
    """Every Plansign view but login sits behind LoginRequiredMiddleware."""

    user: User
    htmx: HtmxDetails


def get_plan_for(
    request: HttpRequest,
    pk: int,
    perm: Literal["view", "edit"] = "view",
    *,
    content: bool = True,
) -> Plan:
    """The plan if the user may see it (else 404) and, for "edit", change it (else 403).

    One query for a member of the plan's team: the plan, its team and author, and the user's
    role there. Only a non-member costs the permission check that tells a manager. Without
    `content`, only the plan's bookkeeping is read: for pages that read its content through
    plans.rendered.load_version (which reads the rest when it needs it), if at all."""
    user = request.user
    if not user.is_authenticated:
        raise Http404("No such plan.")
    read = _read_plan(pk, user, content)  # the search columns are large, and for search only
    if read is None:
        raise Http404("No such plan.")
    plan, role = read
    if role is None and not user.has_perm(VIEW_ALL_PERMISSION):
        raise Http404("No such plan.")
    plan.remember_role(user, role)
    if perm == "edit" and not plan.can_edit(user):
        raise PermissionDenied("You can read this plan but not change it.")
    return plan
