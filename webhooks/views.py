"""A team's webhooks, managed by its editors and maintainers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from plans.access import AuthenticatedRequest
from plans.models import EDITING_ROLES, VIEW_ALL_PERMISSION, Membership, Team
from webhooks.forms import WebhookForm
from webhooks.models import Webhook
from webhooks.services import send_test

DELIVERIES_SHOWN = 50


def get_team_for(request: AuthenticatedRequest, team_id: int) -> Team:
    """The team if the user may manage its webhooks (an editor or maintainer of it); 404 for a
    team they may not see, 403 for one they only read."""
    team = Team.objects.filter(pk=team_id).first()
    role = (
        Membership.objects.filter(team_id=team_id, user=request.user)
        .values_list("role", flat=True)
        .first()
    )
    if team is None or (role is None and not request.user.has_perm(VIEW_ALL_PERMISSION)):
        raise Http404("No such team.")
    if role not in EDITING_ROLES:
        raise PermissionDenied("Only the team's editors manage its webhooks.")
    return team


def _webhook(team: Team, webhook_id: int) -> Webhook:
    hook = Webhook.objects.filter(team=team, pk=webhook_id).first()
    if hook is None:
        raise Http404("No such webhook.")
    return hook


@require_http_methods(["GET", "POST"])
def webhook_list(request: AuthenticatedRequest, team_id: int) -> HttpResponse:
    team = get_team_for(request, team_id)
    form = WebhookForm(request.POST or None)
    if form.is_valid():
        hook = form.save(commit=False)
        hook.team, hook.created_by = team, request.user
        hook.save()
        messages.success(request, "Webhook added: its secret is below, to check signatures.")
        return redirect("webhooks:detail", team_id=team.pk, webhook_id=hook.pk)
    hooks = Webhook.objects.filter(team=team)
    status = 422 if request.method == "POST" else 200
    context = {"team": team, "form": form, "webhooks": hooks}
    return render(request, "webhooks/list.html", context, status=status)


@require_http_methods(["GET", "POST"])
def webhook_detail(request: AuthenticatedRequest, team_id: int, webhook_id: int) -> HttpResponse:
    team = get_team_for(request, team_id)
    hook = _webhook(team, webhook_id)
    form = WebhookForm(request.POST or None, instance=hook)
    if form.is_valid():
        form.save()
        messages.success(request, "Webhook saved.")
        return redirect("webhooks:detail", team_id=team.pk, webhook_id=hook.pk)
    deliveries = list(hook.deliveries.all()[:DELIVERIES_SHOWN])
    status = 422 if request.method == "POST" else 200
    context = {"team": team, "webhook": hook, "form": form, "deliveries": deliveries}
    return render(request, "webhooks/detail.html", context, status=status)


@require_POST
def webhook_test(request: AuthenticatedRequest, team_id: int, webhook_id: int) -> HttpResponse:
    team = get_team_for(request, team_id)
    send_test(webhook=_webhook(team, webhook_id), user=request.user)
    messages.info(request, "Test event sent: its delivery is logged below.")
    return redirect("webhooks:detail", team_id=team.pk, webhook_id=webhook_id)


@require_POST
def webhook_delete(request: AuthenticatedRequest, team_id: int, webhook_id: int) -> HttpResponse:
    team = get_team_for(request, team_id)
    _webhook(team, webhook_id).delete()
    messages.success(request, "Webhook deleted.")
    return redirect("webhooks:list", team_id=team.pk)
