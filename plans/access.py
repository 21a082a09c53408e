"""Who may see and change which plan: the one helper every plan view calls."""

from __future__ import annotations

from functools import cache
from typing import Literal

from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails

from plans.models import VIEW_ALL_PERMISSION, Membership, Plan

# The reader's role in the plan's team, as a column of the plan's query. Written in SQL because
# every plan page runs it: Django took about 2 ms to compile the same subquery from the ORM.
_READER_ROLE_SQL = f"""
    SELECT role FROM {Membership._meta.db_table} m
    WHERE m.team_id = {Plan._meta.db_table}.team_id AND m.user_id = %s
"""


@cache
def _unresolved_threads_sql() -> str:
    """The plan's unresolved threads, counted with the plan: the review panel says how many
    block approval on every visit (threads open and close without a new version)."""
    thread = apps.get_model("threads", "Thread")._meta.db_table
    return (
        f"SELECT COUNT(*) FROM {thread} t "
        f"WHERE t.plan_id = {Plan._meta.db_table}.id AND t.resolved_at IS NULL"
    )


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
    plans = Plan.objects.select_related("team", "author")
    # The search columns are large, and for search only.
    plans = plans.defer(*Plan.SEARCH_FIELDS) if content else plans.only(*Plan.BOOKKEEPING_FIELDS)
    try:
        plan = plans.annotate(
            reader_role=RawSQL(_READER_ROLE_SQL, (user.pk,)),
            unresolved_thread_count=RawSQL(_unresolved_threads_sql(), ()),
        ).get(pk=pk)
    except Plan.DoesNotExist:
        raise Http404("No such plan.") from None
    if plan.reader_role is None and not user.has_perm(VIEW_ALL_PERMISSION):
        raise Http404("No such plan.")
    plan.remember_role(user, plan.reader_role)
    if perm == "edit" and not plan.can_edit(user):
        raise PermissionDenied("You can read this plan but not change it.")
    return plan
