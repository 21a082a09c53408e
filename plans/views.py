from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import asdict
from datetime import timedelta
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import IntegerField, QuerySet, Subquery
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, lazy
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from approvals.services import approval_panel, approval_rows, approval_table_key, waiting_for
from plans import presence
from plans.access import AuthenticatedRequest, get_plan_for
from plans.activity import Filters, feed
from plans.charts import effort_bars, timeline
from plans.content import PlanContent
from plans.diff import diff_section
from plans.forms import (
    MARKDOWN_MAX_CHARS,
    ImportForm,
    PlanCreateForm,
    PlanFilterForm,
    SectionForm,
    add_blank_row,
)
from plans.markdown.collector import collector_paused
from plans.markdown.writer import write_plan
from plans.merge import merge_section
from plans.models import (
    EDITING_ROLES,
    VIEW_ALL_PERMISSION,
    Membership,
    NamedVersion,
    Plan,
    SectionDraft,
)
from plans.ratelimit import RateLimit
from plans.rendered import (
    VersionFacts,
    cached,
    lazy_version,
    load_version,
    version_facts,
    version_key,
)
from plans.search import with_total
from plans.sections import SECTIONS, SECTIONS_BY_KEY, Section
from plans.services import (
    EditConflict,
    create_plan,
    duplicate_plan,
    import_plan,
    keep_import_draft,
    own_fields,
    read_import_draft,
    save_section,
    save_section_read_back,
    set_archived,
)
from plans.templatetags.plan_tags import person
from plans.versions import content_at
from threads.rules import rights_for
from threads.views import section_threads_oob

PLANS_PER_PAGE = 25
LAST_PAGE = 100_000  # a page number past it reads as it: its offset fits any database
DASHBOARD_ROWS = 10


@require_safe
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    memberships = list(Membership.objects.filter(user=request.user).select_related("team"))
    teams = tuple(m.team_id for m in memberships)
    drafts, in_review = _authored(request.user, DASHBOARD_ROWS)
    context = {
        "my_drafts": drafts[:DASHBOARD_ROWS],
        "more_drafts": len(drafts) > DASHBOARD_ROWS,
        "my_in_review": in_review[:DASHBOARD_ROWS],
        "more_in_review": len(in_review) > DASHBOARD_ROWS,
        "waiting": waiting_for(request.user, limit=DASHBOARD_ROWS),
        "events": feed(Plan.objects.all(), Filters(teams=teams), limit=DASHBOARD_ROWS).events,
        "memberships": memberships,
    }
    return render(request, "plans/dashboard.html", context)


# What the dashboard's cards show of the user's own plans (their author is the user).
AUTHORED_SHOWN = ("title", "status", "version", "updated_at", "archived_at", "team__name")


def _authored(user: User, n: int) -> tuple[list[Plan], list[Plan]]:
    """The user's newest `n` + 1 drafts (changes requested included) and plans in review: one
    more of each is read to know whether there are more (a card says "10+" and links to them
    all). One statement where the database takes a LIMIT in each part of a UNION (PostgreSQL):
    a round trip and a plan fewer on every dashboard, and only what the cards show is read."""
    mine = Plan.objects.visible_to(user).active().filter(author=user)
    mine = mine.select_related("team").only(*AUTHORED_SHOWN)
    drafts = mine.filter(status__in=[Plan.Status.DRAFT, Plan.Status.CHANGES_REQUESTED])
    in_review = mine.filter(status=Plan.Status.IN_REVIEW)
    if not connection.features.supports_slicing_ordering_in_compound:  # SQLite: two
        return list(drafts[: n + 1]), list(in_review[: n + 1])
    read = list(drafts[: n + 1].union(in_review[: n + 1], all=True))
    return (
        [p for p in read if p.status != Plan.Status.IN_REVIEW],
        [p for p in read if p.status == Plan.Status.IN_REVIEW],
    )


class BoundedCount(Subquery):
    """How many rows a sliced query of keys holds: SELECT COUNT(*) over its LIMIT."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


class BoundedCountPaginator(Paginator):
    """Pages of a list too long to count on every visit: rows are counted only up to
    COUNT_AHEAD past the page, so a page costs the same at 100,000 plans as at 100
    (bench/scale.py). Past the bound the list says "more than": `more` is true and `count` is
    the bound. A page number past the last page reads as the last page, as Django's get_page
    does.

    The first pages read their rows by offset and count with a COUNT over a LIMIT (or take
    the count the rows carry, search.with_total). Past them the offset is walked over the
    keys alone, which an index answers (plans.Plan's plan_active_recent_first), and the same
    walk goes on COUNT_AHEAD keys past the page to count them: page 200 read 5,000 plans'
    rows to show 25, then read 6,000 more to count them (25 ms at 100,000 plans)."""

    COUNT_AHEAD = 250  # ten pages past this one

    more = False

    def get_page(self, number: Any) -> Page:
        try:
            number = min(max(1, int(number)), LAST_PAGE)
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        rows, counted = self._rows(bottom)
        bound = bottom + self.per_page + self.COUNT_AHEAD
        if rows:
            if counted is None:
                counted = getattr(rows[0], "total", None)  # search.with_total
            if counted is None:
                counted = self._count_up_to(bound + 1)
            self.count, self.more = min(counted, bound), counted > bound
            return Page(rows, number, self)
        # No rows, or past the last page: count them all (at most the rows before this page)
        # and read the last page, if there is one.
        self.count = self._count_up_to(bottom) if number > 1 else 0
        last = self.num_pages
        if not self.count or last == number:
            return Page([], number if self.count else 1, self)
        return Page(self._rows((last - 1) * self.per_page)[0], last, self)

    def _rows(self, bottom: int) -> tuple[list[Any], int | None]:
        """The page's rows, and how many rows there are up to COUNT_AHEAD past them (more than
        the bound if there are more): on the first pages counted by the same statement (a
        bounded count as a subquery, which PostgreSQL runs once: a query of its own cost the
        list 0.5-1 ms to build, plan and run), on the keys' path by walking them."""
        rows = self.object_list
        top = bottom + self.per_page
        if not isinstance(rows, QuerySet):
            return list(rows[bottom:top]), None
        if bottom < self.per_page * 4:
            if "total" in rows.query.annotations:  # search.with_total's
                return list(rows[bottom:top]), None
            bound = top + self.COUNT_AHEAD + 1
            counted = rows.annotate(counted=BoundedCount(rows.order_by().values("pk")[:bound]))
            read = list(counted[bottom:top])
            return read, (read[0].counted if read else None)
        keys = list(rows.values_list("pk", flat=True)[bottom : top + self.COUNT_AHEAD + 1])
        if not keys:
            return [], None
        return list(rows.filter(pk__in=keys[: self.per_page])), bottom + len(keys)

    def _count_up_to(self, limit: int) -> int:
        """The rows, counted no further than `limit`: SELECT COUNT(*) over a LIMIT of their
        keys alone — a search's rank is an annotation, and counting must not rank them."""
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows[:limit])
        return rows.order_by().values("pk")[:limit].count()


@require_safe
def plan_list(request: AuthenticatedRequest) -> HttpResponse:
    form = PlanFilterForm(request.GET or None, user=request.user)
    results = form.results(form.visible_plans())
    if form.ranks:  # at most RANKED_AT_MOST rows: counted with them
        results = with_total(results)
    page = BoundedCountPaginator(results, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "form": form, "query": query.urlencode()}
    template = "plans/plan_list.html#results" if request.htmx else "plans/plan_list.html"
    return render(request, template, context)


@require_safe
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk, content=False)
    return render(request, "plans/plan_detail.html", page_context(request, plan))


APPROVAL_AT = [s.key for s in SECTIONS].index("approval")


def named_versions(plan: Plan, number: int) -> list[NamedVersion]:
    """The Changelog's rows: the versions named for review up to version `number`, oldest
    first. The History page lists every save."""
    named = plan.named_versions.filter(number__lte=number).select_related("author")
    return list(named.order_by("created_at", "id"))


def page_context(
    request: AuthenticatedRequest,
    plan: Plan,
    content: PlanContent | None = None,
    number: int | None = None,
    whole: PlanContent | None = None,
) -> dict:
    """What the plan page (at version `number`, the current one by default) and each of its
    section partials render from. Everything but the plan itself is lazy: the sections are
    cached as rendered for their version, and a page whose sections all come from the cache
    loads no content at all. The Approval panel is per user, and weighs sign-offs against
    the version's hash, which is cached too."""
    number = plan.version if number is None else number
    # A caller's content may hold only the rows of one section; facts need a whole version
    # (a caller that has one, lazy or not, passes it as `whole`).
    kept = content is None
    if content is None:
        whole = shown = lazy_version(plan, number)
    else:
        shown = content
    facts = cast(VersionFacts, SimpleLazyObject(lambda: version_facts(plan, number, whole)))
    return {
        "plan": plan,
        "content": shown,
        "title": plan.title if number == plan.version else lazy(lambda: facts.title, str)(),
        # Kept only when rendered from the whole version as read by load_version; a page
        # built from a caller's content (a form's, maybe one section's rows) never is.
        "render_key": version_key(plan, number) if kept else "not-kept",
        "fragment_timeout": None if kept else 0,
        "today": (today := timezone.localdate()),
        "sections_before": SECTIONS[:APPROVAL_AT],
        "approval_section": SECTIONS[APPROVAL_AT],
        "sections_after": SECTIONS[APPROVAL_AT + 1 :],
        "named_versions": SimpleLazyObject(lambda: named_versions(plan, number)),
        "plan_may_edit": (may_edit := plan.can_edit(request.user)),
        "can_edit": may_edit and not plan.is_archived and number == plan.version,
        # Threads are written on the current version only; who may is threads.rules' to say.
        "may_comment": SimpleLazyObject(
            lambda: number == plan.version and rights_for(plan, request.user).may_comment
        ),
        "approval": SimpleLazyObject(lambda: approval_panel(plan, facts, request.user)),
        "approval_table_key": SimpleLazyObject(lambda: approval_table_key(plan, facts)),
        "outline": SimpleLazyObject(lambda: outline(shown)["outline"]),
        "completeness": SimpleLazyObject(lambda: outline(shown)["completeness"]),
        "timeline_chart": SimpleLazyObject(lambda: timeline(shown.plan, today)),
        "effort_chart": SimpleLazyObject(lambda: effort_bars(shown.phases)),
    }


def outline(content: PlanContent) -> dict[str, object]:
    """The sections with whether each is written (None for generated ones), and the tally."""
    marks = [(s, content.section_filled(s) if s.editable else None) for s in SECTIONS]
    written = [filled for _, filled in marks if filled is not None]
    filled, total = sum(written), len(written)
    return {
        "outline": marks,
        "completeness": {"filled": filled, "total": total, "percent": round(100 * filled / total)},
    }


def _editable_section(key: str) -> Section:
    section = SECTIONS_BY_KEY.get(key)
    if section is None or not section.editable:
        raise Http404("No such section.")
    return section


def _render_section(
    request: AuthenticatedRequest,
    plan: Plan,
    content: PlanContent | None,
    section: Section,
    form: SectionForm | None = None,
    status: int = 200,
    whole: PlanContent | None = None,
    **extra: object,
) -> HttpResponse:
    """The section (for htmx) or the page with it. `content` None: the page around a form is
    the current version, kept (plans/rendered.py): only the form is rendered anew."""
    context = {
        **page_context(request, plan, content, whole=whole),
        "section": section,
        "form": form,
        **extra,
    }
    template = "plans/plan_detail.html#section" if request.htmx else "plans/plan_detail.html"
    return render(request, template, context, status=status)


@require_safe
def section_detail(request: AuthenticatedRequest, pk: int, key: str) -> HttpResponse:
    plan = get_plan_for(request, pk)
    section = SECTIONS_BY_KEY.get(key)
    if section is None:
        raise Http404("No such section.")
    if not request.htmx:
        return redirect(f"{plan.get_absolute_url()}#{section.anchor}")
    return _render_section(request, plan, PlanContent.from_plan(plan, only=section.reads), section)


@require_http_methods(["GET", "POST"])
def section_edit(request: AuthenticatedRequest, pk: int, key: str) -> HttpResponse:
    plan = get_plan_for(request, pk, perm="edit")
    section = _editable_section(key)
    if plan.is_archived:
        raise PermissionDenied("An archived plan is read-only: restore it to edit.")
    if request.method == "GET":
        return render_editor(request, plan, section, restore=request.GET.get("draft") == "restore")
    # An htmx swap only needs this section, and so does a save that ends in a redirect; a full
    # page (no JavaScript, the form back with an error or one more row) shows every section,
    # as kept for the current version.
    content = PlanContent.from_plan(plan, only=section.reads)

    def page_content() -> PlanContent | None:
        return content if request.htmx else None

    data = request.POST
    if "add_row" in data:  # without JavaScript, "Add row" posts the form back with one more row
        data = add_blank_row(data, data["add_row"], section)
        form = SectionForm(plan, content, section, data)
        return _render_section(request, plan, page_content(), section, form)
    form = SectionForm(plan, content, section, _resolve_clashes(data, section))
    if not form.is_valid():
        return _render_section(request, plan, page_content(), section, form, status=422)
    try:
        # One transaction: the save, the draft it makes obsolete, and (for the page's
        # out-of-band refresh) the whole version it wrote, read while the plan is locked.
        with transaction.atomic():
            save: dict[str, Any] = {
                "plan": plan,
                "section": section,
                "new": form.desired_content(),
                "user": request.user,
                "opened_version": form.version,
                "summary": form.summary,
            }
            if request.htmx:
                version, whole = save_section_read_back(**save)
            else:  # a redirect: the page that follows reads what it shows
                version, whole = save_section(**save), None
            # Saved (or nothing to save): the editor is closed, its draft done with.
            SectionDraft.objects.filter(plan=plan, user=request.user, section=section.key).delete()
    except EditConflict as conflict:
        return _render_conflict(request, conflict, section, form)
    presence.heartbeat(plan.pk, request.user.pk, person(request.user), None)
    if not request.htmx:
        if version is None:
            messages.info(request, f"No changes to {section.title}: nothing was saved.")
        else:
            messages.success(request, f"{section.title} saved as version {version.number}.")
        return redirect(f"{plan.get_absolute_url()}#{section.anchor}")
    if version is None:
        content = PlanContent.from_plan(plan, only=section.reads)
        return _render_section(request, plan, content, section, unchanged=True)
    # The response also refreshes, out of band, all else on the page the save changed: the
    # outline's tally and badges, status, meta and review, all from the new version, read once.
    # The section's threads come with it too (a save may outdate them): one save, one request.
    assert whole is not None  # a version was written
    marks = outline(whole)
    response = _render_section(
        request,
        plan,
        whole,
        section,
        whole=whole,
        saved=version,
        outline=marks["outline"],
        completeness=marks["completeness"],
    )
    response.write(section_threads_oob(request, plan, section.key))
    return response


def render_editor(
    request: AuthenticatedRequest, plan: Plan, section: Section, *, restore: bool = False
) -> HttpResponse:
    """A section's edit form as opened: offering the editor's unsaved draft if they have one,
    or (`restore`) filled with it, at the version it was written on, so that saving it merges
    with whatever was saved since."""
    # The form's own rows only: what the section shows beside them (Resources charts the
    # phases) is not in its form, and was a third of the 100-row Resources editor.
    content = PlanContent.from_plan(plan, only=section.rows)
    # The page around the form (without JavaScript) is the current version, as kept; an htmx
    # swap renders the form alone.
    page = content if request.htmx else None
    draft = SectionDraft.objects.filter(plan=plan, user=request.user, section=section.key).first()
    if draft is not None and restore:
        data = QueryDict(mutable=True)
        for name, values in draft.data.items():
            if isinstance(values, list):
                data.setlist(name, [str(v) for v in values])
        form = SectionForm(plan, content, section, data)
        return _render_section(request, plan, page, section, form, restored=draft)
    form = SectionForm(plan, content, section)
    return _render_section(request, plan, page, section, form, draft=draft)


def _resolve_clashes(data: Any, section: Section) -> Any:
    """The posted data with each text clash resolved as chosen: "mine" or "theirs" puts that
    wording in its field; anything else keeps the field as typed (both wordings, at first)."""
    resolved = data
    for name in own_fields(section):
        choice = data.get(f"resolve-{name}")
        if choice in ("mine", "theirs") and f"resolve-{name}-{choice}" in data:
            if resolved is data:
                resolved = data.copy()
            resolved[name] = data[f"resolve-{name}-{choice}"]
    return resolved


def _render_conflict(
    request: AuthenticatedRequest, conflict: EditConflict, section: Section, posted: SectionForm
) -> HttpResponse:
    """The section as it is now, what changed in it, and the user's changes merged on top."""
    plan = get_plan_for(request, conflict.plan.pk, perm="edit")
    base = content_at(plan, posted.version)
    theirs = PlanContent.from_plan(plan, only=section.reads if request.htmx else None)
    merge = merge_section(section, base, theirs, posted.desired_content())
    form = SectionForm(plan, merge.content, section, summary=posted.summary)
    return _render_section(
        request,
        plan,
        theirs,
        section,
        form,
        status=409,
        conflict=conflict.versions,
        their_changes=diff_section(section, base, theirs),
        clashes=merge.clashes,
    )


@require_POST
def markdown_preview(request: AuthenticatedRequest) -> HttpResponse:
    """The Markdown an editor is typing, as the plan page will show it: for editors only, and
    at a bounded rate, since each preview renders up to MARKDOWN_MAX_CHARS."""
    if not Membership.objects.filter(user=request.user, role__in=EDITING_ROLES).exists():
        raise PermissionDenied("Only a team's editors preview Markdown.")
    if wait := PREVIEWS.wait(request.user.pk):
        response = HttpResponse("Too many previews: try again in a minute.", status=429)
        response["Retry-After"] = str(wait)
        return response
    field = request.GET.get("field", "")  # the name of the posted field to preview
    text = request.POST.get(field, "")[:MARKDOWN_MAX_CHARS]
    return render(request, "plans/_markdown_preview.html", {"text": text})


PREVIEWS = RateLimit("markdown-preview", requests=60, window_seconds=60)


@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedRequest) -> HttpResponse:
    form = PlanCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        plan = create_plan(
            team=form.cleaned_data["team"],
            author=request.user,
            content=PlanContent(plan=Plan(title=form.cleaned_data["title"])),
        )
        messages.success(request, "Plan created. Fill in its sections with the Edit buttons.")
        return redirect(plan)
    status = 422 if request.method == "POST" else 200
    return render(request, "plans/plan_create.html", {"form": form}, status=status)


@require_POST
def plan_duplicate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk, perm="edit")
    copy = duplicate_plan(plan=plan, user=request.user)
    messages.success(request, f"“{copy.title}” is a new draft with every section copied.")
    return redirect(copy)


@require_POST
def plan_archive(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk, perm="edit")
    archive = request.POST.get("archive") != "0"
    set_archived(plan=plan, user=request.user, archived=archive)
    messages.success(
        request,
        "Plan archived: it stays readable and can be restored." if archive else "Plan restored.",
    )
    return redirect(plan)


@require_safe
def plan_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk, content=False)
    number = plan.version
    if "version" in request.GET:
        try:
            number = int(request.GET["version"])
        except ValueError:
            raise Http404("No such version.") from None
        if not 1 <= number <= plan.version:
            raise Http404("No such version.")
    return export_response(plan, number)


def export_response(plan: Plan, number: int) -> HttpResponse:
    """The plan at version `number` as a Markdown download named after its title then."""
    response = HttpResponse(
        export_document(plan, number), content_type="text/markdown; charset=utf-8"
    )
    title = plan.title if number == plan.version else version_facts(plan, number).title
    filename = f"{slugify(title, allow_unicode=True) or 'plan'}-v{number}.md"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def export_document(plan: Plan, number: int) -> str:
    """Version `number` as Markdown. The Approval table and the named versions are read anew
    each time; the document is kept per version, Approval table and named versions."""
    approvals = approval_rows(plan, version_facts(plan, number))

    named = named_versions(plan, number)
    signed = hashlib.sha256(repr((approvals, [(v.pk, v.summary) for v in named])).encode())

    def write() -> str:
        content = load_version(plan, number)
        return write_plan(content, approvals=approvals, named_versions=named)

    return cached(f"export:{version_key(plan, number)}:{signed.hexdigest()[:16]}", write)


@require_http_methods(["GET", "POST"])
@collector_paused()  # the form reads the whole document, the import saves it
def plan_import(request: AuthenticatedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid() and "preview" in request.POST:
        draft = keep_import_draft(
            user=request.user,
            team=form.cleaned_data["team"],
            document=form.cleaned_data["document"],
            filename=form.cleaned_data["filename"],
            parsed=form.cleaned_data["parsed"],
        )
        return redirect("plans:import_preview", token=draft.token)
    if request.method == "POST" and form.is_valid():
        plan, report = import_plan(
            team=form.cleaned_data["team"],
            author=request.user,
            document=form.cleaned_data["document"],
            filename=form.cleaned_data["filename"],
            parsed=form.cleaned_data["parsed"],
        )
        # Redirect after the post, so that reloading the report never imports twice.
        request.session[f"import-report-{plan.pk}"] = [asdict(line) for line in report]
        request.session[f"import-summary-{plan.pk}"] = form.cleaned_data["parsed"].summary()
        return redirect("plans:import_report", pk=plan.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "plans/import.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@collector_paused()  # a re-mapping reads the whole document again, an import saves it
def import_preview(request: AuthenticatedRequest, token: str) -> HttpResponse:
    """What the import will make, before anything is made: each heading and where it goes (a
    select re-maps it), rows per section, passages kept as notes. *Import* creates the plan.
    The document is the user's own draft (another's token is a 404); it is read again only
    when a heading is re-mapped or the plan is imported, the page shows the kept reading."""
    from plans.models import ImportDraft

    draft = ImportDraft.objects.filter(
        token=token,
        user=request.user,
        created_at__gte=timezone.now() - timedelta(hours=ImportDraft.DRAFT_HOURS),
    ).first()
    if draft is None:
        raise Http404("This import preview has expired: upload the document again.")
    if request.method == "POST" or not draft.reading:  # none kept by an older release
        result, refusal = read_import_draft(draft=draft, choices=request.POST)
        if refusal:  # a choice that made a section too long: the choices were undone
            messages.error(request, refusal)
    if request.method == "POST" and request.POST.get("action") == "import":
        if not Membership.objects.filter(
            team=draft.team, user=request.user, role__in=EDITING_ROLES
        ).exists():
            raise PermissionDenied("You are no longer an editor in this team.")
        plan, report = import_plan(
            team=draft.team,
            author=request.user,
            document=draft.document,
            filename=draft.filename,
            parsed=result,
        )
        draft.delete()
        request.session[f"import-report-{plan.pk}"] = [asdict(line) for line in report]
        request.session[f"import-summary-{plan.pk}"] = result.summary()
        return redirect("plans:import_report", pk=plan.pk)
    context = {
        "draft": draft,
        "reading": draft.reading,
        "headings": _heading_choices(draft.reading["headings"]),
    }
    template = "plans/import_preview.html#preview" if request.htmx else "plans/import_preview.html"
    return render(request, template, context)


def _heading_choices(headings: list[list[Any]]) -> list[tuple[int, int, str, str, str]]:
    """(index, level, heading, where it goes, its select's options) per heading. A long
    document has hundreds of headings: the options are written once per section they can
    select, each heading takes the one string of its section."""
    from plans.markdown.reader import TARGETS

    options = {
        chosen: mark_safe(  # of escaped parts only: the keys are ours, the labels escaped
            "".join(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    key,
                    " selected" if key == chosen else "",
                    label,
                )
                for key, label in TARGETS.items()
            )
        )
        for chosen in [*TARGETS, ""]
    }
    return [
        (index, level, heading, placed, options.get(placed, options[""]))
        for index, level, heading, placed in headings
    ]


@require_safe
def import_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    report = request.session.get(f"import-report-{plan.pk}")
    if report is None:
        raise Http404("This import's report is no longer available.")
    summary = request.session.get(f"import-summary-{plan.pk}", "")
    return render(
        request, "plans/import_report.html", {"plan": plan, "report": report, "summary": summary}
    )


def _unique(name: str, taken: set[str]) -> str:
    """`name`, numbered (“-2”, “-3”…) if it is taken already."""
    n, unique = 1, name
    while unique in taken:
        n += 1
        unique = f"{name}-{n}"
    return unique


@require_safe
def export_all(request: AuthenticatedRequest) -> HttpResponse:
    """Every plan the user may see, as one zip of Markdown files: a backup a person can read."""
    if not request.user.has_perm(VIEW_ALL_PERMISSION):
        raise PermissionDenied("Only managers export every plan.")
    buffer = io.BytesIO()
    folders: dict[int, str] = {}  # a folder per team; teams whose names read alike are numbered
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        plans = Plan.objects.visible_to(request.user).select_related("team", "author")
        plans = plans.unsearched()  # what search reads is not exported
        for plan in plans.order_by("team__name", "pk").iterator(chunk_size=100):
            if plan.team_id not in folders:
                slug = slugify(plan.team.name, allow_unicode=True) or "team"
                folders[plan.team_id] = _unique(slug, set(folders.values()))
            stem = f"{slugify(plan.title, allow_unicode=True) or 'plan'}-{plan.pk}-v{plan.version}"
            archive.writestr(
                f"{folders[plan.team_id]}/{stem}.md", export_document(plan, plan.version)
            )
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="plansign-plans.zip"'
    return response
