"""Sign-off roles of a plan and the decisions leads take on exact versions of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from plans.models import Plan


class SignoffRole(models.Model):
    """A role whose sign-off the plan needs (Product Owner…), and the lead assigned to it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="signoff_roles")
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signoff_roles",
    )
    # The role's latest decision, kept by approvals.services.decide in the same transaction,
    # so that a plan's Approval table is one query. Every decision stays in Signoff.
    latest = models.ForeignKey(
        "Signoff",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["latest"])

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="signoffrole_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} for {self.plan}"


class Signoff(models.Model):
    """One role's decision on one version of a plan, bound to the content hash of that version."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="signoffs")
    role = models.ForeignKey(SignoffRole, on_delete=models.CASCADE, related_name="signoffs")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signoffs"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()
    plan_version = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__in=["approved", "changes_requested"]),
                name="signoff_decision_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role.name}: {self.get_decision_display()} v{self.plan_version}"

    @property
    def signature(self) -> str:
        name = self.user.get_full_name() or self.user.username
        return f"{name}, version {self.plan_version}, sha256:{self.content_hash[:12]}"
