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
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from approvals.models import Signoff, SignoffRole
from config.ratelimit import FailureLimit
from plans.content import PlanContent
from plans.markdown_export import ApprovalRow, content_hash
from plans.models import Plan
from plans.recording import writing_version
from plans.rendered import VersionFacts, cached, version_key

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PASSWORD_FAILURES = FailureLimit("signoff-password", attempts=5, window_seconds=15 * 60)


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
    """Each role of the plan with its latest decision: one query."""
    roles = plan.signoff_roles.select_related("assignee", "latest__user")
    return [RoleState(role, role.latest, current_hash) for role in roles]


def ensure_roles(plan: Plan) -> None:
    """A plan starts with its team's roles, unassigned."""
    if not plan.signoff_roles.exists():
        _raise_signoffs_revision(plan)
        SignoffRole.objects.bulk_create(
            SignoffRole(plan=plan, name=name, position=i)
            for i, name in enumerate(plan.team.signoff_roles, start=1)
        )


def _set_status(plan: Plan, status: str, *, user: User, reason: str) -> None:
    """A status change is not a content change: recorded in the plan's history at its version."""
    plan.status = status
    with writing_version(number=plan.version, user=user, summary=reason, now=timezone.now()) as w:
        w.save(plan)


def _raise_signoffs_revision(plan: Plan) -> None:
    """Tell every process that what it keeps of this plan's Approval panel is out of date."""
    Plan.objects.filter(pk=plan.pk).update(signoffs_revision=F("signoffs_revision") + 1)


def _lock(plan: Plan) -> Plan:
    """The plan, locked for a sign-off transition: its sign-off revision goes up (and back down
    if the transition fails, with the transaction)."""
    _raise_signoffs_revision(plan)
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
    if PASSWORD_FAILURES.blocked(user.pk):
        raise WorkflowError(
            f"Too many wrong passwords. Wait {PASSWORD_FAILURES.minutes} minutes and try again."
        )
    if not user.check_password(password):
        PASSWORD_FAILURES.failed(user.pk)
        raise WorkflowError("That password is not right.")
    PASSWORD_FAILURES.clear(user.pk)


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
    SignoffRole.objects.filter(pk=role.pk).update(latest=signoff)
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


def approval_table_key(plan: Plan, facts: VersionFacts) -> str:
    """What the Approval table shows depends on: the roles and their decisions (any change
    raises the plan's sign-off revision), the current version, and the hash of the version
    read (`facts`), which tells stale decisions; before roles are set, the team's role names.
    The same for every reader."""
    return (
        f"{version_key(plan, plan.version)}:{facts.content_hash}:{plan.signoffs_revision}:"
        f"{plan.team.signoff_roles}"
    )


def approval_states(plan: Plan, facts: VersionFacts) -> list[RoleState]:
    """Each role with its latest decision, weighed against the version read (`facts`); before
    roles are set, the team's, unassigned. The same for every reader: kept as the table is."""
    return cached(f"states:{approval_table_key(plan, facts)}", lambda: _states(plan, facts))


def _states(plan: Plan, facts: VersionFacts) -> list[RoleState]:
    states = role_states(plan, facts.content_hash)
    if states:
        return states
    return [
        RoleState(SignoffRole(plan=plan, name=name, position=i), None, facts.content_hash)
        for i, name in enumerate(plan.team.signoff_roles, start=1)
    ]


def approval_panel(plan: Plan, facts: VersionFacts, user: User) -> ApprovalPanel:
    """Kept per reader and sign-off revision: any transition raises the plan's revision."""
    key = (
        f"approval:{approval_table_key(plan, facts)}:{plan.status}:{plan.is_archived}:"
        f"{user.pk}:{plan.role_of(user)}:{plan.team.allow_self_signoff}"
    )
    return cached(key, lambda: _approval_panel(plan, facts, user))


def _approval_panel(plan: Plan, facts: VersionFacts, user: User) -> ApprovalPanel:
    states = approval_states(plan, facts)
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
    unresolved = facts.unresolved_questions
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


def _waiting_roles(user: User) -> QuerySet[SignoffRole]:
    """Roles assigned to the user on plans in review whose latest decision is not on the
    current version (none yet, or a stale one). Decisions are only taken on the version
    current then, so the latest decision is the one on the highest version."""
    return SignoffRole.objects.filter(
        assignee=user, plan__status=Plan.Status.IN_REVIEW, plan__archived_at__isnull=True
    ).exclude(latest__plan_version=F("plan__version"))


def waiting_count_of_outer_user() -> RawSQL:
    """The count of _waiting_roles as a column of a User query: the navigation's count is read
    with the signed-in user (config.auth.PlansignBackend), at no extra query. Written in SQL
    because this runs on every page: Django took about 3 ms to compile the same subquery from
    the ORM, against 0.1 ms for this. tests/approvals/test_waiting.py holds the two equal."""
    return RawSQL(_WAITING_COUNT_SQL, (Plan.Status.IN_REVIEW,))


_WAITING_COUNT_SQL = f"""
    SELECT COUNT(*) FROM {SignoffRole._meta.db_table} r
    INNER JOIN {Plan._meta.db_table} p ON p.id = r.plan_id
    LEFT OUTER JOIN {Signoff._meta.db_table} s ON s.id = r.latest_id
    WHERE r.assignee_id = {get_user_model()._meta.db_table}.id
      AND p.status = %s AND p.archived_at IS NULL
      AND (s.id IS NULL OR s.plan_version <> p.version)
"""


def waiting_for(user: User) -> list[RoleState]:
    """The user's waiting roles, each with its latest (stale) decision if there is one."""
    roles = _waiting_roles(user).select_related("plan__team", "plan__author", "latest__user")
    return [RoleState(role, role.latest, "") for role in roles]


def waiting_count(user: User) -> int:
    known = getattr(user, "signoffs_waiting", None)
    return known if known is not None else _waiting_roles(user).count()


def approval_rows(plan: Plan, facts: VersionFacts) -> list[ApprovalRow]:
    """The template's Approval table for an export: who signed which version."""
    rows = []
    for state in approval_states(plan, facts):
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
