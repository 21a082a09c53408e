"""The review workflow: every transition is a checked service function in one transaction.

draft → in review (request_signoff) → approved (the last valid approval); a lead's "changes
requested" gives the plan that status until the author asks for review again; any content
change makes sign-offs stale and an approved plan goes back to in review (see plans.services).
Roles and leads change only before review or after changes were requested, only by the plan's
author or a team maintainer, never to oneself, and every change is kept (RoleChange). Emails
leave only after the transaction commits, and a mail that fails never undoes what was recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from approvals.models import RoleChange, Signoff, SignoffRole
from notifications.models import Notification
from notifications.services import notify
from plans.access import Part, built
from plans.content import PlanContent
from plans.markdown.writer import ApprovalRow, content_hash
from plans.models import EDITING_ROLES, Membership, NamedVersion, Plan, Team
from plans.recording import fit, writing_version
from plans.rendered import VersionFacts, cached, version_key
from webhooks.models import Event
from webhooks.services import emit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


class WorkflowError(Exception):
    """A transition that is not allowed now; the message says why, for the person."""


@dataclass
class RoleState:
    role: SignoffRole
    signoff: Signoff | None
    current_hash: str

    @property
    def is_stale(self) -> bool:
        """A decision on content that changed since, or one its role's lead did not take (the
        role was reassigned after it)."""
        return self.signoff is not None and (
            self.signoff.content_hash != self.current_hash
            or self.signoff.user_id != self.role.assignee_id
        )

    @property
    def approved(self) -> bool:
        return (
            self.signoff is not None
            and self.signoff.decision == Signoff.Decision.APPROVED
            and not self.is_stale
        )

    @property
    def state(self) -> str:
        """The role's state in words: not assigned, waiting, approved, changes requested, stale."""
        if self.role.assignee_id is None:
            return "not assigned"
        if self.signoff is None:
            return "waiting"
        if self.is_stale:
            return "stale"
        return "approved" if self.approved else "changes requested"


def role_states(plan: Plan, current_hash: str) -> list[RoleState]:
    """Each current role of the plan with its latest decision: one query."""
    roles = plan.signoff_roles.current().select_related(
        "assignee", "latest__user", "latest__named_version"
    )
    return [RoleState(role, role.latest, current_hash) for role in roles]


def ensure_roles(plan: Plan) -> None:
    """A plan starts with its team's roles, unassigned."""
    if not plan.signoff_roles.exists():
        _raise_signoffs_revision(plan)
        SignoffRole.objects.bulk_create(
            SignoffRole(plan=plan, name=name, position=i)
            for i, name in enumerate(plan.team.signoff_roles, start=1)
        )


def _move(plan: Plan, event: str, *, user: User, reason: str) -> None:
    """A workflow event (Plan.WORKFLOW) that changes the status: not a content change, so it is
    recorded in the plan's history at its version."""
    if not plan.move(event):
        raise WorkflowError(f"A plan {plan.get_status_display().lower()} cannot take this step.")
    with writing_version(number=plan.version, user=user, summary=reason, now=timezone.now()) as w:
        w.save(plan)


def _raise_signoffs_revision(plan: Plan) -> None:
    """Tell every process that what it keeps of this plan's Approval panel is out of date."""
    Plan.objects.filter(pk=plan.pk).update(signoffs_revision=F("signoffs_revision") + 1)


def _lock(plan: Plan) -> Plan:
    """The plan, locked for a sign-off transition: its sign-off revision goes up (and back down
    if the transition fails, with the transaction). Archived plans refuse every transition."""
    _raise_signoffs_revision(plan)
    locked = (
        Plan.objects.select_related("team", "author")
        .select_for_update(of=("self",))
        .unsearched()  # not the transition's: its save leaves them as they are
        .get(pk=plan.pk)
    )
    if locked.is_archived:
        raise WorkflowError("This plan is archived: restore it before any sign-off change.")
    return locked


NOT_ROLE_MANAGER = (
    "Only the plan's author or a maintainer of its team can change its sign-off roles."
)
ROLES_FROZEN = "Roles and leads can only change while the plan is a draft or has changes requested."


def lead_refusal(plan: Plan, *, changer: User, lead: User | None, was: User | None) -> str:
    """Why `changer` may not make `lead` a role's lead (it was `was`'s), or "" if they may.
    The roles form shows it next to the field; assign_roles enforces it."""
    if lead is None or (was is not None and lead.pk == was.pk):
        return ""  # unassigning, or keeping a lead, is always possible
    if lead.pk == changer.pk:
        return "You cannot make yourself a lead: ask the plan's author or a team maintainer."
    if lead.pk == plan.author_id and not plan.team.allow_self_signoff:
        return (
            f"{_name(lead)} wrote this plan, and {plan.team} does not let authors sign off "
            "their own plans: choose another lead (a maintainer can allow it in the team's "
            "settings)."
        )
    if not plan.can_edit(lead):
        return f"{_name(lead)} is not an editor of {plan.team}: leads must be."
    return ""


@transaction.atomic
def assign_roles(*, plan: Plan, user: User, assignments: Sequence[tuple[str, User | None]]) -> None:
    """Replace the plan's roles (names in order, each with its lead). A role that is dropped is
    marked removed, never deleted: its decisions stay in the record, and if it had any,
    everyone on the plan is told. Reassigning a role makes its earlier decisions stale."""
    locked = _lock(plan)
    if not locked.can_manage_signoffs(user):
        raise WorkflowError(NOT_ROLE_MANAGER)
    if not locked.roles_may_change:
        raise WorkflowError(ROLES_FROZEN)
    names = [name.strip() for name, _ in assignments]
    if len(set(names)) != len(names) or not all(names):
        raise WorkflowError("Each role needs a name, and names must differ.")
    existing = {r.name: r for r in locked.signoff_roles.current().select_related("assignee")}
    now = timezone.now()
    changes: list[RoleChange] = []

    def record(role: SignoffRole, kind: str, old: User | None, new: User | None) -> None:
        changes.append(
            RoleChange(
                plan=locked,
                role=role,
                kind=kind,
                created_at=now,
                changed_by=user,
                role_name=role.name,
                old_assignee=old,
                new_assignee=new,
                had_decisions=role.latest_id is not None,
            )
        )

    for position, (name, assignee) in enumerate(assignments, start=1):
        role = existing.pop(name.strip(), None)
        was = role.assignee if role else None
        refusal = lead_refusal(locked, changer=user, lead=assignee, was=was)
        if refusal:
            raise WorkflowError(f"{name.strip()}: {refusal}")
        if role is None:
            role = SignoffRole.objects.create(
                plan=locked, name=name.strip(), position=position, assignee=assignee
            )
            record(role, RoleChange.Kind.ADDED, None, assignee)
            continue
        if (role.assignee_id, role.position) != (getattr(assignee, "pk", None), position):
            if role.assignee_id != getattr(assignee, "pk", None):
                record(role, RoleChange.Kind.REASSIGNED, was, assignee)
            role.position, role.assignee = position, assignee
            role.save(update_fields=["position", "assignee"])
    for role in existing.values():
        role.removed_at = now
        role.save(update_fields=["removed_at"])
        record(role, RoleChange.Kind.REMOVED, role.assignee, None)
    RoleChange.objects.bulk_create(changes)
    if any(c.had_decisions and c.kind != RoleChange.Kind.ADDED for c in changes):
        _tell_about_role_changes(locked, user, changes)


def _tell_about_role_changes(plan: Plan, user: User, changes: list[RoleChange]) -> None:
    """A change that sets aside someone's decision is told to everyone on the plan."""
    told = "; ".join(
        f"{c.role_name} {_describe(c)}" for c in changes if c.kind != RoleChange.Kind.ADDED
    )
    notify(
        recipients=_people_on(plan, also=[c.old_assignee for c in changes]),
        kind=Notification.Kind.ROLES_CHANGED,
        plan=plan,
        actor=user,
        text=f"{_name(user)} changed who signs off “{plan.title}”: {told}",
        url=_approval_url(plan),
        email_subject=f"Sign-off roles changed: {plan.title}",
        context={
            "comment": "Decisions taken in a removed or reassigned role stay in the plan's "
            "record, and no longer count."
        },
    )


def _approval_url(plan: Plan) -> str:
    return reverse("plans:detail", args=[plan.pk]) + "#approval"


def _describe(change: RoleChange) -> str:
    if change.kind == RoleChange.Kind.REMOVED:
        return "removed"
    old = _name(change.old_assignee) if change.old_assignee else "nobody"
    new = _name(change.new_assignee) if change.new_assignee else "nobody"
    return f"lead changed from {old} to {new}"


def _people_on(plan: Plan, also: Sequence[User | None] = ()) -> list[User]:
    """The plan's author and its current leads (and `also`), each once."""
    leads = [r.assignee for r in plan.signoff_roles.current().select_related("assignee")]
    people = {p.pk: p for p in [plan.author, *leads, *also] if p is not None}
    return list(people.values())


def suggested_name(plan: Plan, *, major: bool = False) -> tuple[str, str]:
    """The label and summary *Request sign-off* offers: the next free label after the latest
    named version, and the sections changed since it."""
    latest = plan.named_versions.order_by("-created_at", "-id").first()
    taken = set(plan.named_versions.values_list("label", flat=True))
    label = NamedVersion.next_label(latest.label if latest else None, major=major)
    while label in taken:
        label = NamedVersion.next_label(label, major=major)
    if latest is None:
        return label, "First version for review"
    changed: dict[str, None] = {}
    for version in plan.versions.filter(number__gt=latest.number).order_by("number"):
        changed.update(dict.fromkeys(version.changed_section_titles))
    summary = f"Changed: {', '.join(changed)}" if changed else "No content change"
    return label, fit(summary, NamedVersion._meta.get_field("summary").max_length or 300)


@transaction.atomic
def request_signoff(
    *, plan: Plan, user: User, label: str = "", summary: str = "", major: bool = False
) -> NamedVersion:
    """Send the current version for review under a name (1.0, 1.1…; suggested when not
    given), which the Changelog lists, and ask every lead."""
    locked = _lock(plan)
    if not locked.can_manage_signoffs(user):
        raise WorkflowError("Only the plan's author or a maintainer of its team asks for review.")
    if locked.status not in (Plan.Status.DRAFT, Plan.Status.CHANGES_REQUESTED):
        raise WorkflowError("Sign-off can only be requested for a draft or after changes.")
    roles = list(locked.signoff_roles.current().select_related("assignee"))
    if not roles:
        raise WorkflowError("Add at least one sign-off role first.")
    missing = [r.name for r in roles if r.assignee is None]
    if missing:
        raise WorkflowError(f"Assign a lead to every role first: {', '.join(missing)}.")
    for role in roles:
        # The team or its rules may have changed since the lead was chosen.
        lead = role.assignee
        assert lead is not None
        if lead.pk == locked.author_id and not locked.team.allow_self_signoff:
            raise WorkflowError(f"{role.name}: {_name(lead)} wrote this plan: change the lead.")
        if not locked.can_edit(lead):
            raise WorkflowError(
                f"{role.name}: {_name(lead)} is no longer an editor of {locked.team}: "
                "change the lead."
            )
    suggested_label, suggested_summary = suggested_name(locked, major=major)
    label, summary = label.strip() or suggested_label, summary.strip() or suggested_summary
    if locked.named_versions.filter(label=label).exists():
        raise WorkflowError(f"A version is already named {label}: choose another name.")
    named = NamedVersion.objects.create(
        plan=locked,
        team_id=locked.team_id,
        number=locked.version,
        label=label,
        summary=summary,
        author=user,
        created_at=timezone.now(),
    )
    _move(locked, "request_signoff", user=user, reason=f"Sign-off requested ({label})")
    plan.status = locked.status
    data = {"named_version": label, "summary": summary, "roles": [r.name for r in roles]}
    emit(event=Event.SIGNOFF_REQUESTED, plan=locked, actor=user, data=data)
    leads = {r.assignee for r in roles if r.assignee is not None}
    for lead in leads:
        names = ", ".join(r.name for r in roles if r.assignee == lead)
        notify(
            recipients=[lead],
            kind=Notification.Kind.REVIEW_REQUESTED,
            plan=locked,
            actor=user,
            text=f"{_name(user)} asks you to sign off “{locked.title}” {label} "
            f"(version {locked.version}) as {names}",
            url=_approval_url(locked),
            email_subject=f"Sign-off requested: {locked.title}",
            context={"comment": summary},
        )
    return named


def decide(
    *,
    role: SignoffRole,
    user: User,
    decision: str,
    password: str,
    read_version: int,
    seen_decision: int | None,
    comment: str = "",
    request: HttpRequest,
) -> Signoff:
    """Record one role's decision on the version the lead read (approve or request changes).

    The password is checked first, outside the decision's transaction, so that a failure is
    counted even when the decision is refused. `seen_decision` is the role's latest decision
    when the lead opened the page (None: there was none): a replay of the same post, or a
    post made on a page that is out of date, is refused instead of recorded twice."""
    _check_signature(request, user, password)
    return _record_decision(
        role=role,
        user=user,
        decision=decision,
        read_version=read_version,
        seen_decision=seen_decision,
        comment=comment,
    )


def _check_signature(request: HttpRequest, user: User, password: str) -> None:
    from accounts.passwords import PasswordRefused, verify_password

    try:
        verify_password(request, user, password)
    except PasswordRefused as refused:
        raise WorkflowError(str(refused)) from None


@transaction.atomic
def _record_decision(
    *,
    role: SignoffRole,
    user: User,
    decision: str,
    read_version: int,
    seen_decision: int | None,
    comment: str,
) -> Signoff:
    locked = _lock(role.plan)
    role = SignoffRole.objects.select_related("assignee", "latest").get(pk=role.pk, plan=locked)
    latest = role.latest
    replay = (user.pk, read_version, decision)
    if latest and latest.pk != seen_decision and latest_is(latest, replay):
        raise WorkflowError(
            f"Your decision ({latest.get_decision_display().lower()}, version "
            f"{latest.plan_version}) was already recorded: nothing more was done."
        )
    refusal = decision_refusal(locked, role, user)
    if refusal:
        raise WorkflowError(refusal)
    if latest is not None and latest.pk != seen_decision:
        raise WorkflowError(
            f"{role.name} was decided since you opened the page: read the plan again."
        )
    if read_version != locked.version:
        raise WorkflowError(
            f"The plan changed since you read it (now version {locked.version}): read it again."
        )
    if decision == Signoff.Decision.CHANGES_REQUESTED and not comment.strip():
        raise WorkflowError("Say what needs to change in the comment.")
    content = PlanContent.from_plan(locked)
    current_hash = content_hash(content)
    states = role_states(locked, current_hash)
    others_approved = all(s.approved for s in states if s.role.pk != role.pk)
    if decision == Signoff.Decision.APPROVED:
        from threads.services import settle_decision_threads  # threads build on approvals

        settle_decision_threads(plan=locked, user=user)
    if decision == Signoff.Decision.APPROVED and others_approved:
        blockers = approval_blockers(
            unresolved_questions=sum(1 for q in content.open_questions if not q.resolved),
            unresolved_threads=unresolved_threads(locked),
        )
        if blockers:
            raise WorkflowError(" ".join(blockers))
    signoff = Signoff.objects.create(
        plan=locked,
        team_id=locked.team_id,
        role=role,
        user=user,
        decision=decision,
        comment=comment.strip(),
        created_at=timezone.now(),
        plan_version=locked.version,
        content_hash=current_hash,
        # The name the version decided on was sent for review under, if it was named.
        named_version=locked.named_versions.filter(number=locked.version)
        .order_by("-created_at", "-id")
        .first(),
    )
    SignoffRole.objects.filter(pk=role.pk).update(latest=signoff)
    if decision == Signoff.Decision.CHANGES_REQUESTED:
        _move(locked, "request_changes", user=user, reason=f"Changes requested ({role.name})")
        subject = f"Changes requested: {locked.title}"
        text = f"{_name(user)} requests changes to “{locked.title}” as {role.name}"
        from threads.services import open_decision_thread  # threads build on approvals

        open_decision_thread(
            plan=locked,
            user=user,
            body=f"**Changes requested as {role.name}:** {signoff.comment}",
            version=locked.version,
        )
    else:
        subject = f"Signed off: {locked.title}"
        named = f"{signoff.named_version.label} " if signoff.named_version else ""
        text = f"{_name(user)} approved “{locked.title}” {named}(version {locked.version}) "
        text += f"as {role.name}"
    decided = {"role": role.name, "decision": decision, "comment": signoff.comment}
    emit(event=Event.SIGNOFF_DECIDED, plan=locked, actor=user, data=decided)
    notify(
        recipients=[locked.author],
        kind=Notification.Kind.DECIDED,
        plan=locked,
        actor=user,
        text=text,
        url=_approval_url(locked),
        email_subject=subject,
        context={"comment": signoff.comment},
    )
    if decision == Signoff.Decision.APPROVED and others_approved:
        _move(locked, "approve", user=user, reason="Approved by every role")
        label = signoff.named_version.label if signoff.named_version else None
        emit(event=Event.PLAN_APPROVED, plan=locked, actor=user, data={"named_version": label})
        notify(
            recipients=_people_on(locked),
            kind=Notification.Kind.PLAN_APPROVED,
            plan=locked,
            actor=user,
            text=f"“{locked.title}” is approved: every role signed version {locked.version}",
            url=_approval_url(locked),
            email_subject=f"Approved: {locked.title}",
        )
    role.plan.status = locked.status
    return signoff


def latest_is(signoff: Signoff, taken: tuple[int, int, str]) -> bool:
    """Whether `signoff` is the decision (user, version, decision) `taken`: a replay."""
    return (signoff.user_id, signoff.plan_version, signoff.decision) == taken


def decision_refusal(plan: Plan, role: SignoffRole, user: User) -> str:
    """Why `user` may not decide `role` of `plan` now, or "" if they may: the one rule, read by
    the decision service and by the panel that offers the decision forms."""
    if role.removed_at is not None:
        return f"The role {role.name} was removed from this plan."
    if role.assignee_id != user.pk or not plan.can_edit(user):
        return "Only the lead assigned to this role can sign it."
    if plan.author_id == user.pk and not plan.team.allow_self_signoff:
        return "Authors cannot sign off their own plan in this team."
    if plan.is_archived:
        return "This plan is archived: restore it before any sign-off change."
    if plan.status != Plan.Status.IN_REVIEW:
        return "This plan is not waiting for sign-off."
    return ""


def approval_blockers(
    *, unresolved_questions: int, unresolved_threads: int = 0, stale: Sequence[str] = ()
) -> list[str]:
    """What keeps a plan from being approved, in words: the one rule, read by the decision
    service (refusing the last approval) and by the review panel (saying it up front)."""
    blockers = []
    if unresolved_questions:
        blockers.append(
            f"{_count(unresolved_questions, 'open question')} unresolved: the plan cannot be "
            "approved until every open question is resolved."
        )
    if unresolved_threads:
        blockers.append(
            f"{_count(unresolved_threads, 'thread')} unresolved: the plan cannot be approved "
            "until every thread is resolved."
        )
    if stale:
        blockers.append(
            f"Stale sign-off{'s' if len(stale) > 1 else ''}: {', '.join(stale)} must decide "
            "again on the current version."
        )
    return blockers


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s are' if n > 1 else ' is'}"


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def tell_back_in_review(*, plan: Plan, user: User) -> None:
    """An approved plan was edited: everyone who had approved it hears it is back in review.
    Called by the save (plans.services) in its transaction."""
    emit(event=Event.PLAN_BACK_IN_REVIEW, plan=plan, actor=user)
    approvers = plan.signoff_roles.current().filter(latest__decision=Signoff.Decision.APPROVED)
    notify(
        recipients=[r.latest.user for r in approvers.select_related("latest__user") if r.latest],
        kind=Notification.Kind.BACK_IN_REVIEW,
        plan=plan,
        actor=user,
        text=f"{_name(user)} changed “{plan.title}” after it was approved: it is back in review "
        f"(version {plan.version})",
        url=_approval_url(plan),
        email_subject=f"Back in review: {plan.title}",
    )


@dataclass
class ApprovalPanel:
    """What the Approval section shows one user."""

    states: list[RoleState]
    may_manage: bool
    may_request: bool
    mine: list[RoleState]  # roles this user may decide now
    blockers: list[str]
    role_changes: list[RoleChange]
    suggested_name: tuple[str, str] = ("", "")  # label and summary, when the user may request
    undecided: list[RoleState] = field(default_factory=list)  # who must still decide
    latest_name: NamedVersion | None = None  # the name the plan is (or was last) reviewed as

    @property
    def next_action(self) -> str:
        """The viewer's one next step: "decide", "request", "roles" or "" (nothing to do)."""
        if self.mine:
            return "decide"
        if self.may_request:
            ready = self.states and all(s.role.pk and s.role.assignee_id for s in self.states)
            return "request" if ready or not self.may_manage else "roles"
        return ""


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
    panel = cached(key, lambda: _approval_panel(plan, facts, user))
    # Threads open and close without a sign-off transition: their count is read each time.
    threads = unresolved_threads(plan)
    if not threads:
        return panel
    return replace(
        panel,
        blockers=approval_blockers(
            unresolved_questions=facts.unresolved_questions,
            unresolved_threads=threads,
            stale=[s.role.name for s in panel.undecided if s.is_stale],
        ),
    )


def unresolved_threads(plan: Plan) -> int:
    """The unresolved threads that block the plan's approval: none unless its team says so."""
    from threads.selectors import unresolved_count  # threads build on plans and approvals

    if not plan.team.threads_block_approval:
        return 0
    known = getattr(plan, "unresolved_thread_count", None)  # read with the page's plan
    return known if known is not None else unresolved_count(plan)


def _approval_panel(plan: Plan, facts: VersionFacts, user: User) -> ApprovalPanel:
    states = approval_states(plan, facts)
    may_edit = plan.can_edit(user) and not plan.is_archived
    mine = [
        s
        for s in states
        if s.role.pk and not s.approved and not decision_refusal(plan, s.role, user)
    ]
    changes = plan.role_changes.select_related("changed_by", "old_assignee", "new_assignee")
    may_request = (
        may_edit
        and plan.can_manage_signoffs(user)  # the author (or a maintainer) asks for review
        and plan.status in (Plan.Status.DRAFT, Plan.Status.CHANGES_REQUESTED)
    )
    in_review = plan.status == Plan.Status.IN_REVIEW
    return ApprovalPanel(
        states=states,
        may_manage=plan.can_manage_signoffs(user) and plan.roles_may_change,
        may_request=may_request,
        mine=mine,
        blockers=approval_blockers(
            unresolved_questions=facts.unresolved_questions,
            stale=[s.role.name for s in states if s.is_stale] if in_review else [],
        ),
        role_changes=list(changes[:ROLE_CHANGES_SHOWN]),
        suggested_name=suggested_name(plan) if may_request else ("", ""),
        undecided=[s for s in states if not s.approved] if in_review else [],
        latest_name=plan.named_versions.order_by("-created_at", "-id").first(),
    )


ROLE_CHANGES_SHOWN = 20


def _waiting_roles(user: User) -> QuerySet[SignoffRole]:
    """Roles assigned to the user on plans in review whose latest decision is not on the
    current version (none yet, or a stale one). Decisions are only taken on the version
    current then, so the latest decision is the one on the highest version."""
    return (
        SignoffRole.objects.current()
        .filter(assignee=user, plan__status=Plan.Status.IN_REVIEW, plan__archived_at__isnull=True)
        # Only while the lead may still sign: an editor of the plan's team. Someone who left
        # the team no longer sees its plans, here or anywhere. A semi-join on the user's
        # editing teams: joined through the team and its memberships, PostgreSQL took longer
        # to plan the query than to run it.
        .filter(plan__team_id__in=editing_teams(user))
        .exclude(Q(latest__plan_version=F("plan__version")) & Q(latest__user=F("assignee")))
    )


def waiting_count_of_outer_user() -> RawSQL:
    """The count of _waiting_roles as a column of a User query: the navigation's count is read
    with the signed-in user (accounts.backends.PlansignBackend), at no extra query. Written in SQL
    because this runs on every page: Django took about 3 ms to compile the same subquery from
    the ORM, against 0.1 ms for this. tests/approvals/test_waiting.py holds the two equal."""
    return RawSQL(_WAITING_COUNT_SQL, (*EDITING_ROLES, Plan.Status.IN_REVIEW))


# _waiting_roles in SQL, of the user `{user}` names: the count read with each signed-in user,
# and the lines the dashboard and /approvals/ show (_waiting_lines_query).
_WAITING = f"""
    FROM {SignoffRole._meta.db_table} r
    INNER JOIN {Plan._meta.db_table} p ON p.id = r.plan_id
    INNER JOIN {Membership._meta.db_table} m ON m.team_id = p.team_id AND m.user_id = r.assignee_id
    LEFT OUTER JOIN {Signoff._meta.db_table} s ON s.id = r.latest_id
    WHERE r.assignee_id = {{user}}
      AND r.removed_at IS NULL AND m.role IN (%s, %s)
      AND p.status = %s AND p.archived_at IS NULL
      AND (s.id IS NULL OR s.plan_version <> p.version OR s.user_id <> r.assignee_id)
"""
_OUTER_USER = f"{get_user_model()._meta.db_table}.id"
_WAITING_COUNT_SQL = "SELECT COUNT(*)" + _WAITING.format(user=_OUTER_USER)


@cache
def _waiting_lines_query() -> tuple[str, tuple[Part, ...]]:
    """The waiting roles of a user, a slice in their order, with what their lines show (the
    dashboard's, plan_tags.waiting_items): the role, its plan, its latest decision, the plan's
    team and author. The roles are found and sliced first, then the team and author are
    joined to the slice: found and joined at once, PostgreSQL took 7 ms to plan it."""
    found = (
        Part.of(SignoffRole, "r", "plan_id", "name", "assignee_id", "latest_id"),
        Part.of(Plan, "p", "team_id", "author_id", "title", "version"),
        Part.of(Signoff, "s", "user_id", "decision", "plan_version"),
    )
    joined = (
        Part.of(Team, "t", "name"),
        Part.of(get_user_model(), "a", "username", "first_name", "last_name"),
    )
    columns = [f"{part.alias}.{f.column}" for part in found for f in part.fields]
    named = {column: f"c{i}" for i, column in enumerate(columns)}
    sql = f"""
        SELECT {", ".join(named.values())},
            {", ".join(f"{part.alias}.{f.column}" for part in joined for f in part.fields)}
        FROM (
            SELECT {", ".join(f"{column} AS {name}" for column, name in named.items())},
                r.position AS position
            {_WAITING.format(user="%s")}
            ORDER BY r.position, r.id LIMIT %s OFFSET %s
        ) w
        INNER JOIN {Team._meta.db_table} t ON t.id = w.{named["p.team_id"]}
        INNER JOIN {get_user_model()._meta.db_table} a ON a.id = w.{named["p.author_id"]}
        ORDER BY w.position, w.{named["r.id"]}"""
    return sql, found + joined


class WaitingLines(Sequence[RoleState]):
    """The lines of the user's waiting roles, in their order, read a slice at a time (what a
    Paginator asks), in one statement each. Its length is the count that came with the
    signed-in user. Written in SQL as the count is: the roles' keys found by SQL, then their
    lines read by the ORM took 6.5 ms of every dashboard, of which PostgreSQL's part was 2
    (bench/scale.py's lead, 299 roles waiting)."""

    def __init__(self, user: User) -> None:
        self.user = user

    def __len__(self) -> int:
        return waiting_count(self.user)

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, slice):
            return list(self)[index]  # one line: no page asks
        start, stop, step = index.indices(len(self))
        if step != 1:
            return list(self)[index]
        if stop <= start:
            return []
        sql, parts = _waiting_lines_query()
        params = (self.user.pk, *EDITING_ROLES, Plan.Status.IN_REVIEW, stop - start, start)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        lines = []
        for role, plan, decision, team, author in built(connection.alias, parts, rows):
            SignoffRole.plan.field.set_cached_value(role, plan)
            SignoffRole.latest.field.set_cached_value(role, decision)
            Plan.team.field.set_cached_value(plan, team)
            Plan.author.field.set_cached_value(plan, author)
            lines.append(RoleState(role, decision, ""))
        return lines

    def __iter__(self) -> Any:
        return iter(self[0 : len(self)])


def editing_teams(user: User) -> QuerySet[Membership, Any]:
    """The teams the user edits (or maintains), as a subquery of their ids."""
    return Membership.objects.filter(user=user, role__in=EDITING_ROLES).values("team_id")


def waiting_for(user: User, limit: int | None = None) -> list[RoleState]:
    """The user's waiting roles (the first `limit` of them), each with its latest (stale)
    decision if there is one. A lead of a large company can have a thousand."""
    lines = WaitingLines(user)
    return list(lines if limit is None else lines[:limit])


def waiting_count(user: User) -> int:
    known = getattr(user, "signoffs_waiting", None)
    return known if known is not None else _waiting_roles(user).count()


def states_at(plan: Plan, number: int, facts: VersionFacts) -> list[RoleState]:
    """Each role as it was when version `number` was followed by the next one, with its
    decision then: what an old version's page shows, not today's. Three queries."""
    after = plan.versions.filter(number=number + 1).values_list("created_at", flat=True).first()
    if after is None:
        return approval_states(plan, facts)
    records = SignoffRole.history.filter(plan_id=plan.pk, history_date__lt=after).select_related(
        "assignee"
    )
    last: dict[int, Any] = {}
    for record in records.order_by("history_date", "history_id"):
        last[record.id] = record
    roles = [
        SignoffRole(pk=r.id, plan=plan, name=r.name, position=r.position, assignee=r.assignee)
        for r in sorted(last.values(), key=lambda r: (r.position, r.id))
        if r.history_type != "-" and (r.removed_at is None or r.removed_at >= after)
    ]
    decisions: dict[int, Signoff] = {}
    signoffs = Signoff.objects.filter(
        plan=plan, plan_version__lte=number, created_at__lt=after
    ).select_related("user", "named_version")
    for signoff in signoffs.order_by("created_at", "id"):
        decisions[signoff.role_id] = signoff
    return [RoleState(role, decisions.get(role.pk), facts.content_hash) for role in roles]


def approval_rows(plan: Plan, facts: VersionFacts) -> list[ApprovalRow]:
    """The template's Approval table for an export: who signed which version."""
    rows = []
    for state in approval_states(plan, facts):
        s = state.signoff
        if s is None:
            rows.append(ApprovalRow(state.role.name))
            continue
        verdict = "approved" if s.decision == Signoff.Decision.APPROVED else "requested changes"
        stale = ""
        if state.is_stale:
            why = "role was reassigned" if s.user_id != state.role.assignee_id else "plan changed"
            stale = f" (stale: the {why} since)"
        signature = f"{verdict} version {s.plan_version}, sha256:{s.content_hash[:12]}{stale}"
        rows.append(
            ApprovalRow(state.role.name, _name(s.user), s.created_at.date().isoformat(), signature)
        )
    return rows
