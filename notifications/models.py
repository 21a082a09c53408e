"""What people hear of: one row per person and event, shown in their inbox, and mailed to them
when they want that kind by e-mail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from plans.models import VIEW_ALL_PERMISSION, Plan

if TYPE_CHECKING:
    from plans.models import AnyUser


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_inbox(self, user: AnyUser) -> NotificationQuerySet:
        """The user's notifications of plans they may still see: someone who left a team no
        longer hears of its plans, not even of what was said while they were in it."""
        if not user.is_authenticated:
            return self.none()
        mine = self.filter(recipient=user)
        if user.has_perm(VIEW_ALL_PERMISSION):
            return mine
        return mine.filter(plan__in=Plan.objects.visible_to(user).values("pk"))

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Kind(models.TextChoices):
        # The labels finish "E-mail me when …" on the preferences page.
        REVIEW_REQUESTED = "review_requested", "I am asked to sign off a plan"
        DECIDED = "decided", "A lead approves my plan or requests changes"
        MENTION = "mention", "Someone mentions me"
        REPLY = "reply", "Someone replies in a thread I take part in"
        PLAN_APPROVED = "plan_approved", "A plan I work on is approved"
        BACK_IN_REVIEW = "back_in_review", "An approved plan I work on is back in review"
        ROLES_CHANGED = "roles_changed", "The sign-off roles of a plan I work on change"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # Room for more kinds (threads resolved, …): a new choice needs no change of the column.
    kind = models.CharField(max_length=32, choices=Kind.choices)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=300, help_text="What happened, in one line.")
    url = models.CharField(
        max_length=500, help_text="Where to look, as a path within the site: /plans/3/#approval."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="/")
                & ~Q(url__startswith="//")
                & ~Q(url__startswith="/\\"),
                name="notification_url_is_a_path",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}: {self.text}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """Which kinds also come by e-mail. Every kind does unless the person turned it off, so
    that a kind added later reaches people without asking them first."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_off = models.JSONField(
        default=list, blank=True, help_text="Kinds of notification not sent by e-mail."
    )

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"

    def wants_email(self, kind: str) -> bool:
        return kind not in self.email_off
