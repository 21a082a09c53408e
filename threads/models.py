"""Threads: discussions anchored to a section of a plan, or to one row of it, at the version
they were written on. Threads and comments are recorded by django-simple-history: an edited or
deleted comment keeps what it said in its history.

Who may do what is decided in threads/rules.py; the workflows are threads/services.py."""

from __future__ import annotations

from html import unescape
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from simple_history.models import HistoricalRecords

from plans.markdown.render import render_inline_markdown
from plans.models import Plan, Team
from plans.sections import SECTIONS_BY_KEY, Section

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def plain_text(markdown: str) -> str:
    """A row's text as it reads (its inline Markdown rendered and sanitized), without markup:
    what labels and one-line notices say of it."""
    return " ".join(unescape(strip_tags(render_inline_markdown(markdown))).split())


class ThreadQuerySet(models.QuerySet["Thread"]):
    def unresolved(self) -> ThreadQuerySet:
        return self.filter(resolved_at__isnull=True)

    def resolved(self) -> ThreadQuerySet:
        return self.filter(resolved_at__isnull=False)


class Thread(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="threads")
    section_key = models.CharField(max_length=40)
    # The row, for a thread on one row of a repeatable section: its model's label
    # ("plans.risk") and id. The row may be deleted later; its label (its text when the
    # thread was opened) still says what the thread was about.
    row_model = models.CharField(max_length=100, blank=True)
    row_id = models.PositiveBigIntegerField(null=True, blank=True)
    row_label = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(help_text="The plan version the thread was opened on.")
    # Kept by threads.services with each comment, so that whether the thread is outdated is
    # one SQL expression (threads.selectors) rather than a search for its latest comment.
    commented_version = models.PositiveIntegerField(
        help_text="The plan version its latest comment was written on."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = ThreadQuerySet.as_manager()

    _history_user: User  # who made the change, for simple-history

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(row_model="", row_id__isnull=True)
                | (~Q(row_model="") & Q(row_id__isnull=False)),
                name="thread_row_named_with_its_model",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=False) | Q(resolved_by__isnull=True),
                name="thread_resolver_only_when_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.about} in {self.plan_id}"

    @property
    def section(self) -> Section:
        return SECTIONS_BY_KEY[self.section_key]

    @property
    def about(self) -> str:
        """What the thread is on, as people read it: the section, and the row's text."""
        title = self.section.title
        return f"{title}: {plain_text(self.row_label)}" if self.row_id is not None else title

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def last_comment(self) -> Comment | None:
        """Its latest comment, from the comments read with it (threads.selectors)."""
        comments = list(self.comments.all())
        return comments[-1] if comments else None

    def resolve(self, user: User) -> None:
        self.resolved_at, self.resolved_by = timezone.now(), user
        self._history_user = user
        self.save(update_fields=["resolved_at", "resolved_by"])

    def reopen(self, user: User) -> None:
        self.resolved_at, self.resolved_by = None, None
        self._history_user = user
        self.save(update_fields=["resolved_at", "resolved_by"])


class Comment(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    team = models.ForeignKey(  # its plan's (plans.activity)
        Team, on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("comment", max_length=10_000, help_text="Markdown.")
    version = models.PositiveIntegerField(help_text="The plan version it was written on.")
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["team"])

    _history_user: User

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["-created_at", "-id"],
                include=["team", "deleted_at"],
                name="comment_recent_first",
            )
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_id} on thread {self.thread_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def edit(self, body: str, user: User) -> None:
        self.body, self.edited_at = body, timezone.now()
        self._history_user = user
        self.save(update_fields=["body", "edited_at"])

    def delete_text(self, user: User) -> None:
        """Delete what the comment says: the thread shows "comment deleted" in its place, and
        the text stays in the comment's history."""
        self.body, self.deleted_at = "", timezone.now()
        self._history_user = user
        self.save(update_fields=["body", "deleted_at"])
