from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from approvals.forms import DecisionForm, RequestForm, RoleFormSet
from approvals.models import SignoffRole
from approvals.services import (
    NOT_ROLE_MANAGER,
    ROLES_FROZEN,
    WaitingLines,
    WorkflowError,
    assign_roles,
    decide,
    ensure_roles,
    request_signoff,
)
from plans.access import AuthenticatedRequest, get_plan_for

WAITING_PER_PAGE = 50


@require_safe
def waiting(request: AuthenticatedRequest) -> HttpResponse:
    """The roles waiting for the user's sign-off, fifty a page: a lead of a large company
    can have a thousand."""
    # Counted with the signed-in user (the navigation shows it): not counted again.
    paginator = Paginator(WaitingLines(request.user), WAITING_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"page": page, "waiting": page.object_list}
    return render(request, "approvals/waiting.html", context)


@require_http_methods(["GET", "POST"])
def roles_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk, perm="edit")
    if not plan.can_manage_signoffs(request.user):
        raise PermissionDenied(NOT_ROLE_MANAGER)
    if not plan.roles_may_change:
        messages.error(request, ROLES_FROZEN)
        return redirect(plan.get_absolute_url() + "#approval")
    roles = list(plan.signoff_roles.current().select_related("assignee")) or [
        SignoffRole(name=name) for name in plan.team.signoff_roles
    ]
    initial = [{"name": r.name, "assignee": r.assignee_id} for r in roles]
    leads = {r.name: r.assignee for r in roles}
    formset = RoleFormSet(
        request.POST or None,
        initial=initial,
        form_kwargs={"plan": plan, "user": request.user, "leads": leads},
        prefix="roles",
    )
    if request.method == "POST" and formset.is_valid():
        kept = [
            (f.cleaned_data["name"], f.cleaned_data["assignee"])
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            assign_roles(plan=plan, user=request.user, assignments=kept)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Sign-off roles saved.")
            return redirect(plan.get_absolute_url() + "#approval")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "approvals/roles.html", {"plan": plan, "formset": formset}, status=status
    )


@require_POST
def signoff_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk, perm="edit")
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(plan.get_absolute_url() + "#approval")
    try:
        ensure_roles(plan)
        named = request_signoff(plan=plan, user=request.user, **form.cleaned_data)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"Sign-off requested for {named.label}: the leads have been notified."
        )
    return redirect(plan.get_absolute_url() + "#approval")


@require_POST
def signoff_decide(request: AuthenticatedRequest, pk: int, role_id: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    role = SignoffRole.objects.current().filter(pk=role_id, plan=plan).first()
    if role is None:
        raise Http404("No such role on this plan.")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or request changes, and give your password.")
        return redirect(plan.get_absolute_url() + "#approval")
    try:
        signoff = decide(
            role=role,
            user=request.user,
            decision=form.cleaned_data["decision"],
            password=form.cleaned_data["password"],
            read_version=form.cleaned_data["version"],
            seen_decision=form.cleaned_data["seen"] or None,
            comment=form.cleaned_data["comment"],
            request=request,
        )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"{signoff.get_decision_display()} as {role.name} on version {signoff.plan_version}.",
        )
    return redirect(plan.get_absolute_url() + "#approval")
