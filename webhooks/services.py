"""Telling a team's webhooks what happened: emit() is the one call each workflow makes.

Called inside the workflow's transaction: the deliveries are recorded with it, and handed to
the background worker only once it commits (a rolled-back action is told to nobody). The body
is made now, so that what is sent (and signed) is what happened, whenever it is delivered."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from webhooks.models import Delivery, Event, Webhook

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from plans.models import Plan


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def payload(event: str, plan: Plan, actor: User | None, data: dict[str, Any] | None = None) -> str:
    body = {
        "event": event,
        "occurred_at": timezone.now().isoformat(),
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "status": plan.status,
            "version": plan.version,
            "team": {"id": plan.team_id, "name": plan.team.name},
        },
        "version": plan.version,
        "link": f"{settings.SITE_URL}{plan.get_absolute_url()}",
        "actor": actor.username if actor is not None else None,
        "data": data or {},
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def emit(
    *, event: str, plan: Plan, actor: User | None, data: dict[str, Any] | None = None
) -> list[Delivery]:
    """Record one delivery per active webhook of the plan's team that wants `event`."""
    if event not in Event.values:
        raise ValueError(f"Unknown webhook event: {event!r}.")
    hooks = [
        h for h in Webhook.objects.filter(team_id=plan.team_id, active=True) if event in h.events
    ]
    if not hooks:
        return []
    body = payload(event, plan, actor, data)
    deliveries = [Delivery.objects.create(webhook=h, event=event, body=body) for h in hooks]
    _send_after_commit(deliveries)
    return deliveries


def send_test(*, webhook: Webhook, user: User) -> Delivery:
    """A "ping" to this webhook alone, whatever events it wants: does the receiver answer?"""
    body = {
        "event": Event.PING,
        "occurred_at": timezone.now().isoformat(),
        "team": {"id": webhook.team_id, "name": webhook.team.name},
        "actor": user.username,
        "data": {"message": "A test event from Plansign."},
    }
    delivery = Delivery.objects.create(
        webhook=webhook, event=Event.PING, body=json.dumps(body, separators=(",", ":"))
    )
    _send_after_commit([delivery])
    return delivery


def _send_after_commit(deliveries: list[Delivery]) -> None:
    from webhooks.tasks import deliver_webhook

    ids = [d.pk for d in deliveries]

    def enqueue() -> None:
        for delivery_id in ids:
            deliver_webhook.enqueue(delivery_id=delivery_id)

    transaction.on_commit(enqueue)
