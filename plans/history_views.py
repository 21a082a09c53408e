"""History: the versions of a plan, a plan as it was, two versions compared, a restore, activity."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from plans.access import AuthenticatedRequest, get_plan_for
from plans.activity import Filters, feed
from plans.content import PlanContent
from plans.diff import diff_plans
from plans.forms import quick_selects
from plans.models import Plan, PlanVersion, Team
from plans.rendered import cached, version_facts, version_key
from plans.services import EditConflict, PlanArchived, restore_version
from plans.versions import content_at, status_at
from plans.views import page_context

VERSIONS_PER_PAGE = 50
ACTIVITY_PER_PAGE = 50


def _version_or_404(plan: Plan, number: object) -> PlanVersion:
    try:
        n = int(str(number))
    except ValueError:
        raise Http404("No such version.") from None
    version = plan.versions.select_related("author").filter(number=n).first()
    if version is None:
        raise Http404("No such version.")
    return version


@require_safe
def plan_history(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk, content=False)
    versions = plan.versions.select_related("author").order_by("-number")
    page = Paginator(versions, VERSIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "plan": plan,
        "page": page,
        "may_edit": plan.can_edit(request.user),
        **review_marks(plan, [v.number for v in page]),
    }
    return render(request, "plans/history.html", context)


def review_marks(plan: Plan, numbers: list[int]) -> dict[str, object]:
    """What the History marks (the names versions were reviewed under, the versions approved)
    and the comparison it offers first: the last two named versions, or the last named one
    with the current version."""
    named = list(plan.named_versions.order_by("created_at", "id"))
    labels: dict[int, list[str]] = {}
    for n in named:
        labels.setdefault(n.number, []).append(n.label)
    approved = Plan.history.filter(  # the status changes recorded at these versions
        id=plan.pk, plan_version__in=numbers, history_change_reason="Approved by every role"
    ).values_list("plan_version", flat=True)
    last = plan.version
    to = named[-1].number if len(named) >= 2 else last
    since = [n.number for n in named if n.number < to]
    start = since[-1] if since else max(1, last - 1)
    return {"labels": labels, "approved": set(approved), "compare_from": start, "compare_to": to}


@require_safe
def version_detail(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    plan = get_plan_for(request, pk, content=False)
    version = _version_or_404(plan, number)
    context = {**page_context(request, plan, number=version.number), "old_version": version}
    if version.number < plan.version:  # status and sign-offs as they were, not today's
        context |= then(plan, version.number, context["content"])
    return render(request, "plans/plan_detail.html", context)


def then(plan: Plan, number: int, whole: PlanContent) -> dict[str, object]:
    """What an old version's page shows of the review: the status and each role's decision as
    they were when the next version was saved. Fixed from then on, so kept as rendered."""
    from approvals.services import ApprovalPanel, states_at

    facts = version_facts(plan, number, whole)  # from the page's own load of the version
    panel = ApprovalPanel(states_at(plan, number, facts), False, False, [], [], [])
    return {
        "status_plan": Plan(status=status_at(plan, number)),
        "approval": panel,
        "approval_table_key": f"then:{version_key(plan, number)}",
    }


@require_safe
def version_compare(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    if "from" not in request.GET or "to" not in request.GET:
        return redirect("plans:history", pk=plan.pk)
    old = _version_or_404(plan, request.GET["from"])
    new = _version_or_404(plan, request.GET["to"])

    def compare() -> str:
        diffs = diff_plans(content_at(plan, old.number), content_at(plan, new.number))
        changed = [d for d in diffs if d.changed]
        unchanged = [d.section for d in diffs if not d.changed]
        return render_to_string(
            "plans/_compare_body.html", {"changed": changed, "unchanged": unchanged}
        )

    # Two saved versions never change, nor does what differs between them: the comparison is
    # kept as rendered (reading and diffing two far-apart versions of a long plan takes about
    # a second). Who saved them and the plan's title are read anew, around it.
    key = f"compare:{version_key(plan, old.number)}:{version_key(plan, new.number)}"
    context = {"plan": plan, "old": old, "new": new, "body": mark_safe(cached(key, compare))}
    return render(request, "plans/compare.html", context)


@require_POST
def version_restore(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    plan = get_plan_for(request, pk, perm="edit")
    version = _version_or_404(plan, number)
    form = RestoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Confirm the restore with the button on the version's page.")
        return redirect("plans:version", pk=plan.pk, number=version.number)
    try:
        new = restore_version(
            plan=plan,
            number=version.number,
            user=request.user,
            opened_version=form.cleaned_data["current"],
        )
    except PlanArchived as archived:
        messages.error(request, str(archived))
        return redirect(plan)
    except EditConflict as conflict:
        who = ", ".join(sorted({str(v.author) for v in conflict.versions}))
        messages.warning(
            request,
            f"The plan changed since you looked ({who}); nothing was restored. "
            f"Review version {version.number} against the current plan again.",
        )
        return redirect("plans:version", pk=plan.pk, number=version.number)
    if new is None:
        messages.info(request, f"The plan already reads like version {version.number}.")
    else:
        messages.success(request, f"Version {version.number} restored as version {new.number}.")
    return redirect(plan)


class RestoreForm(forms.Form):
    current = forms.IntegerField(min_value=1)
    confirm = forms.BooleanField(required=True)


class ActivityFilter(forms.Form):
    team = forms.ModelChoiceField(Team.objects.none(), required=False, empty_label="All teams")
    person = forms.CharField(required=False, max_length=150, label="Person (name)")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    before = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    skip = forms.IntegerField(
        required=False, min_value=0, max_value=10_000, widget=forms.HiddenInput
    )

    def __init__(self, *args: object, user: Any, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The teams the user sees: every team for a manager (not a scan of every plan for theirs).
        self.fields["team"].queryset = Team.objects.visible_to(user).names()  # type: ignore[attr-defined]
        quick_selects(self)
        for name, field in self.fields.items():
            css = "form-select" if name == "team" else "form-control"
            field.widget.attrs["class"] = f"{css} form-control-sm"

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        data = {**self.cleaned_data, "team": getattr(self.cleaned_data["team"], "pk", None)}
        return Filters(**{k: v for k, v in data.items() if v not in (None, "")})


@require_safe
def activity(request: AuthenticatedRequest) -> HttpResponse:
    plans = Plan.objects.visible_to(request.user)
    form = ActivityFilter(request.GET or None, user=request.user)
    page = feed(plans, form.filters(), limit=ACTIVITY_PER_PAGE)
    older = request.GET.copy()
    if page.older and page.older.before:
        older["before"], older["skip"] = page.older.before.isoformat(), str(page.older.skip)
    context = {"form": form, "events": page.events, "older": page.older and older.urlencode()}
    return render(request, "plans/activity.html", context)
