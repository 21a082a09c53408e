"""Personal access tokens: created (the secret shown once), listed, revoked by their owner."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import TokenForm
from api.models import ApiToken
from plans.access import AuthenticatedRequest

MAX_TOKENS = 50  # live tokens a person may hold
NEW_SECRET = "api-new-token-secret"


@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    # The secret crosses the redirect in the session and leaves it on the next page: shown once,
    # and a reload of that page neither shows it again nor makes another token.
    secret = request.session.pop(NEW_SECRET, None) if request.method == "GET" else None
    if request.method == "POST" and form.is_valid():
        if tokens.count() >= MAX_TOKENS:
            form.add_error(None, f"You have {MAX_TOKENS} tokens: revoke one first.")
        else:
            _, request.session[NEW_SECRET] = ApiToken.issue(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
            return redirect("tokens:list")
    status = 422 if request.method == "POST" and form.errors else 200
    context = {"form": form, "tokens": list(tokens), "secret": secret, "now": timezone.now()}
    return render(request, "api/tokens.html", context, status=status)


@require_POST
def token_revoke(request: AuthenticatedRequest, token_id: int) -> HttpResponse:
    # Someone else's token is not found: its existence is not revealed.
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked_at__isnull=True)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("tokens:list")
