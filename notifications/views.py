from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from notifications.forms import PreferenceForm
from notifications.models import Notification, NotificationPreference
from notifications.selectors import count_unread
from notifications.selectors import inbox as inbox_of
from notifications.services import mark_all_read, mark_read, set_email_kinds
from plans.access import AuthenticatedRequest
from plans.models import Plan

NOTIFICATIONS_PER_PAGE = 30


@require_safe
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(inbox_of(request.user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/inbox.html", {"page": page})


@require_POST
def notification_read(request: AuthenticatedRequest, notification_id: int) -> HttpResponse:
    # Someone else's notification is not found: its existence is not revealed.
    mine = (
        Notification.objects.for_inbox(request.user)
        .select_related("plan", "actor")
        .defer(*(f"plan__{name}" for name in Plan.SEARCH_FIELDS))  # 100 KB of a long plan
    )
    notification = get_object_or_404(mine, pk=notification_id)
    mark_read(user=request.user, notification=notification)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(notification.url, None):
        return redirect(notification.url)
    if request.htmx:
        # The count read with the user is from before this change.
        context = {"notifications": [notification], "unread": count_unread(request.user)}
        return render(request, "notifications/inbox.html#read", context)
    return redirect(_inbox_page(request))


@require_POST
def notifications_read_all(request: AuthenticatedRequest) -> HttpResponse:
    if marked := mark_all_read(user=request.user):
        messages.success(request, f"{marked} notification{'s' if marked != 1 else ''} marked read.")
    return redirect(_inbox_page(request))


@require_http_methods(["GET", "POST"])
def notification_settings(request: AuthenticatedRequest) -> HttpResponse:
    preference = NotificationPreference.objects.filter(user=request.user).first()
    data = request.POST if request.method == "POST" else None
    form = PreferenceForm(data, preference=preference)
    if form.is_valid():
        set_email_kinds(user=request.user, kinds=form.cleaned_data["email"])
        messages.success(request, "Your e-mail preferences are saved.")
        return redirect("notifications:settings")
    status = 422 if request.method == "POST" else 200
    return render(request, "notifications/settings.html", {"form": form}, status=status)


def _inbox_page(request: AuthenticatedRequest) -> str:
    page = request.POST.get("page", "")
    return reverse("notifications:inbox") + (f"?page={page}" if page.isdigit() else "")
