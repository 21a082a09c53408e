"""What is computed from a version is kept forever: a version's content never changes.

Keys name the plan (its id and creation time, so a reused id never meets an old entry) and the
version number. Entries live in the "template_fragments" cache, local to each process: it also
holds the `{% cache %}` fragments of the plan page (its sections as rendered for one version),
which are only ever rendered from `load_version`.
What also depends on sign-offs (the Approval table and panel, approvals.services) is kept
under the plan's sign-off revision as well, which every transition raises; the Approval
panel also under its reader. The navigation and the page's forms are never kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from django.core.cache import BaseCache, caches
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

from plans.content import PlanContent
from plans.markdown.writer import content_hash
from plans.models import Plan
from plans.versions import content_at

FRAGMENTS = "template_fragments"


def rendered_cache() -> BaseCache:
    return caches[FRAGMENTS]


def version_key(plan: Plan, number: int) -> str:
    return f"{plan.pk}.{plan.created_at.timestamp():.6f}.{number}"


def load_version(plan: Plan, number: int) -> PlanContent:
    """The whole content of version `number`: the live rows when it is the current one and no
    save committed while they were read (every save raises the version), else the history.
    What is cached under a version number must be exactly that version."""
    if number == plan.version:
        if unread := plan.get_deferred_fields() - set(Plan.SEARCH_FIELDS):
            plan.refresh_from_db(fields=unread)  # read with its bookkeeping only (get_plan_for)
        content = PlanContent.from_plan(plan)
        if still_at(plan, number):
            return content
    return content_at(plan, number)


def still_at(plan: Plan, number: int) -> bool:
    """Whether the plan is still at version `number`: no save committed since it was read."""
    return Plan.objects.filter(pk=plan.pk, version=number).exists()


def lazy_version(plan: Plan, number: int) -> PlanContent:
    """The content of version `number`, loaded when first used (if ever)."""
    return cast(PlanContent, SimpleLazyObject(lambda: load_version(plan, number)))


@dataclass(frozen=True)
class VersionFacts:
    """What the Approval panel, a page title and an export's name need of a version without
    loading it."""

    content_hash: str
    unresolved_questions: int
    title: str


def version_facts(
    plan: Plan, number: int | None = None, whole: PlanContent | None = None
) -> VersionFacts:
    """The facts of version `number`: from the cache, else from `whole` (that version's whole
    content, if the caller has it; never a partial load) or loaded here."""
    number = plan.version if number is None else number
    return cached(
        f"facts:{version_key(plan, number)}",
        lambda: facts_of(whole if whole is not None else load_version(plan, number)),
    )


def facts_of(content: PlanContent) -> VersionFacts:
    return VersionFacts(
        content_hash=content_hash(content),
        unresolved_questions=sum(1 for q in content.open_questions if not q.resolved),
        title=content.plan.title,
    )


def cached[T](key: str, compute: Callable[[], T], keep: Callable[[], bool] | None = None) -> T:
    """compute(), kept under `key` (any text: it is hashed) until the process ends or the
    entry is among the least recently used beyond the cache's size; if `keep` is given, only
    when it says so once computed."""
    cache = rendered_cache()
    digest = hashlib.sha256(key.encode()).hexdigest()
    value = cache.get(digest)
    if value is None:
        value = compute()
        if keep is None or keep():
            cache.set(digest, value, None)
    return value


def kept_rows(plan: Plan, name: str, write: Callable[[], str]) -> SafeString:
    """A section editor's row set `name` as opened at the plan's current version, nothing
    posted: the same for everyone who opens it, so it is written once per version and kept as
    the page's sections are (writing the 300 rows of a 100-phase editor was a third of each
    opening; bench/scale.py). It is kept only when no save committed while its rows were read
    (load_version's check): what is kept under a version is exactly that version."""
    number = plan.version
    html = cached(f"rows:{version_key(plan, number)}:{name}", write, lambda: still_at(plan, number))
    return mark_safe(html)  # written by plans.row_fields, every value escaped
