"""Who may do what with threads: the one place the services, the views and the templates ask.

Everyone who reads a plan (plans.access.get_plan_for) reads its threads. Its editors (and
maintainers) and its current sign-off leads write in them and resolve or reopen any of them;
its viewers write too when their team allows it, and resolve or reopen the threads they
started. Managers outside the team read. Only its author edits or deletes a comment, while the
thread is open. An archived plan's threads change no more than the plan does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from approvals.models import SignoffRole
from plans.models import EDITING_ROLES, Membership, Plan

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from threads.models import Comment, Thread

ARCHIVED = "This plan is archived: its threads are read-only until an editor restores it."
READ_ONLY = (
    "You can read this plan's threads but not write in them: its editors and leads do, and "
    "its viewers when the team allows it."
)
NOT_YOURS_TO_RESOLVE = (
    "Only the plan's editors and leads, and whoever started this thread, resolve or reopen it."
)
NOT_YOUR_COMMENT = "Only its author can change a comment."
RESOLVED = "This thread is resolved: reopen it first."
DELETED = "This comment was deleted."


@dataclass
class Rights:
    """What one user may do with the threads of one plan. Asks the database at most once
    (whether the user leads a sign-off role), and only for someone who is not an editor."""

    plan: Plan
    user: User

    @cached_property
    def role(self) -> str | None:
        return self.plan.role_of(self.user)

    @cached_property
    def leads(self) -> bool:
        known = self.plan.known_lead(self.user)  # read with the plan by a page
        if known is not None:
            return known
        return (
            SignoffRole.objects.current()
            .filter(plan_id=self.plan.pk, assignee_id=self.user.pk)
            .exists()
        )

    @cached_property
    def moderates(self) -> bool:
        """Writes in every thread and resolves or reopens any of them."""
        return self.role in EDITING_ROLES or self.leads

    @cached_property
    def takes_part(self) -> bool:
        """Starts threads and replies."""
        viewer_allowed = self.role == Membership.Role.VIEWER and self.plan.team.viewers_may_comment
        return viewer_allowed or self.moderates

    def comment_refusal(self) -> str | None:
        """Why the user may not start a thread or reply, or None if they may."""
        if not self.takes_part:
            return READ_ONLY
        return ARCHIVED if self.plan.is_archived else None

    @property
    def may_comment(self) -> bool:
        return self.comment_refusal() is None

    def resolve_refusal(self, thread: Thread) -> str | None:
        """Why the user may not resolve or reopen this thread, or None if they may."""
        if not self.takes_part:
            return READ_ONLY
        if not self.moderates and thread.created_by_id != self.user.pk:
            return NOT_YOURS_TO_RESOLVE
        return ARCHIVED if self.plan.is_archived else None

    def change_refusal(self, comment: Comment, thread: Thread) -> str | None:
        """Why the user may not edit or delete this comment, or None if they may."""
        if comment.author_id != self.user.pk or not self.takes_part:
            return NOT_YOUR_COMMENT
        if self.plan.is_archived:
            return ARCHIVED
        if thread.is_resolved:
            return RESOLVED
        return DELETED if comment.is_deleted else None


def rights_for(plan: Plan, user: User) -> Rights:
    return Rights(plan, user)
