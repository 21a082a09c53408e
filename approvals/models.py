"""Sign-off roles of a plan and the decisions leads take on exact versions of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from plans.models import LineField, Plan, Team


class SignoffRoleQuerySet(models.QuerySet["SignoffRole"]):
    def current(self) -> SignoffRoleQuerySet:
        """The roles the plan needs now: a removed role stays only for its decisions' sake."""
        return self.filter(removed_at__isnull=True)


class SignoffRole(models.Model):
    """A role whose sign-off the plan needs (Product Owner…), and the lead assigned to it.

    A role that has decisions is never deleted: removing it sets `removed_at`, so that its
    decisions stay in the record."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="signoff_roles")
    name = LineField(max_length=100)
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
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["latest"])

    objects = SignoffRoleQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            # Every page counts the signed-in lead's waiting roles (accounts.backends): read
            # from the index alone, not from a heap page per role (a lead of 200 teams' plans
            # has a thousand roles; 7 ms → 2 ms at 100,000 plans, bench/scale.py).
            models.Index(
                fields=["assignee", "plan", "latest"],
                condition=models.Q(removed_at__isnull=True),
                name="signoffrole_of_assignee",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "name"],
                condition=models.Q(removed_at__isnull=True),
                name="signoffrole_unique_current_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} for {self.plan}"


class Signoff(models.Model):
    """One role's decision on one version of a plan, bound to the content hash of that version."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="signoffs")
    team = models.ForeignKey(  # the plan's (plans.activity)
        Team, on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )
    # A decision outlives its role's removal (see SignoffRole); it goes only with its plan.
    role = models.ForeignKey(SignoffRole, on_delete=models.RESTRICT, related_name="signoffs")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signoffs"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()
    plan_version = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    # The name the version was under review as (1.0, 1.1…), when it was decided.
    named_version = models.ForeignKey(
        "plans.NamedVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["team"])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["-created_at", "-id"], include=["team"], name="signoff_recent_first"
            )
        ]
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
        named = (
            f"{self.named_version.label} (version {self.plan_version})"
            if (self.named_version_id and self.named_version)
            else f"version {self.plan_version}"
        )
        return f"{name}, {named}, sha256:{self.content_hash[:12]}"


class RoleChange(models.Model):
    """One change to a plan's sign-off roles or leads: who changed what, when. Append-only, and
    shown in the plan's review panel, so that nobody changes who signs without it being seen."""

    class Kind(models.TextChoices):
        ADDED = "added", "added"
        REASSIGNED = "reassigned", "reassigned"
        REMOVED = "removed", "removed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="role_changes")
    role = models.ForeignKey(SignoffRole, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    role_name = LineField(max_length=100)
    had_decisions = models.BooleanField(default=False)
    old_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["added", "reassigned", "removed"]),
                name="rolechange_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role_name} {self.kind} on {self.plan}"
