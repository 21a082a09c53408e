"""Reads of threads that build screens, and the count the approvals side asks for.

Whether a thread is *outdated* (its section, or its row, changed in a version after its latest
comment) is one SQL expression evaluated with the threads, so a plan's threads are read in a
constant number of queries however many there are."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import cast

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import BooleanField, Count, Field, Model, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from plans.content import ROW_MODELS
from plans.models import Phase, Plan, PlanVersion, Task
from plans.sections import SECTIONS, Section
from threads.models import Comment, Thread, ThreadQuerySet


def unresolved_count(plan: Plan) -> int:
    """How many of the plan's threads are not resolved: they block its approval when its team
    says so (`plan.team.threads_block_approval`)."""
    return Thread.objects.filter(plan_id=plan.pk).unresolved().count()


def _changed_since_sql(model: type[Model], thread: str, key: str, columns: list[str]) -> str:
    """SQL true when a record of `model` whose `key` column is the thread's row was written
    after the thread's latest comment and removes the row or reads differently (in `columns`)
    from what the row read then. A row only moved (renumbered by an insertion above it) is
    not changed."""
    quote = connection.ops.quote_name
    table = quote(model.history.model._meta.db_table)  # type: ignore[attr-defined]
    same = " AND ".join(
        f"(base.{c} = later.{c} OR (base.{c} IS NULL AND later.{c} IS NULL))"
        for c in map(quote, columns)
    )
    return f"""EXISTS (
        SELECT 1 FROM {table} later
        WHERE later.{quote(key)} = {thread}.row_id
          AND later.plan_version > {thread}.commented_version
          AND (later.history_type = '-' OR NOT EXISTS (
            SELECT 1 FROM {table} base
            WHERE base.history_id = (
                SELECT MAX(b.history_id) FROM {table} b
                WHERE b.id = later.id AND b.plan_version <= {thread}.commented_version
            ) AND {same}
          ))
    )"""


def _columns(model: type[Model], names: tuple[str, ...]) -> list[str]:
    return [str(cast(Field, model._meta.get_field(name)).column) for name in names]


@cache
def _outdated_sql() -> tuple[str, tuple[str, ...]]:
    quote = connection.ops.quote_name
    thread = quote(Thread._meta.db_table)
    versions = quote(PlanVersion._meta.db_table)
    find = "STRPOS" if connection.vendor == "postgresql" else "INSTR"
    # changed_sections is a JSON list of section keys: the key, quoted, is in its text.
    section = f"""EXISTS (
        SELECT 1 FROM {versions} v
        WHERE v.plan_id = {thread}.plan_id AND v.number > {thread}.commented_version
          AND {find}(CAST(v.changed_sections AS TEXT), '"' || {thread}.section_key || '"') > 0
    )"""
    cases, labels = [], []
    for model in ROW_MODELS.values():
        changed = _changed_since_sql(model, thread, "id", _columns(model, model.content_fields))
        if model is Phase:  # a phase's tasks are part of it
            task_columns = _columns(Task, (*Task.content_fields, "phase"))
            changed += " OR " + _changed_since_sql(Task, thread, "phase_id", task_columns)
        cases.append(f"WHEN {thread}.row_model = %s THEN ({changed})")
        labels.append(model._meta.label_lower)
    sql = f"CASE WHEN {thread}.row_id IS NULL THEN {section} {' '.join(cases)} ELSE FALSE END"
    return sql, tuple(labels)


def with_outdated(threads: ThreadQuerySet) -> ThreadQuerySet:
    sql, params = _outdated_sql()
    return threads.annotate(outdated=RawSQL(sql, params, output_field=BooleanField()))


def _threads(plan: Plan, number: int) -> ThreadQuerySet:
    """The plan's threads as they stood at version `number`: opened on it or before, with the
    comments written by then; outdated ones marked when `number` is the current version."""
    comments = Comment.objects.select_related("author").order_by("created_at", "id")
    threads = plan.threads.select_related("created_by", "resolved_by").order_by("created_at", "id")
    if number < plan.version:
        threads = threads.filter(version__lte=number)
        comments = comments.filter(version__lte=number)
    else:
        threads = with_outdated(threads)
    return threads.prefetch_related(Prefetch("comments", queryset=comments))


def _with_plan(threads: QuerySet[Thread], plan: Plan) -> list[Thread]:
    found = list(threads)
    for thread in found:
        thread.plan = plan  # the caller's, with the reader's role already known
    return found


@dataclass
class PageThreads:
    sections: list[tuple[Section, list[Thread]]]  # in template order
    open: int
    resolved: int


def page_threads(plan: Plan, number: int, section_key: str | None = None) -> PageThreads:
    """The threads shown beside the sections of the plan page at version `number` (of one
    section only, if given), grouped by section in template order. Rows' threads show on
    their section, so a deleted row's threads stay in view."""
    threads = _threads(plan, number)
    if section_key is not None:
        threads = threads.filter(section_key=section_key)
    found = _with_plan(threads, plan)
    by_section: dict[str, list[Thread]] = {}
    for thread in found:
        by_section.setdefault(thread.section_key, []).append(thread)
    return PageThreads(
        sections=[
            (s, by_section.get(s.key, []))
            for s in SECTIONS
            if s.key in by_section or s.key == section_key
        ],
        open=sum(1 for t in found if not t.is_resolved),
        resolved=sum(1 for t in found if t.is_resolved),
    )


def thread_list(plan: Plan, state: str | None = None) -> list[Thread]:
    """Every thread of the plan (or the open or resolved ones), oldest first."""
    threads = _threads(plan, plan.version)
    if state == "open":
        threads = threads.unresolved()
    elif state == "resolved":
        threads = threads.resolved()
    return _with_plan(threads, plan)


def thread_counts(plan: Plan) -> dict[str, int]:
    return plan.threads.aggregate(
        open=Count("pk", filter=Q(resolved_at__isnull=True)),
        resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
    )


def one_thread(plan: Plan, thread_id: int) -> Thread | None:
    """One thread of the plan with its comments and whether it is outdated."""
    return next(iter(_with_plan(_threads(plan, plan.version).filter(pk=thread_id), plan)), None)


MENTION_SUGGESTIONS = 8


def mention_candidates(plan: Plan, prefix: str) -> list[dict[str, str]]:
    """Members of the plan's team whose user name, given name or family name starts with
    `prefix`: what a comment box suggests after an @."""
    prefix = prefix.strip().lstrip("@")
    members = get_user_model().objects.filter(memberships__team_id=plan.team_id, is_active=True)
    if prefix:
        members = members.filter(
            Q(username__istartswith=prefix)
            | Q(first_name__istartswith=prefix)
            | Q(last_name__istartswith=prefix)
        )
    found = members.order_by("username").only("username", "first_name", "last_name")
    return [
        {"username": u.username, "name": u.get_full_name()} for u in found[:MENTION_SUGGESTIONS]
    ]
