"""Threads of a plan: the list, the threads beside the plan page's sections, one thread, and its
changes. htmx requests get the thread's box; without JavaScript every action is a form that
posts and comes back to the thread's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plans.access import AuthenticatedRequest, get_plan_for
from plans.models import Plan
from plans.sections import SECTIONS_BY_KEY
from threads import selectors, services
from threads.forms import CommentForm, ThreadForm
from threads.models import Comment, Thread
from threads.rules import Rights, rights_for

BOX = "threads/thread_detail.html#thread"


def _context(request: AuthenticatedRequest, plan: Plan, **extra: Any) -> dict[str, Any]:
    rights = rights_for(plan, request.user)
    return {"plan": plan, "rights": rights, "body_length": services.BODY_LENGTH, **extra}


def section_threads_oob(request: AuthenticatedRequest, plan: Plan, section_key: str) -> str:
    """A section's threads (and the page's thread summary) as out-of-band swaps, for the answer
    to a save of that section: a save may outdate its threads, and one request says so."""
    page = selectors.page_threads(plan, plan.version, section_key)
    context = _context(request, plan, page=page, old=False)
    return render_to_string("threads/_page_threads.html", context, request=request)


def _deny(refusal: str | None) -> None:
    """Refuse at once what the user may never do here (403); what the thread's state refuses
    is said next to the thread (422)."""
    if refusal in services.FORBIDDEN:
        raise PermissionDenied(refusal)


def _thread(plan: Plan, thread_id: int) -> Thread:
    thread = selectors.one_thread(plan, thread_id)
    if thread is None:
        raise Http404("No such thread on this plan.")
    return thread


def _box(
    request: AuthenticatedRequest, plan: Plan, thread_id: int, status: int = 200, **extra: Any
) -> HttpResponse:
    """The thread as it is now: its box for htmx, else its page."""
    context = _context(request, plan, thread=_thread(plan, thread_id), **extra)
    template = BOX if request.htmx else "threads/thread_detail.html"
    return render(request, template, context, status=status)


def _done(request: AuthenticatedRequest, plan: Plan, thread_id: int, said: str) -> HttpResponse:
    if request.htmx:
        return _box(request, plan, thread_id)
    messages.success(request, said)
    return redirect("threads:detail", pk=plan.pk, thread_id=thread_id)


def _refused(
    request: AuthenticatedRequest, plan: Plan, thread_id: int, refused: services.ThreadRefused
) -> HttpResponse:
    _deny(refused.message)
    return _box(request, plan, thread_id, status=refused.status, message=refused.message)


@require_safe
def thread_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk, content=False)
    state = request.GET.get("state") if request.GET.get("state") in {"open", "resolved"} else None
    threads = selectors.thread_list(plan, state)
    counts = selectors.thread_counts(plan)
    context = _context(request, plan, threads=threads, counts=counts, state=state)
    return render(request, "threads/thread_list.html", context)


@require_safe
def page_threads(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The threads of the whole plan page (or of one section) as out-of-band swaps into the
    empty boxes its cached sections carry: one request per page."""
    plan = get_plan_for(request, pk, content=False)
    if not request.htmx:
        return redirect("threads:list", pk=plan.pk)
    asked = request.GET.get("version", "")
    number = int(asked) if asked.isdigit() and 1 <= int(asked) <= plan.version else plan.version
    key = request.GET.get("section")
    page = selectors.page_threads(plan, number, key if key in SECTIONS_BY_KEY else None)
    context = _context(request, plan, page=page, old=number < plan.version)
    return render(request, "threads/_page_threads.html", context)


@require_safe
def thread_detail(request: AuthenticatedRequest, pk: int, thread_id: int) -> HttpResponse:
    plan = get_plan_for(request, pk, content=False)
    return _box(request, plan, thread_id)


@require_http_methods(["GET", "POST"])
def thread_start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk, content=False)
    if refusal := rights_for(plan, request.user).comment_refusal():
        raise PermissionDenied(refusal)
    form = ThreadForm(request.POST or None, initial={"version": plan.version, **_anchor(request)})
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.start_thread(
                plan=plan,
                user=request.user,
                section_key=form.cleaned_data["section"],
                row_id=form.cleaned_data["row"],
                body=form.cleaned_data["body"],
                read_version=form.cleaned_data["version"],
            )
        except services.ThreadRefused as refused:
            _deny(refused.message)
            form.add_error(None, refused.message)
        else:
            return _done(request, plan, thread.pk, "Thread started.")
    context = _context(request, plan, form=form, about=_about(plan, form))
    template = "threads/thread_new.html#form" if request.htmx else "threads/thread_new.html"
    return render(request, template, context, status=422 if request.method == "POST" else 200)


def _anchor(request: AuthenticatedRequest) -> dict[str, Any]:
    """The section (and row) a *Comment* link names, if it names one."""
    key, row = request.GET.get("section", ""), request.GET.get("row", "")
    if key not in SECTIONS_BY_KEY or not SECTIONS_BY_KEY[key].editable:
        return {}
    return {"section": key, "row": int(row)} if row.isdigit() else {"section": key}


def _about(plan: Plan, form: ThreadForm) -> str:
    """What the new thread is on, in words, for the form's label."""
    key, row = form["section"].value(), form["row"].value()
    if key not in SECTIONS_BY_KEY:
        return "a section"
    title = SECTIONS_BY_KEY[key].title
    if not row or not str(row).isdigit() or not SECTIONS_BY_KEY[key].rows:
        return title
    try:
        return f"{title}: {services.row_anchor(plan, key, int(row))[1]}"
    except services.ThreadRefused:
        return title


@require_POST
def thread_reply(request: AuthenticatedRequest, pk: int, thread_id: int) -> HttpResponse:
    plan = get_plan_for(request, pk, content=False)
    thread = _thread(plan, thread_id)
    _deny(rights_for(plan, request.user).comment_refusal())
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _box(request, plan, thread.pk, status=422, reply_form=form)
    try:
        services.reply(
            thread=thread,
            user=request.user,
            body=form.cleaned_data["body"],
            read_version=form.cleaned_data["version"],
        )
    except services.ThreadRefused as refused:
        return _refused(request, plan, thread.pk, refused)
    return _done(request, plan, thread.pk, "Reply posted.")


@require_POST
def thread_resolve(request: AuthenticatedRequest, pk: int, thread_id: int) -> HttpResponse:
    return _change_state(request, pk, thread_id, services.resolve_thread, "Thread resolved.")


@require_POST
def thread_reopen(request: AuthenticatedRequest, pk: int, thread_id: int) -> HttpResponse:
    return _change_state(request, pk, thread_id, services.reopen_thread, "Thread reopened.")


def _change_state(
    request: AuthenticatedRequest,
    pk: int,
    thread_id: int,
    change: Callable[..., Thread],
    done: str,
) -> HttpResponse:
    plan = get_plan_for(request, pk, content=False)
    thread = _thread(plan, thread_id)
    try:
        change(thread=thread, user=request.user)
    except services.ThreadRefused as refused:
        return _refused(request, plan, thread.pk, refused)
    return _done(request, plan, thread.pk, done)


def _comment(thread: Thread, comment_id: int) -> Comment:
    comment = next((c for c in thread.comments.all() if c.pk == comment_id), None)
    if comment is None:
        raise Http404("No such comment in this thread.")
    return comment


@require_http_methods(["GET", "POST"])
def comment_edit(
    request: AuthenticatedRequest, pk: int, thread_id: int, comment_id: int
) -> HttpResponse:
    plan = get_plan_for(request, pk, content=False)
    thread = _thread(plan, thread_id)
    comment = _comment(thread, comment_id)
    refusal = rights_for(plan, request.user).change_refusal(comment, thread)
    _deny(refusal)
    if refusal is not None:
        return _box(request, plan, thread.pk, status=422, message=refusal)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(
                comment=comment, user=request.user, body=form.cleaned_data["body"]
            )
        except services.ThreadRefused as refused:
            return _refused(request, plan, thread.pk, refused)
        return _done(request, plan, thread.pk, "Comment saved.")
    status = 422 if request.method == "POST" else 200
    return _box(request, plan, thread.pk, status=status, editing=comment, edit_form=form)


@require_POST
def comment_delete(
    request: AuthenticatedRequest, pk: int, thread_id: int, comment_id: int
) -> HttpResponse:
    plan = get_plan_for(request, pk, content=False)
    thread = _thread(plan, thread_id)
    comment = _comment(thread, comment_id)
    try:
        services.delete_comment(comment=comment, user=request.user)
    except services.ThreadRefused as refused:
        return _refused(request, plan, thread.pk, refused)
    return _done(request, plan, thread.pk, "Comment deleted.")


@require_safe
def mention_suggestions(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """Members of the plan's team whose user or given name starts with `q`, for the @-mention
    suggestions of a comment box."""
    plan = get_plan_for(request, pk, content=False)
    rights: Rights = rights_for(plan, request.user)
    if not rights.takes_part:
        raise PermissionDenied(rights.comment_refusal())
    members = selectors.mention_candidates(plan, request.GET.get("q", ""))
    return JsonResponse({"members": members})
