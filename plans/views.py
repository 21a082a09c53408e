from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from plans.access import AuthenticatedRequest, get_plan_for
from plans.content import PlanContent
from plans.models import Membership, Plan
from plans.sections import DEFAULT_SIGNOFF_ROLES, SECTIONS

PLANS_PER_PAGE = 25


@require_safe
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    visible = Plan.objects.visible_to(request.user).active().select_related("team", "author")
    context = {
        "my_drafts": visible.filter(author=request.user, status=Plan.Status.DRAFT)[:10],
        "recent": visible[:10],
        "memberships": Membership.objects.filter(user=request.user).select_related("team"),
    }
    return render(request, "plans/dashboard.html", context)


@require_safe
def plan_list(request: AuthenticatedRequest) -> HttpResponse:
    plans = Plan.objects.visible_to(request.user).select_related("team", "author")
    show_archived = request.GET.get("archived") == "1"
    plans = plans if show_archived else plans.active()
    query = request.GET.get("q", "").strip()[:200]
    if query:
        plans = plans.filter(Q(title__icontains=query) | Q(overview__icontains=query))
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "show_archived": show_archived}
    return render(request, "plans/plan_list.html", context)


@require_safe
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    context = {
        "plan": plan,
        "content": PlanContent.from_plan(plan),
        "sections": SECTIONS,
        "versions": plan.versions.select_related("author").order_by("number"),
        "can_edit": plan.can_edit(request.user),
        "approval_roles": DEFAULT_SIGNOFF_ROLES,
    }
    return render(request, "plans/plan_detail.html", context)
