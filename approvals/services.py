"""The review workflow: every transition is a checked service function in one transaction.

draft → in review (request_signoff) → approved (the last valid approval); "changes requested"
sends the plan back to draft; any content change makes sign-offs stale and an approved plan
goes back to in review (see plans.services). Emails leave only after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from approvals.models import Signoff, SignoffRole
from plans.content import PlanContent
from plans.markdown_export import ApprovalRow, content_hash
from plans.models import Plan
from plans.recording import writing_version

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PASSWORD_ATTEMPTS = 5
PASSWORD_WINDOW_SECONDS = 15 * 60


class WorkflowError(Exception):
    """A transition that is not allowed now; the message says why, for the person."""


@dataclass
class RoleState:
    role: SignoffRole
    signoff: Signoff | None
    current_hash: str

    @property
    def is_stale(self) -> bool:
        return self.signoff is not None and self.signoff.content_hash != self.current_hash

    @property
    def approved(self) -> bool:
        return (
            self.signoff is not None
            and self.signoff.decision == Signoff.Decision.APPROVED
            and not self.is_stale
        )


def role_states(plan: Plan, current_hash: str) -> list[RoleState]:
    """Each role of the plan with its latest decision: two queries."""
    roles = list(plan.signoff_roles.select_related("assignee"))
    latest = {
        s.role_id: s
        for s in Signoff.objects.filter(plan=plan).latest_per_role().select_related("user")
    }
    return [RoleState(role, latest.get(role.pk), current_hash) for role in roles]


def ensure_roles(plan: Plan) -> None:
    """A plan starts with its team's roles, unassigned."""
    if not plan.signoff_roles.exists():
        SignoffRole.objects.bulk_create(
            SignoffRole(plan=plan, name=name, position=i)
            for i, name in enumerate(plan.team.signoff_roles, start=1)
        )


def _set_status(plan: Plan, status: str, *, user: User, reason: str) -> None:
    """A status change is not a content change: recorded in the plan's history at its version."""
    plan.status = status
    with writing_version(number=plan.version, user=user, summary=reason, now=timezone.now()) as w:
        w.save(plan)


def _lock(plan: Plan) -> Plan:
    return (
        Plan.objects.select_related("team", "author")
        .select_for_update(of=("self",))
        .get(pk=plan.pk)
    )


@transaction.atomic
def assign_roles(*, plan: Plan, user: User, assignments: Sequence[tuple[str, User | None]]) -> None:
    """Replace the plan's roles (names in order, each with its lead). Drafts only."""
    locked = _lock(plan)
    if locked.status != Plan.Status.DRAFT:
        raise WorkflowError("Roles can only change while the plan is a draft.")
    names = [name.strip() for name, _ in assignments]
    if len(set(names)) != len(names) or not all(names):
        raise WorkflowError("Each role needs a name, and names must differ.")
    existing = {r.name: r for r in locked.signoff_roles.all()}
    keep = []
    for position, (name, assignee) in enumerate(assignments, start=1):
        role = existing.pop(name.strip(), None) or SignoffRole(plan=locked, name=name.strip())
        role.position, role.assignee = position, assignee
        role.save()
        keep.append(role.pk)
    for role in existing.values():
        role.delete()


@transaction.atomic
def request_signoff(*, plan: Plan, user: User) -> None:
    locked = _lock(plan)
    if locked.is_archived:
        raise WorkflowError("An archived plan cannot be reviewed.")
    if locked.status != Plan.Status.DRAFT:
        raise WorkflowError("Sign-off can only be requested for a draft.")
    roles = list(locked.signoff_roles.select_related("assignee"))
    if not roles:
        raise WorkflowError("Add at least one sign-off role first.")
    missing = [r.name for r in roles if r.assignee is None]
    if missing:
        raise WorkflowError(f"Assign a lead to every role first: {', '.join(missing)}.")
    _set_status(locked, Plan.Status.IN_REVIEW, user=user, reason="Sign-off requested")
    plan.status = locked.status
    leads = {r.assignee for r in roles if r.assignee is not None}
    url = reverse("plans:detail", args=[locked.pk]) + "#approval"
    for lead in leads:
        names = ", ".join(r.name for r in roles if r.assignee == lead)
        _mail(
            lead,
            f"Sign-off requested: {locked.title}",
            f"{_name(user)} asks you to sign off “{locked.title}” (version {locked.version}) "
            f"as {names}.\n\nRead it and decide: {url}\n",
        )


def check_password(user: User, password: str) -> None:
    """Re-authentication for a signature, with failed attempts limited per user."""
    key = f"signoff-password-failures:{user.pk}"
    failures = cache.get(key, 0)
    if failures >= PASSWORD_ATTEMPTS:
        raise WorkflowError("Too many wrong passwords. Wait 15 minutes and try again.")
    if not user.check_password(password):
        cache.set(key, failures + 1, PASSWORD_WINDOW_SECONDS)
        raise WorkflowError("That password is not right.")
    cache.delete(key)


@transaction.atomic
def decide(
    *,
    role: SignoffRole,
    user: User,
    decision: str,
    password: str,
    read_version: int,
    comment: str = "",
) -> Signoff:
    """Record one role's decision on the version the lead read (approve or request changes)."""
    locked = _lock(role.plan)
    role = SignoffRole.objects.select_related("assignee").get(pk=role.pk, plan=locked)
    if role.assignee_id != user.pk or not locked.can_edit(user):
        raise WorkflowError("Only the lead assigned to this role can sign it.")
    if locked.author_id == user.pk and not locked.team.allow_self_signoff:
        raise WorkflowError("Authors cannot sign off their own plan in this team.")
    if locked.status != Plan.Status.IN_REVIEW:
        raise WorkflowError("This plan is not waiting for sign-off.")
    if read_version != locked.version:
        raise WorkflowError(
            f"The plan changed since you read it (now version {locked.version}): read it again."
        )
    if decision == Signoff.Decision.CHANGES_REQUESTED and not comment.strip():
        raise WorkflowError("Say what needs to change in the comment.")
    check_password(user, password)
    content = PlanContent.from_plan(locked)
    current_hash = content_hash(content)
    states = role_states(locked, current_hash)
    if decision == Signoff.Decision.APPROVED:
        others_approved = all(s.approved for s in states if s.role.pk != role.pk)
        open_questions = [q for q in content.open_questions if not q.resolved]
        if others_approved and open_questions:
            raise WorkflowError(
                f"{len(open_questions)} open question(s) are unresolved: the plan cannot be "
                "approved until they are resolved."
            )
    signoff = Signoff.objects.create(
        plan=locked,
        role=role,
        user=user,
        decision=decision,
        comment=comment.strip(),
        created_at=timezone.now(),
        plan_version=locked.version,
        content_hash=current_hash,
    )
    if decision == Signoff.Decision.CHANGES_REQUESTED:
        _set_status(locked, Plan.Status.DRAFT, user=user, reason=f"Changes requested ({role.name})")
        subject = f"Changes requested: {locked.title}"
        body = f"{_name(user)} requests changes as {role.name}:\n\n{signoff.comment}\n"
    else:
        if others_approved:
            _set_status(locked, Plan.Status.APPROVED, user=user, reason="Approved by every role")
        subject = f"Signed off: {locked.title}"
        body = f"{_name(user)} approved version {locked.version} as {role.name}.\n"
        if signoff.comment:
            body += f"\n{signoff.comment}\n"
    role.plan.status = locked.status
    if locked.author_id != user.pk:
        _mail(locked.author, subject, body)
    return signoff


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _mail(to: User, subject: str, body: str) -> None:
    if not to.email:
        return
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to.email]))


@dataclass
class ApprovalPanel:
    """What the Approval section shows one user."""

    states: list[RoleState]
    may_manage: bool
    may_request: bool
    mine: list[RoleState]  # roles this user may decide now
    blockers: list[str]


def approval_panel(plan: Plan, content: PlanContent, user: User) -> ApprovalPanel:
    current_hash = content_hash(content)
    states = role_states(plan, current_hash) if plan.pk else []
    if not states:  # roles not set yet: the team's, unassigned
        states = [
            RoleState(SignoffRole(plan=plan, name=name, position=i), None, current_hash)
            for i, name in enumerate(plan.team.signoff_roles, start=1)
        ]
    may_edit = plan.can_edit(user) and not plan.is_archived
    self_signoff = plan.team.allow_self_signoff or plan.author_id != user.pk
    mine = [
        s
        for s in states
        if plan.status == Plan.Status.IN_REVIEW
        and s.role.pk
        and s.role.assignee_id == user.pk
        and self_signoff
        and not s.approved
    ]
    blockers = []
    unresolved = sum(1 for q in content.open_questions if not q.resolved)
    if unresolved:
        blockers.append(
            f"{unresolved} open question{'s are' if unresolved > 1 else ' is'} unresolved: "
            "the plan cannot be approved until every open question is resolved."
        )
    return ApprovalPanel(
        states=states,
        may_manage=may_edit and plan.status == Plan.Status.DRAFT,
        may_request=may_edit and plan.status == Plan.Status.DRAFT,
        mine=mine,
        blockers=blockers,
    )


def waiting_for(user: User) -> list[RoleState]:
    """Roles assigned to the user on plans in review that need their (new) decision."""
    roles = list(
        SignoffRole.objects.filter(
            assignee=user, plan__status=Plan.Status.IN_REVIEW, plan__archived_at__isnull=True
        ).select_related("plan__team", "plan__author")
    )
    latest = {
        s.role_id: s
        for s in Signoff.objects.filter(role__in=roles).latest_per_role().select_related("user")
    }
    waiting = []
    for role in roles:
        signoff = latest.get(role.pk)
        # Stale means signed on an older version: the version number tells it without hashing.
        if signoff is None or signoff.plan_version != role.plan.version:
            waiting.append(RoleState(role, signoff, ""))
    return waiting


def waiting_count(user: User) -> int:
    return len(waiting_for(user))


def approval_rows(plan: Plan, content: PlanContent) -> list[ApprovalRow]:
    """The template's Approval table for an export: who signed which version."""
    rows = []
    for state in approval_panel(plan, content, plan.author).states:
        s = state.signoff
        if s is None:
            rows.append(ApprovalRow(state.role.name))
            continue
        verdict = "approved" if s.decision == Signoff.Decision.APPROVED else "requested changes"
        stale = " (stale: the plan changed since)" if state.is_stale else ""
        signature = f"{verdict} version {s.plan_version}, sha256:{s.content_hash[:12]}{stale}"
        rows.append(
            ApprovalRow(state.role.name, _name(s.user), s.created_at.date().isoformat(), signature)
        )
    return rows
