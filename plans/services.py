"""Workflows that write a whole plan: each one transaction, each one plan version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from plans.content import PLAN_FIELDS, ROW_MODELS, PlanContent
from plans.models import Membership, Plan, PlanRow, PlanVersion, Task, Team
from plans.recording import fit, writing_version
from plans.sections import NOTE_KEYS, SECTIONS, Section
from webhooks.models import Event
from webhooks.services import emit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SUMMARY_LENGTH = 200  # PlanVersion.summary


@transaction.atomic
def create_plan(
    *,
    team: Team,
    author: User,
    content: PlanContent,
    summary: str = "Initial implementation plan",
) -> Plan:
    """Save a new plan and all its rows as version 1."""
    now = timezone.now()
    plan = content.plan
    plan.team = team
    plan.author = author
    plan.version = 1
    plan.index_sections(content, [s for s in SECTIONS if s.editable])
    with writing_version(number=1, user=author, summary=summary, now=now) as writer:
        writer.save(plan, created=True)
        plan.join_vectors()
        for key, model in ROW_MODELS.items():
            rows = content.row_objects(key)
            for position, row in enumerate(rows, start=1):
                row.plan = plan
                row.position = position
            writer.create_all(model, rows, plan.pk)
        tasks = []
        for phase_content in content.phases:
            for position, task in enumerate(phase_content.tasks, start=1):
                task.plan = plan
                task.phase = phase_content.phase
                task.position = position
                tasks.append(task)
        writer.create_all(Task, tasks, plan.pk)
    PlanVersion.objects.create(
        plan=plan,
        team_id=plan.team_id,
        number=1,
        author=author,
        created_at=now,
        summary=fit(summary, SUMMARY_LENGTH),
        changed_sections=[s.key for s in SECTIONS if s.editable and content.section_filled(s)],
    )
    emit(event=Event.PLAN_CREATED, plan=plan, actor=author)
    return plan


class PlanArchived(Exception):
    """An archived plan is read-only: no save, restore or sign-off until it is restored."""

    def __init__(self) -> None:
        super().__init__("This plan is archived and read-only: restore it to change it.")


def _lock_for_change(plan: Plan) -> Plan:
    # Not what a save writes anew: the plan's text and vectors for search (about 100 KB of a
    # 100-row plan's row). The per-section search words are read: a save keeps the others'.
    # Whether its kept section vectors are current is read instead (Plan.index_sections).
    unread = [f for f in Plan.SEARCH_FIELDS if f != "search_sections"]
    current = Q(section_vectors__isnull=False, search_text="")
    locked = (
        Plan.objects.select_for_update()
        .defer(*unread)
        .annotate(vectors_current=ExpressionWrapper(current, output_field=BooleanField()))
        .get(pk=plan.pk)
    )
    if locked.is_archived:
        raise PlanArchived
    return locked


class EditConflict(Exception):
    """The section changed since the editor opened it: saving would overwrite someone's work."""

    def __init__(self, plan: Plan, versions: list[PlanVersion]) -> None:
        super().__init__(f"{plan} changed since version {versions[0].number - 1}")
        self.plan = plan
        self.versions = versions


def _changed(old: Any, new: Any, fields: tuple[str, ...]) -> bool:
    return any(getattr(old, f) != getattr(new, f) for f in fields)


@dataclass
class RowOps:
    creates: list[Any]
    updates: list[Any]
    deletes: list[Any]

    def __bool__(self) -> bool:
        return bool(self.creates or self.updates or self.deletes)


def _row_ops(plan: Plan, current: list[Any], wanted: list[Any], compare: tuple[str, ...]) -> RowOps:
    """Creates, updates and deletes that turn the current rows into the wanted ones."""
    by_id = {row.pk: row for row in current}
    ops = RowOps([], [], [])
    for row in wanted:
        row.plan = plan
        if row.pk is None or row.pk not in by_id:  # new, or restored from an older version
            ops.creates.append(row)
        elif _changed(by_id[row.pk], row, compare):
            ops.updates.append(row)
    kept = {row.pk for row in wanted}
    ops.deletes = [row for row in current if row.pk not in kept]
    return ops


def _conflicts(plan: Plan, section: Section, since: int) -> list[PlanVersion]:
    """Versions after `since` that changed this section (saves to other sections merge)."""
    later = list(plan.versions.filter(number__gt=since).select_related("author").order_by("number"))
    return later if any(section.key in v.changed_sections for v in later) else []


def own_fields(section: Section) -> tuple[str, ...]:
    """The plan's own fields edited with a section (the title travels with the Overview)."""
    return ("title", *section.fields) if section.key == "overview" else section.fields


def _write_sections(
    locked: Plan,
    sections: list[Section],
    new: PlanContent,
    *,
    user: User,
    summary: str,
) -> PlanVersion | None:
    """Write these sections of `new` over the locked plan as one version, if anything changed."""
    keys = tuple(key for s in sections for key in s.rows)
    current = PlanContent.from_plan(locked, only=keys)
    fields = tuple(f for s in sections for f in own_fields(s))

    ops: dict[type[PlanRow], RowOps] = {}
    for key in keys:
        model = ROW_MODELS[key]
        wanted = new.row_objects(key)
        for position, row in enumerate(wanted, start=1):
            row.position = position
        compare = (*model.content_fields, "position")
        ops[model] = _row_ops(locked, current.row_objects(key), wanted, compare)
    if "phases" in keys:
        for phase_content in new.phases:
            for position, task in enumerate(phase_content.tasks, start=1):
                task.phase_id = phase_content.phase.pk
                task.position = position
        ops[Task] = _row_ops(
            locked,
            [t for p in current.phases for t in p.tasks],
            [t for p in new.phases for t in p.tasks],
            ("text", "position", "phase_id"),
        )
    changed_fields = {f for f in fields if _changed(current.plan, new.plan, (f,))}
    # The text an import kept in these sections (section_notes): theirs to write, the other
    # sections' notes stay as they are.
    notes, wanted_notes = dict(locked.section_notes or {}), new.plan.section_notes or {}
    changed_notes = set()
    for key in (k for s in sections for k in NOTE_KEYS.get(s.key, ())):
        if notes.get(key) != wanted_notes.get(key):
            changed_notes.add(key)
            if wanted_notes.get(key):
                notes[key] = wanted_notes[key]
            else:
                notes.pop(key, None)
    if not changed_fields and not changed_notes and not any(ops.values()):
        return None
    changed_sections = [
        s.key
        for s in sections
        if changed_fields & set(own_fields(s))
        or changed_notes & set(NOTE_KEYS.get(s.key, ()))
        or any(ops[ROW_MODELS[k]] for k in s.rows)
        or ("phases" in s.rows and ops[Task])
    ]

    number = locked.version + 1
    now = timezone.now()
    with writing_version(number=number, user=user, summary=summary, now=now) as writer:
        for name in fields:
            setattr(locked, name, getattr(new.plan, name))
        locked.section_notes = notes
        locked.version = number
        locked.index_sections(new, sections)
        back_in_review = locked.move("edit")
        writer.save(locked)
        # Parents before children when adding, children before parents when removing, so
        # that new phases have ids for their tasks and every removed task is recorded.
        parents = [m for m in ops if m is not Task]
        for model in parents:
            writer.create(model, ops[model].creates)
            writer.update(model, ops[model].updates, [*model.content_fields, "position"])
        if Task in ops:
            for phase_content in new.phases:
                for task in phase_content.tasks:
                    task.phase = phase_content.phase
            writer.delete(Task, ops[Task].deletes)
            writer.update(Task, ops[Task].updates, ["text", "position", "phase"])
            writer.create(Task, ops[Task].creates)
        for model in parents:
            writer.delete(model, ops[model].deletes)
    if back_in_review:
        from approvals.services import tell_back_in_review  # approvals builds on plans

        tell_back_in_review(plan=locked, user=user)
    version = PlanVersion.objects.create(
        plan=locked,
        team_id=locked.team_id,
        number=number,
        author=user,
        created_at=now,
        summary=fit(summary, SUMMARY_LENGTH),
        changed_sections=changed_sections,
    )
    data = {"summary": version.summary, "changed_sections": changed_sections}
    emit(event=Event.VERSION_SAVED, plan=locked, actor=user, data=data)
    return version


@transaction.atomic
def save_section(
    *,
    plan: Plan,
    section: Section,
    new: PlanContent,
    user: User,
    opened_version: int,
    summary: str = "",
) -> PlanVersion | None:
    """Save one section as a new version; None when nothing changed.

    Raises EditConflict when someone saved this section after `opened_version`.
    """
    return _save_section(plan, section, new, user, opened_version, summary)[1]


@transaction.atomic(savepoint=False)  # a caller's transaction is its own: no savepoint
def save_section_read_back(
    *,
    plan: Plan,
    section: Section,
    new: PlanContent,
    user: User,
    opened_version: int,
    summary: str = "",
) -> tuple[PlanVersion | None, PlanContent | None]:
    """save_section, and the whole content of the version it wrote (None when nothing
    changed), read in the save's own transaction: the plan's row is still locked, so no other
    save can come between, and the content is exactly that version's without reading it
    again after the commit and checking no save came in between. Called in a transaction,
    it adds no savepoint: an EditConflict must end the caller's transaction too."""
    locked, version = _save_section(plan, section, new, user, opened_version, summary)
    if version is None:
        return None, None
    return version, PlanContent.from_plan(locked)


def _save_section(
    plan: Plan, section: Section, new: PlanContent, user: User, opened_version: int, summary: str
) -> tuple[Plan, PlanVersion | None]:
    locked = _lock_for_change(plan)
    if opened_version > locked.version:
        raise ValueError("The form's version is newer than the plan.")
    conflicts = _conflicts(locked, section, opened_version)
    if conflicts:
        raise EditConflict(locked, conflicts)
    version = _write_sections(locked, [section], new, user=user, summary=summary)
    for name in (*own_fields(section), "section_notes", "version", "updated_at"):
        setattr(plan, name, getattr(locked, name))
    return locked, version


@transaction.atomic
def restore_version(
    *, plan: Plan, number: int, user: User, opened_version: int
) -> PlanVersion | None:
    """Make the content of version `number` the plan's content again, as a new version.

    Nothing in the history is rewritten. Raises EditConflict if the plan changed since the
    user looked at it (`opened_version`); None when the plan already reads like that version.
    """
    from plans.versions import content_at

    locked = _lock_for_change(plan)
    if opened_version != locked.version:
        later = list(
            locked.versions.filter(number__gt=opened_version)
            .select_related("author")
            .order_by("number")
        )
        raise EditConflict(locked, later)
    old = content_at(locked, number)
    sections = [s for s in SECTIONS if s.editable and (s.fields or s.rows)]
    summary = f"Restored version {number}"
    return _write_sections(locked, sections, old, user=user, summary=summary)


def duplicate_plan(*, plan: Plan, user: User) -> Plan:
    """A new draft with every section copied, titled "Copy of …", as its version 1."""
    content = PlanContent.from_plan(plan)
    content.plan = Plan(**{f: getattr(plan, f) for f in PLAN_FIELDS})
    content.plan.title = f"Copy of {plan.title}"[: Plan._meta.get_field("title").max_length]
    for key in ROW_MODELS:
        for row in content.row_objects(key):
            row.pk = None
    for phase_content in content.phases:
        for task in phase_content.tasks:
            task.pk = None
    return create_plan(
        team=plan.team, author=user, content=content, summary=f"Duplicated from “{plan.title}”"
    )


@transaction.atomic
def set_archived(*, plan: Plan, user: User, archived: bool) -> None:
    """Archive or restore: not a content change, so it is recorded under the current version."""
    locked = Plan.objects.select_for_update().unsearched().get(pk=plan.pk)
    if locked.is_archived == archived:
        return
    locked.archived_at = timezone.now() if archived else None
    reason = "Archived" if archived else "Restored"
    with writing_version(number=locked.version, user=user, summary=reason, now=timezone.now()) as w:
        w.save(locked)
    plan.archived_at = locked.archived_at


def import_plan(
    *, team: Team, author: User, document: str, filename: str = "", parsed: Any = None
) -> tuple[Plan, Any]:
    """A new draft (version 1) from a Markdown document (`parsed` already, if the caller read
    it), and the import report."""
    from plans.markdown.reader import parse_plan

    result = parsed if parsed is not None else parse_plan(document, filename)
    name = filename or "pasted text"
    plan = create_plan(
        team=team, author=author, content=result.content, summary=f"Imported from {name}"
    )
    return plan, result.report


class TeamRuleError(Exception):
    """A team change that would leave the team unmanageable; the message says why."""


@transaction.atomic
def update_team(
    *,
    team: Team,
    user: User,
    settings: dict[str, Any],
    levels: dict[int, str | None],
) -> None:
    """A maintainer's change of the team's settings (field → value) and members, whole or not
    at all. `levels` maps a user id to a membership level, or None to remove them."""
    locked = Team.objects.select_for_update().get(pk=team.pk)
    mine = locked.memberships.filter(user=user).first()
    if mine is None or mine.role != Membership.Role.MAINTAINER:
        raise TeamRuleError("Only a maintainer of the team can change its settings.")
    for name, value in settings.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(settings))
    members = {m.user_id: m for m in locked.memberships.all()}
    for user_id, level in levels.items():
        member = members.get(user_id)
        if level is None:
            if member is not None:
                member.delete()
        elif member is None:
            Membership.objects.create(team=locked, user_id=user_id, role=level)
        elif member.role != level:
            member.role = level
            member.save(update_fields=["role"])
    if not locked.memberships.filter(role=Membership.Role.MAINTAINER).exists():
        raise TeamRuleError("A team needs at least one maintainer: make someone else one first.")


def keep_import_draft(*, user: User, team: Team, document: str, filename: str, parsed: Any) -> Any:
    """The document kept for its preview with what its reading (`parsed`) shows, owned by
    `user`; their stale and surplus drafts go."""
    import secrets
    from datetime import timedelta

    from plans.models import ImportDraft

    now = timezone.now()
    mine = ImportDraft.objects.filter(user=user)
    mine.filter(created_at__lt=now - timedelta(hours=ImportDraft.DRAFT_HOURS)).delete()
    surplus = list(mine.values_list("pk", flat=True)[ImportDraft.DRAFTS_PER_USER - 1 :])
    ImportDraft.objects.filter(pk__in=surplus).delete()
    draft = ImportDraft(
        token=secrets.token_urlsafe(32),
        user=user,
        team=team,
        document=document,
        filename=filename[:255],
    )
    draft.keep_reading(parsed)
    draft.save()
    return draft


def read_import_draft(*, draft: Any, choices: Mapping[str, str]) -> tuple[Any, str]:
    """Read the draft's document with its re-mapped headings and the posted `choices`
    (``heading-N`` → a key of TARGETS, or "" to undo), and keep both and what the preview
    shows. A choice that makes a section too long undoes every choice: the reading is then
    the document's own, and the second value says why (else it is "")."""
    from plans.markdown.reader import TARGETS, ImportError_, parse_plan

    overrides = {int(k): v for k, v in draft.overrides.items()}
    for name, value in choices.items():
        if name.startswith("heading-") and name[8:].isdigit():
            if value in TARGETS:
                overrides[int(name[8:])] = value
            elif value == "":
                overrides.pop(int(name[8:]), None)
    refusal = ""
    try:
        result = parse_plan(draft.document, draft.filename, overrides)
    except ImportError_ as error:
        refusal, overrides = str(error), {}
        result = parse_plan(draft.document, draft.filename)
    draft.overrides = {str(k): v for k, v in overrides.items()}
    draft.keep_reading(result)
    draft.save(update_fields=["overrides", "reading"])
    return result, refusal
