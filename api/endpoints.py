"""The API's endpoints: load and authorize through plans.access, call the same selectors and
services as the pages, answer with api.serialize's JSON."""

from __future__ import annotations

import json
import re
from typing import Any, get_args

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Header, Query, Router, Status
from ninja import Path as PathParam

from api import serialize
from api.problems import Problem
from api.schemas import (
    ApprovalOut,
    CommentIn,
    CommentOut,
    CompareOut,
    ImportIn,
    ImportOut,
    PlanDetail,
    PlanFilters,
    PlanPage,
    ProblemOut,
    SectionIn,
    SectionKey,
    SectionSaved,
    SignoffsOut,
    ThreadIn,
    ThreadOut,
    ThreadPage,
    VersionDetail,
    VersionPage,
)
from api.section_input import form_data, form_errors
from approvals.models import Signoff
from approvals.services import (
    RoleState,
    approval_blockers,
    approval_states,
    unresolved_threads,
)
from plans.access import AuthenticatedRequest, get_plan_for
from plans.content import PlanContent
from plans.diff import diff_plans
from plans.forms import ImportForm, PlanFilterForm, SectionForm
from plans.models import NamedVersion, Plan
from plans.rendered import cached, load_version, version_facts, version_key
from plans.search import with_total
from plans.sections import SECTIONS_BY_KEY
from plans.services import EditConflict, PlanArchived, import_plan, save_section
from threads.models import Comment, Thread
from threads.services import ThreadRefused, reply, start_thread

router = Router()

PLANS_PER_PAGE = 25
VERSIONS_PER_PAGE = 50
THREADS_PER_PAGE = 25
DECISIONS_SHOWN = 200

READ = {401: ProblemOut, 404: ProblemOut, 422: ProblemOut, 429: ProblemOut}


def _req(request: HttpRequest) -> AuthenticatedRequest:
    return request  # type: ignore[return-value]


def _plan(request: HttpRequest, pk: int, perm: str = "view", content: bool = False) -> Plan:
    return get_plan_for(_req(request), pk, perm, content=content)  # type: ignore[arg-type]


def _number(plan: Plan, raw: int | None, name: str = "version") -> int:
    if raw is None:
        return plan.version
    if not 1 <= raw <= plan.version:
        raise Problem(
            404,
            f"{plan.title} has no version {raw}: its versions are 1 to {plan.version}.",
            errors=[{"field": name, "message": f"Between 1 and {plan.version}."}],
        )
    return raw


def _content(plan: Plan, number: int) -> str:
    """Version `number` as JSON text, kept as the pages keep a version's sections: a version
    never changes. (Read and serialized each time, the 500-row plan's JSON answered fewer
    requests a second than its HTML page: bench/api_serve.py.)"""

    def write() -> str:
        content = load_version(plan, number)
        facts = version_facts(plan, number, content)
        body = serialize.content_json(content, number=number, sha256=facts.content_hash)
        return json.dumps(body, cls=DjangoJSONEncoder)

    return cached(f"api-content:{version_key(plan, number)}", write)


def _json_with_content(head: dict[str, Any], content: str, **headers: str) -> HttpResponse:
    """`head` with its "content" member, the kept JSON text, spliced in unparsed."""
    body = json.dumps(head, cls=DjangoJSONEncoder)[:-1] + ', "content": ' + content + "}"
    return HttpResponse(body, content_type="application/json", headers=headers)


def _pages(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


@router.get("plans/", response={200: PlanPage, **READ}, summary="Plans you may see")
def plan_list(request: HttpRequest, filters: Query[PlanFilters]) -> dict[str, Any]:
    """The web list's search, filters and sort, 25 plans a page."""
    data = {k: v for k, v in filters.dict().items() if v not in (None, False, "")}
    form = PlanFilterForm(data, user=request.user, people_by="pk")
    if not form.is_valid():
        errors = [
            {"field": name, "message": str(m)} for name, ms in form.errors.items() for m in ms
        ]
        raise Problem(422, "The filters are not valid: see errors.", errors=errors)
    results = form.results(form.visible_plans())
    start = (filters.page - 1) * PLANS_PER_PAGE
    plans = list(with_total(results)[start : start + PLANS_PER_PAGE])
    count = plans[0].total if plans else results.count()
    return {
        "count": count,
        "page": filters.page,
        "pages": _pages(count, PLANS_PER_PAGE),
        "results": [serialize.plan_summary(p) for p in plans],
    }


@router.get("plans/{int:plan_id}", response={200: PlanDetail, **READ}, summary="One plan")
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Every section as structured JSON; the ETag is the version, for If-Match."""
    plan = _plan(request, plan_id)
    head = {**serialize.plan_summary(plan), "created_at": serialize.value(plan.created_at)}
    return _json_with_content(head, _content(plan, plan.version), ETag=f'"{plan.version}"')


@router.get(
    "plans/{int:plan_id}/versions/", response={200: VersionPage, **READ}, summary="Versions"
)
def version_list(request: HttpRequest, plan_id: int, page: int = Query(1, ge=1, le=100_000)) -> Any:
    plan = _plan(request, plan_id)
    versions = plan.versions.select_related("author").order_by("-number")
    paginator = Paginator(versions, VERSIONS_PER_PAGE)
    shown = list(versions[(page - 1) * VERSIONS_PER_PAGE : page * VERSIONS_PER_PAGE])
    numbers = [v.number for v in shown]
    names = _names(plan, numbers)
    return {
        "count": plan.version,
        "page": page,
        "pages": paginator.num_pages,
        "results": [_version(v, names.get(v.number)) for v in shown],
    }


def _names(plan: Plan, numbers: list[int]) -> dict[int, str]:
    named = NamedVersion.objects.filter(plan=plan, number__in=numbers).order_by("created_at", "id")
    return {n.number: n.label for n in named}


def _version(v: Any, named: str | None) -> dict[str, Any]:
    return {
        "number": v.number,
        "created_at": serialize.value(v.created_at),
        "author": serialize.person(v.author),
        "summary": v.summary,
        "changed_sections": list(v.changed_sections),
        "named": named,
    }


@router.get(
    "plans/{int:plan_id}/versions/{int:number}",
    response={200: VersionDetail, **READ},
    summary="The plan at one version",
)
def version_detail(request: HttpRequest, plan_id: int, number: int) -> Any:
    plan = _plan(request, plan_id)
    number = _number(plan, number, "number")
    record = plan.versions.select_related("author").get(number=number)
    head = {"plan": plan.pk, "version": _version(record, _names(plan, [number]).get(number))}
    return _json_with_content(head, _content(plan, number))


@router.get(
    "plans/{int:plan_id}/compare",
    response={200: CompareOut, **READ},
    summary="What changed between two versions",
)
def compare(
    request: HttpRequest,
    plan_id: int,
    from_: int | None = Query(None, alias="from", ge=1, description="By default, to - 1"),
    to: int | None = Query(None, ge=1, description="By default, the current version"),
) -> Any:
    """Changed sections only, each with its field changes and row changes (added, removed,
    changed, moved; a phase's tasks as its children)."""
    plan = _plan(request, plan_id)
    new_n = _number(plan, to, "to")
    old_n = _number(plan, from_ if from_ is not None else max(1, new_n - 1), "from")
    diffs = diff_plans(load_version(plan, old_n), load_version(plan, new_n))
    return {"plan": plan.pk, "from": old_n, "to": new_n, "sections": serialize.diff_json(diffs)}


@router.get(
    "plans/{int:plan_id}/export",
    response={200: str, **READ},
    summary="The plan as Markdown",
)
def plan_export(
    request: HttpRequest, plan_id: int, version: int | None = Query(None, ge=1)
) -> HttpResponse:
    """The template's Markdown document of the plan (or of `version`), as the page's export."""
    from plans.views import export_response

    plan = _plan(request, plan_id)
    return export_response(plan, _number(plan, version))


WRITE = {400: ProblemOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}
WRITE |= {413: ProblemOut, 429: ProblemOut}


@router.post("plans/import", response={201: ImportOut, **WRITE}, summary="A new plan from Markdown")
def plan_import(request: HttpRequest, payload: ImportIn) -> Any:
    """A new draft from a Markdown document, with the import's report: what became of each
    heading."""
    form = ImportForm({"team": payload.team, "text": payload.markdown}, user=request.user)
    if not form.is_valid():
        errors = []
        for name, messages in form.errors.items():
            field = {"text": "markdown", "file": "markdown", "__all__": "markdown"}.get(name, name)
            errors += [{"field": field, "message": str(m)} for m in messages]
        raise Problem(422, "The plan was not imported: see errors.", errors=errors)
    plan, report = import_plan(
        team=form.cleaned_data["team"],
        author=_req(request).user,
        document=form.cleaned_data["document"],
        filename=payload.filename.strip(),
        parsed=form.cleaned_data["parsed"],
    )
    plan = Plan.objects.select_related("team", "author").unsearched().get(pk=plan.pk)
    report_json = [{"heading": r.heading, "outcome": r.outcome, "kept": r.kept} for r in report]
    return Status(201, {"plan": serialize.plan_summary(plan), "report": report_json})


IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def _opened_version(header: str | None, plan: Plan) -> int:
    if header is None:
        raise Problem(
            428,
            f'Send If-Match: "N" with the version you read (now {plan.version}): a save '
            "without it could overwrite someone's change.",
            current_version=plan.version,
        )
    match = IF_MATCH.match(header)
    number = int(match.group(1)) if match else 0
    if not 1 <= number <= plan.version:
        raise Problem(
            412,
            f"If-Match must name a version of the plan, 1 to {plan.version}, "
            f'as "N": not {header[:40]!r}.',
            current_version=plan.version,
        )
    return number


@router.put(
    "plans/{int:plan_id}/sections/{key}",
    response={200: SectionSaved, 409: ProblemOut, 412: ProblemOut, 428: ProblemOut, **WRITE},
    summary="Replace one section",
)
def section_update(
    request: HttpRequest,
    plan_id: int,
    payload: SectionIn,
    response: HttpResponse,
    # Checked after the plan (404 or 403 first, as the pages answer); its values are listed in
    # the schema (api.api.PlansignAPI).
    key: str = PathParam(..., max_length=40),
    if_match: str | None = Header(
        None, alias="If-Match", description='The version read, as "N" (required: 428 without)'
    ),
) -> Any:
    """Save one section as a new version, checked as the edit page checks it. Needs If-Match
    (see the rules above); a row set sent replaces the section's rows in its order."""
    plan = _plan(request, plan_id, "edit", content=True)
    section = SECTIONS_BY_KEY.get(key)
    if section is None or not section.editable:
        editable = ", ".join(get_args(SectionKey))
        raise Problem(404, f"No editable section {key[:40]!r}: one of {editable}.")
    if plan.is_archived:
        raise Problem(403, "This plan is archived and read-only: restore it to change it.")
    opened = _opened_version(if_match, plan)
    content = PlanContent.from_plan(plan)
    data = form_data(plan, content, section, payload.dict(), opened)
    form = SectionForm(plan, content, section, data)
    if not form.is_valid():
        raise Problem(422, "The section was not saved: see errors.", errors=form_errors(form))
    try:
        version = save_section(
            plan=plan,
            section=section,
            new=form.desired_content(),
            user=_req(request).user,
            opened_version=opened,
            summary=form.summary,
        )
    except EditConflict as conflict:
        raise Problem(
            409,
            f"{section.title} changed after version {opened}: read the plan again (now "
            f"version {conflict.plan.version}) and reapply your change.",
            current_version=conflict.plan.version,
            conflicting_versions=[v.number for v in conflict.versions],
        ) from None
    except PlanArchived as archived:
        raise Problem(403, str(archived)) from None
    response["ETag"] = f'"{plan.version}"'
    saved = PlanContent.from_plan(plan, only=section.reads)
    return {
        "saved": version is not None,
        "version": plan.version,
        "section": serialize.section(saved, section),
    }


def _signoff_json(state: RoleState) -> dict[str, Any]:
    s = state.signoff
    return {
        "role": state.role.name,
        "lead": serialize.person(state.role.assignee) if state.role.assignee_id else None,
        "state": state.state,
        "decision": s.decision if s else None,
        "decided_by": serialize.person(s.user) if s else None,
        "decided_at": serialize.value(s.created_at) if s else None,
        "version": s.plan_version if s else None,
        "sha256": s.content_hash if s else None,
        "named_version": s.named_version.label if s and s.named_version else None,
        "comment": s.comment if s else None,
    }


@router.get(
    "plans/{int:plan_id}/signoffs",
    response={200: SignoffsOut, **READ},
    summary="Sign-off roles and decisions",
)
def signoffs(request: HttpRequest, plan_id: int) -> Any:
    """Read only: deciding needs the lead's password, in the browser."""
    plan = _plan(request, plan_id)
    states = approval_states(plan, version_facts(plan))
    decisions = (
        Signoff.objects.filter(plan=plan)
        .select_related("role", "user", "named_version")
        .order_by("-created_at", "-id")[:DECISIONS_SHOWN]
    )
    return {
        "plan": plan.pk,
        "status": plan.status,
        "roles": [_signoff_json(s) for s in states],
        "decisions": [
            {
                "role": d.role.name,
                "decision": d.decision,
                "user": serialize.person(d.user),
                "created_at": serialize.value(d.created_at),
                "version": d.plan_version,
                "sha256": d.content_hash,
                "named_version": d.named_version.label if d.named_version else None,
                "comment": d.comment,
            }
            for d in decisions
        ],
    }


@router.get(
    "plans/{int:plan_id}/approval",
    response={200: ApprovalOut, **READ},
    summary="Is the plan approved (at this content)?",
)
def approval(
    request: HttpRequest,
    plan_id: int,
    sha256: str | None = Query(None, max_length=64, description="The content's SHA-256"),
    version: int | None = Query(None, ge=1, description="A version number"),
) -> Any:
    """The CI gate: `approved` is true only when every role approved the current version and
    it is the content asked about (`sha256`, the hash the Markdown export's content hashes to,
    or `version`). `blockers` says what keeps it from being approved."""
    plan = _plan(request, plan_id)
    facts = version_facts(plan)
    states = approval_states(plan, facts)
    blockers: list[str] = []
    if sha256 is not None and sha256.lower() != facts.content_hash:
        blockers.append(
            f"The plan's content is not {sha256[:64]!r}: version {plan.version} hashes to "
            f"{facts.content_hash}."
        )
    if version is not None and version != plan.version:
        blockers.append(f"Version {version} is not the current one: the plan is at {plan.version}.")
    if plan.status != Plan.Status.APPROVED:
        blockers.append(f"The plan is {plan.get_status_display().lower()}, not approved.")
        undecided = [s.role.name for s in states if not s.approved and not s.is_stale]
        if undecided:
            blockers.append(f"Waiting for: {', '.join(undecided)}.")
        blockers += approval_blockers(
            unresolved_questions=facts.unresolved_questions,
            unresolved_threads=unresolved_threads(plan),
            stale=[s.role.name for s in states if s.is_stale],
        )
    elif not all(s.approved for s in states):
        blockers.append("Not every role approved the current version.")
    named = (
        NamedVersion.objects.filter(plan=plan, number=plan.version)
        .order_by("-created_at", "-id")
        .first()
    )
    return {
        "plan": plan.pk,
        "approved": not blockers,
        "status": plan.status,
        "version": plan.version,
        "sha256": facts.content_hash,
        "named_version": named.label if named else None,
        "signoffs": [_signoff_json(s) for s in states],
        "blockers": blockers,
    }


@router.get("plans/{int:plan_id}/threads/", response={200: ThreadPage, **READ}, summary="Threads")
def thread_list(request: HttpRequest, plan_id: int, page: int = Query(1, ge=1, le=100_000)) -> Any:
    """The plan's discussions, newest first, with their comments (a deleted one's text is
    gone)."""
    plan = _plan(request, plan_id)
    threads = (
        Thread.objects.filter(plan=plan)
        .select_related("created_by")
        .prefetch_related("comments__author")
        .order_by("-created_at", "-id")
    )
    paginator = Paginator(threads, THREADS_PER_PAGE)
    shown = paginator.get_page(page) if page <= paginator.num_pages else []
    return {
        "count": paginator.count,
        "page": page,
        "pages": paginator.num_pages,
        "results": [_thread(t) for t in shown],
    }


@router.post(
    "plans/{int:plan_id}/threads/", response={201: ThreadOut, **WRITE}, summary="Open a thread"
)
def thread_create(request: HttpRequest, plan_id: int, payload: ThreadIn) -> Any:
    """A thread on a section, or on one of its rows, with its first comment: who may comment
    is the plan page's rule (threads.rules)."""
    plan = _plan(request, plan_id)
    try:
        thread = start_thread(
            plan=plan,
            user=_req(request).user,
            section_key=payload.section,
            body=payload.body,
            row_id=payload.row_id,
        )
    except ThreadRefused as refused:
        raise Problem(refused.status, refused.message) from None
    threads = Thread.objects.select_related("created_by").prefetch_related("comments__author")
    return Status(201, _thread(threads.get(pk=thread.pk)))


@router.post(
    "plans/{int:plan_id}/threads/{int:thread_id}/comments",
    response={201: CommentOut, **WRITE},
    summary="Reply in a thread",
)
def comment_create(request: HttpRequest, plan_id: int, thread_id: int, payload: CommentIn) -> Any:
    plan = _plan(request, plan_id)
    thread = Thread.objects.filter(plan=plan, pk=thread_id).first()
    if thread is None:
        raise Problem(404, "No such thread on this plan.")
    thread.plan = plan
    try:
        comment = reply(thread=thread, user=_req(request).user, body=payload.body)
    except ThreadRefused as refused:
        raise Problem(refused.status, refused.message) from None
    return Status(201, _comment(comment))


def _comment(c: Comment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "author": serialize.person(c.author),
        "body": "" if c.is_deleted else c.body,
        "version": c.version,
        "created_at": serialize.value(c.created_at),
        "edited_at": serialize.value(c.edited_at) if c.edited_at else None,
        "deleted": c.is_deleted,
    }


def _thread(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.pk,
        "section": thread.section_key,
        "about": thread.about,
        "version": thread.version,
        "created_by": serialize.person(thread.created_by),
        "created_at": serialize.value(thread.created_at),
        "resolved": thread.is_resolved,
        "resolved_at": serialize.value(thread.resolved_at) if thread.resolved_at else None,
        "comments": [_comment(c) for c in thread.comments.all()],
    }


__all__ = ["Http404", "PathParam", "router"]
