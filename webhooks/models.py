"""A team's webhooks: where to tell which events, and the log of every delivery."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from plans.models import Team


class Event(models.TextChoices):
    PLAN_CREATED = "plan.created", "Plan created"
    VERSION_SAVED = "version.saved", "Version saved"
    SIGNOFF_REQUESTED = "signoff.requested", "Sign-off requested"
    SIGNOFF_DECIDED = "signoff.decided", "Sign-off decided"
    PLAN_APPROVED = "plan.approved", "Plan approved"
    PLAN_BACK_IN_REVIEW = "plan.back_in_review", "Plan back in review"
    THREAD_OPENED = "thread.opened", "Thread opened"
    THREAD_RESOLVED = "thread.resolved", "Thread resolved"
    PING = "ping", "Test event"


def new_secret() -> str:
    return secrets.token_hex(32)


class Webhook(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField("URL", max_length=500)
    secret = models.CharField(max_length=100, default=new_secret)
    events = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.team}: {self.url}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        RETRYING = "retrying", "Failed, will retry"
        FAILED = "failed", "Failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event.choices)
    # The exact bytes sent (as text): the signature is over them, and a retry sends them again.
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    # What went wrong, or the start of the answer: never more (it may hold anything).
    outcome = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook.url}"
