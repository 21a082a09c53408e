"""Telling people what concerns them: notify() records it in their inboxes and, after the
action's transaction commits, has the background worker mail those who want it."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.json import normalize_json

from notifications.models import Notification, NotificationPreference
from notifications.selectors import who_may_see
from plans.models import Plan

logger = logging.getLogger(__name__)

TEXT_LENGTH = Notification._meta.get_field("text").max_length or 300
URL_LENGTH = Notification._meta.get_field("url").max_length or 500


def one_line(text: str) -> str:
    """A mail header, or a line of the inbox, holds one line: whitespace collapsed."""
    return " ".join(text.split())


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User | None],
    kind: str,
    plan: Plan,
    actor: User | None,
    text: str,
    url: str,
    email_subject: str = "",
    email_template: str = "",
    context: Mapping[str, Any] | None = None,
) -> list[Notification]:
    """Tell each recipient who may see the plan (once, and never the actor) what happened.

    Called inside the transaction of the action it reports: the rows are part of it, and the
    e-mails (to those who want this kind by e-mail and have an address) are handed to the
    background worker only once it commits, so a rolled-back action sends nothing. `url` is a
    path within the site ("/plans/3/#approval"); mails make it absolute with SITE_URL.
    `email_template` names the pair of templates `<name>.txt` and `<name>.html` (default
    "notifications/email/<kind>"); they see `context`, which must be plain data (it travels to
    the worker as JSON), and the notification, its plan, recipient and actor, and `link`."""
    if kind not in Notification.Kind.values:
        raise ValueError(f"Unknown kind of notification: {kind!r}.")
    if not url.startswith("/") or url.startswith(("//", "/\\")) or one_line(url) != url:
        raise ValueError(f"A notification's url is a path within the site, not {url!r}.")
    if len(url) > URL_LENGTH:
        raise ValueError(f"A notification's url is at most {URL_LENGTH} characters.")
    ids = {user.pk for user in recipients if user is not None}
    if actor is not None:
        ids.discard(actor.pk)
    if not ids:
        return []
    people = list(_people(ids, plan))
    line = one_line(text)
    if len(line) > TEXT_LENGTH:
        line = line[: TEXT_LENGTH - 1] + "…"
    notifications = Notification.objects.bulk_create(
        Notification(recipient=person, kind=kind, plan=plan, actor=actor, text=line, url=url)
        for person in people
    )
    mail = {
        "subject": one_line(email_subject) or line,
        "template": email_template or f"notifications/email/{kind}",
        "context": normalize_json(dict(context or {})),  # TypeError unless plain data
    }
    for person, notification in zip(people, notifications, strict=True):
        if email_wanted(user=person, kind=kind):
            transaction.on_commit(
                lambda pk=notification.pk: _enqueue_email(pk, **mail),  # type: ignore[misc]
                robust=True,
            )
    return notifications


def _people(ids: set[int], plan: Plan) -> QuerySet[User]:
    return (
        get_user_model()
        .objects.filter(pk__in=ids)
        .filter(who_may_see(plan))
        .select_related("notification_preference")
        .order_by("pk")
    )


def _wants_email(user: User, kind: str) -> bool:
    try:
        preference = user.notification_preference
    except NotificationPreference.DoesNotExist:
        return True
    return bool(preference.wants_email(kind))


def _enqueue_email(notification_id: int, **mail: Any) -> None:
    from notifications.tasks import send_notification_email

    send_notification_email.enqueue(notification_id=notification_id, **mail)


@transaction.atomic
def mark_read(*, user: User, notification: Notification) -> None:
    if notification.recipient_id != user.pk:
        raise PermissionError("Only its recipient marks a notification read.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


@transaction.atomic
def mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())


def email_wanted(*, user: User, kind: str) -> bool:
    """Whether the user wants this kind by e-mail, and has an address to send it to."""
    return bool(user.email) and _wants_email(user, kind)


def set_email_kinds(*, user: User, kinds: Iterable[str]) -> NotificationPreference:
    """Keep the kinds the user wants by e-mail; every other kind is turned off."""
    wanted = set(kinds)
    off = [kind for kind in Notification.Kind.values if kind not in wanted]
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_off": off}
    )
    return preference
