"""Who may see and change which plan: the one helper every plan view calls."""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails

from plans.models import Plan


class AuthenticatedRequest(HttpRequest):
    """Every Plansign view but login sits behind LoginRequiredMiddleware."""

    user: User
    htmx: HtmxDetails


def get_plan_for(request: HttpRequest, pk: int, perm: Literal["view", "edit"] = "view") -> Plan:
    """The plan if the user may see it (else 404) and, for "edit", change it (else 403)."""
    plan = (
        Plan.objects.visible_to(request.user)
        .select_related("team", "author")
        .prefetch_related("team__memberships")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404("No such plan.")
    if perm == "edit" and not plan.can_edit(request.user):
        raise PermissionDenied("You can read this plan but not change it.")
    return plan
