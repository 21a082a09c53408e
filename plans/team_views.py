"""A team's settings page: its maintainers set the sign-off rules and who is in the team."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms.formsets import BaseFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans.access import AuthenticatedRequest
from plans.models import VIEW_ALL_PERMISSION, Membership, Team
from plans.services import TeamRuleError, update_team
from plans.team_forms import AddMemberForm, MemberFormSet, TeamSettingsForm


@require_http_methods(["GET", "POST"])
def team_settings(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    team = Team.objects.filter(pk=pk).first()
    members = (
        list(team.memberships.select_related("user").order_by("user__username")) if team else []
    )
    mine = next((m.role for m in members if m.user_id == request.user.pk), None)
    if team is None or (mine is None and not request.user.has_perm(VIEW_ALL_PERMISSION)):
        raise Http404("No such team.")  # as for plans: whom one may not see, one cannot tell
    if mine != Membership.Role.MAINTAINER:
        raise PermissionDenied("Only the team's maintainers change its settings.")
    data = request.POST or None
    form = TeamSettingsForm(data, instance=team)
    initial = [{"user": m.user_id, "role": m.role} for m in members]
    formset = MemberFormSet(data, initial=initial, prefix="members")
    add = AddMemberForm(data, prefix="add")
    if request.method == "POST" and form.is_valid() and formset.is_valid() and add.is_valid():
        known = {m.user_id for m in members}
        levels: dict[int, str | None] = {
            f.cleaned_data["user"]: None if f.cleaned_data["remove"] else f.cleaned_data["role"]
            for f in formset.forms
            if f.cleaned_data.get("user") in known  # a posted id of no member is ignored
        }
        if add.cleaned_data["username"] is not None:
            levels[add.cleaned_data["username"].pk] = add.cleaned_data["role"]
        try:
            update_team(
                team=team,
                user=request.user,
                settings={name: form.cleaned_data[name] for name in form.Meta.fields},
                levels=levels,
            )
        except TeamRuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{team} saved.")
            return redirect("teams:settings", pk=team.pk)
    context = {
        "team": team,
        "form": form,
        "rows": _rows(formset, members),
        "formset": formset,
        "add": add,
        "levels": Membership.Role,
    }
    return render(request, "plans/team_settings.html", context, status=422 if data else 200)


def _rows(formset: BaseFormSet, members: list[Membership]) -> list[tuple[object, Membership]]:
    """Each member's form with the member it is for (a tampered post shows only real ones)."""
    by_id = {m.user_id: m for m in members}
    rows = []
    for form in formset.forms:
        try:
            member = by_id.get(int(form["user"].value()))
        except (TypeError, ValueError):
            member = None
        if member is not None:
            rows.append((form, member))
    return rows
