"""The background worker's work: mailing one notification, retried when the mail server fails.

django-tasks-db has no retry of its own: a failed attempt is recorded as failed, and enqueues the
next one to run after a growing delay, until MAX_ATTEMPTS. Only ids and plain data travel to the
worker; the mail is rendered there, from what the database says when it is sent."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import email_wanted, one_line
from plans.models import Plan

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# After the first failed attempt, the second runs a minute later, then 5 minutes, 30 minutes
# and 2 hours: a mail server down for a maintenance window still gets the mail out.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
FALLBACK_TEMPLATE = "notifications/email/default"


@task()
def send_notification_email(
    *,
    notification_id: int,
    subject: str,
    template: str,
    context: dict[str, Any],
    attempt: int = 1,
) -> str:
    notification = (
        Notification.objects.select_related("recipient", "plan", "actor")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return "gone"
    recipient = notification.recipient
    # Who may see the plan, and what they want, is read now: someone removed from the team
    # since, or who turned this kind off, is not mailed.
    if not Plan.objects.visible_to(recipient).filter(pk=notification.plan_id).exists():
        return "no longer sees the plan"
    if not email_wanted(user=recipient, kind=notification.kind):
        return "not wanted"
    message = build_email(notification, subject=subject, template=template, context=context)
    try:
        message.send()
    except Exception:
        if attempt < MAX_ATTEMPTS and _retry(notification_id, subject, template, context, attempt):
            logger.warning(
                "Could not send notification %s to %s (attempt %s of %s); retrying",
                notification_id,
                recipient.email,
                attempt,
                MAX_ATTEMPTS,
                exc_info=True,
            )
        else:
            logger.exception(
                "Could not send notification %s to %s (attempt %s of %s); giving up",
                notification_id,
                recipient.email,
                attempt,
                MAX_ATTEMPTS,
            )
        raise  # this attempt is recorded as failed
    return "sent"


def _retry(
    notification_id: int, subject: str, template: str, context: dict[str, Any], attempt: int
) -> bool:
    """Enqueue the next attempt after its delay; False where the backend cannot defer a task
    (the immediate backend of development runs it in the request: no waiting there)."""
    if not send_notification_email.get_backend().supports_defer:
        return False
    delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
    send_notification_email.using(run_after=timezone.now() + delay).enqueue(
        notification_id=notification_id,
        subject=subject,
        template=template,
        context=context,
        attempt=attempt + 1,
    )
    return True


def build_email(
    notification: Notification, *, subject: str, template: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    """The mail of one notification: a plain-text body and an HTML one, from templates, whose
    links are absolute (SITE_URL)."""
    site = settings.SITE_URL
    variables = {
        **context,
        "notification": notification,
        "plan": notification.plan,
        "recipient": notification.recipient,
        "actor": notification.actor,
        "link": site + notification.url,
        "inbox_link": site + reverse("notifications:inbox"),
        "settings_link": site + reverse("notifications:settings"),
        "site_url": site,
    }
    text = render_to_string([f"{template}.txt", f"{FALLBACK_TEMPLATE}.txt"], variables)
    html = render_to_string([f"{template}.html", f"{FALLBACK_TEMPLATE}.html"], variables)
    message = EmailMultiAlternatives(
        one_line(subject) or notification.text,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient.email],
    )
    message.attach_alternative(html, "text/html")
    return message
