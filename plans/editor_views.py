"""The section editor's background requests: its author's draft, and who is editing what."""

from __future__ import annotations

import json
import re

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from plans import presence
from plans.access import AuthenticatedRequest, get_plan_for
from plans.models import SectionDraft
from plans.ratelimit import RateLimit
from plans.sections import SECTIONS_BY_KEY
from plans.templatetags.plan_tags import person

DRAFT_MAX_CHARS = 1_000_000  # a whole section at its limits fits; more is not a form's post
DRAFT_FIELD = re.compile(r"[\w-]{1,100}")
DRAFTS = RateLimit("section-draft", requests=30, window_seconds=60)
HEARTBEATS = RateLimit("presence", requests=30, window_seconds=60)


def _too_many(wait: int, what: str) -> HttpResponse:
    response = HttpResponse(f"Too many {what}: try again in a minute.", status=429)
    response["Retry-After"] = str(wait)
    return response


@require_POST
def section_draft(request: AuthenticatedRequest, pk: int, key: str) -> HttpResponse:
    """Keep (or with ?discard=1 drop) the signed-in editor's draft of one section: theirs
    alone, never a version. The form's own fields only, up to DRAFT_MAX_CHARS."""
    from plans.views import _editable_section, render_editor

    plan = get_plan_for(request, pk, perm="edit", content=False)
    section = _editable_section(key)
    if plan.is_archived:
        raise PermissionDenied("An archived plan is read-only: restore it to edit.")
    drafts = SectionDraft.objects.filter(plan=plan, user=request.user, section=section.key)
    if "discard" in request.GET:
        drafts.delete()
        if "quiet" in request.GET:  # the editor's script, as its Cancel closes the form
            return HttpResponse(status=204)
        if request.htmx:
            plan = get_plan_for(request, pk, perm="edit")
            return render_editor(request, plan, section)
        return redirect("plans:section_edit", pk=plan.pk, key=section.key)
    if wait := DRAFTS.wait(request.user.pk):
        return _too_many(wait, "drafts")
    data = {
        name: values
        for name, values in request.POST.lists()
        if DRAFT_FIELD.fullmatch(name)
        and name != "csrfmiddlewaretoken"
        and not name.startswith("resolve-")
    }
    if len(json.dumps(data)) > DRAFT_MAX_CHARS:
        return HttpResponse("Too long to keep as a draft: save it instead.", status=413)
    try:
        base = int(data.get("edit-version", [""])[0])
    except ValueError:
        base = plan.version
    base = base if 1 <= base <= plan.version else plan.version
    now = timezone.now()
    SectionDraft.objects.update_or_create(
        plan=plan,
        user=request.user,
        section=section.key,
        defaults={"data": data, "base_version": base, "updated_at": now},
    )
    return HttpResponse(
        f"Draft kept at {timezone.localtime(now):%H:%M}", content_type="text/plain; charset=utf-8"
    )


@require_http_methods(["GET", "POST"])
def plan_presence(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET: who (other than the reader) is editing which section, for anyone who may read the
    plan: a lead about to comment wants to know as much as an editor. POST: the signed-in
    editor's heartbeat, `section` the one they have open (empty: none)."""
    if request.method == "GET":
        plan = get_plan_for(request, pk, content=False)
        editing = presence.editing(plan.pk, request.user.pk)
        titles = {k: SECTIONS_BY_KEY[k].title for k in editing if k in SECTIONS_BY_KEY}
        return JsonResponse(
            {
                "editing": {
                    k: {"names": names, "title": titles[k]}
                    for k, names in editing.items()
                    if k in titles
                }
            }
        )
    plan = get_plan_for(request, pk, perm="edit", content=False)
    if wait := HEARTBEATS.wait(request.user.pk):
        return _too_many(wait, "heartbeats")
    key = request.POST.get("section", "")
    section = SECTIONS_BY_KEY.get(key)
    open_key = section.key if section and section.editable and not plan.is_archived else None
    presence.heartbeat(plan.pk, request.user.pk, person(request.user), open_key)
    return HttpResponse(status=204)
