from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.core.cache.utils import make_template_fragment_key
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from plans.addresses import address_of
from plans.markdown.render import render_inline_markdown, render_markdown
from plans.rendered import kept_rows, rendered_cache
from plans.row_fields import format_safe, render_formset
from plans.search import snippets_for
from plans.sections import NOTE_KEYS

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    return render_markdown(text or "")


@register.filter(name="inline_markdown")
def inline_markdown_filter(text: str | None) -> SafeString:
    return render_inline_markdown(text or "")


@register.filter
def person(user: object) -> str:
    """A user as people name them: full name, else user name; "—" for nobody."""
    if user is None:
        return "—"
    full_name = getattr(user, "get_full_name", lambda: "")()
    return full_name or getattr(user, "username", "") or "—"


AVATAR_COLOURS = 8  # .avatar-0 … .avatar-7 in plansign.css: white initials at 4.5:1 or more


def initials(name: str) -> str:
    """Up to two letters for a person: "Alice Author" → "AA", "bob" → "B"."""
    words = [w for w in name.replace("@", " ").replace(".", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


@register.simple_tag
def avatar(user: object, size: str = "") -> SafeString:
    """A person's initials on a colour of their own (the same on every page, from the user
    name), beside the name, which says who it is: the circle is decoration for readers."""
    name = person(user)
    if user is None or name == "—":
        return mark_safe("")
    key = str(getattr(user, "username", name))
    colour = sum(key.encode()) % AVATAR_COLOURS
    return format_safe(
        '<span class="avatar avatar-{}{}" aria-hidden="true" title="{}">{}</span>',
        colour,
        f" avatar-{size}" if size in ("sm", "lg") else "",
        name,
        initials(name),
    )


@register.filter
def ago(moment: datetime | None) -> str:
    """How long ago, as people say it: "just now" within the minute, else "3 hours ago"."""
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment)} ago"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """mapping[key], or an empty list: for lookups by a value, which template syntax lacks."""
    return mapping.get(key, []) if hasattr(mapping, "get") else []


_DIFF_TAGS = {"insert": "<ins>{}</ins>", "delete": "<del>{}</del>"}


@register.filter
def word_diff(parts: Any) -> SafeString:
    """(op, text) parts of a word diff as HTML: insertions in <ins>, deletions in <del>.
    One join in Python: a compare of two far-apart versions has thousands of parts, and a
    template loop over them took most of its time (bench/scale.py)."""
    return mark_safe(  # every text is escaped here
        "".join(_DIFF_TAGS.get(op, "{}").format(conditional_escape(text)) for op, text in parts)
    )


@register.filter
def kept_notes(plan: Any, section_key: str) -> str:
    """The text an imported document held in this section that fits no row (section_notes)."""
    notes = getattr(plan, "section_notes", None) or {}
    return "\n\n".join(str(notes[k]) for k in NOTE_KEYS.get(section_key, ()) if notes.get(k))


@register.simple_tag
def status_badge(plan: Any, badge_id: str = "", oob: object = False) -> SafeString:
    """A plan's status as a badge ("Archived" once archived), with an id for htmx to swap it
    (out of band when `oob`)."""
    archived = plan.is_archived
    return format_safe(
        '<span{}{} class="badge status-{}{}">{}</span>',
        format_safe(' id="{}"', badge_id) if badge_id else "",
        mark_safe(' hx-swap-oob="true"') if oob else "",
        plan.status,
        " status-archived" if archived else "",
        "Archived" if archived else plan.get_status_display(),
    )


_PLAN_ROW = (
    '    <tr>\n      <td><a href="{url}" class="fw-semibold">{title}</a> '
    '<small class="text-body-secondary">v{version}</small>{hit}</td>\n'
    '      <td data-label="Team">{team}</td>\n      <td data-label="Status">{badge}</td>\n'
    '      <td data-label="Author"><span class="person">{avatar}{author}</span></td>\n'
    '      <td data-label="Written" class="text-nowrap">'
    '<span title="{written} of {sections} sections written">{written}/{sections}</span></td>\n'
    '      <td data-label="Last change"><time datetime="{at}" title="{when}">{ago}</time></td>\n'
    "    </tr>\n"
)
_NAMED_BADGE = ' <span class="badge text-bg-info" title="sent for review as {}">{}</span>'
_HIT = (
    '\n        <p class="search-hit"><span class="badge text-bg-light border me-1">'
    '<span class="visually-hidden">Found in </span>{}</span>{}</p>'
)


@register.simple_tag
def plan_rows(plans: Any, query: str | None = "") -> SafeString:
    """The plan list's rows (a search's with where each plan matched), written in Python: 25
    rows through a template, each with a badge, an avatar and two dates of its own, were most
    of the list's time (bench/scale.py)."""
    rows = []
    plan_url = address_of("plans:detail")  # Plan.get_absolute_url's
    hit_in = snippets_for(query or "")
    badges: dict[tuple[str, bool], SafeString] = {}  # a handful of (status, archived)
    for plan in plans:
        # Quoted only from words read with the plan: a list that searched reads them, one
        # whose filters were not understood does not, and must not read them plan by plan.
        hit = hit_in(vars(plan).get("search_sections")) if query else None
        written, sections = plan.completeness
        at, when = moment_of(plan.updated_at)  # as the activity and history say it
        shown = (plan.status, plan.is_archived)
        if shown not in badges:
            badges[shown] = status_badge(plan)
        rows.append(
            format_safe(
                _PLAN_ROW,
                url=plan_url(plan.pk),
                title=plan.title,
                version=plan.version,
                hit=format_safe(_HIT, hit.section, hit.html) if hit else "",
                team=plan.team,
                badge=badges[shown],
                avatar=avatar(plan.author, "sm"),
                author=person(plan.author),
                written=written,
                sections=sections,
                at=at,
                when=when,
                ago=ago(plan.updated_at),
            )
        )
    return mark_safe("".join(rows))  # each row is format_safe's


_WAITING = (
    '  <li class="list-group-item d-flex justify-content-between align-items-center flex-wrap'
    ' gap-2">\n    <span><a class="fw-semibold" href="{}#approval">{}</a>\n'
    '      <span class="text-body-secondary small">· {} · by {} · as <strong>{}</strong>'
    " · version {}</span></span>\n    {}\n  </li>\n"
)
_STALE = (
    '<span class="small"><span class="badge text-bg-warning">Stale</span> you {} version {} — '
    '<a href="{}?from={}&amp;to={}">what changed since</a></span>'
)


@register.simple_tag
def waiting_items(states: Any) -> SafeString:
    """The items of the sign-offs waiting for a lead (approvals.services.RoleState), written
    in Python as the plan list's rows are: fifty of them through a template were most of the
    page (bench/scale.py)."""
    items = []
    plan_url, compare_url = address_of("plans:detail"), address_of("plans:compare")
    for state in states:
        plan, decision = state.role.plan, state.signoff
        compare = compare_url(plan.pk)
        mark = (
            format_safe(
                _STALE,
                decision.get_decision_display().lower(),
                decision.plan_version,
                compare,
                decision.plan_version,
                plan.version,
            )
            if decision
            else mark_safe('<span class="badge text-bg-info">Waiting for you</span>')
        )
        items.append(
            format_safe(
                _WAITING,
                plan_url(plan.pk),
                plan.title,
                plan.team,
                person(plan.author),
                state.role.name,
                plan.version,
                mark,
            )
        )
    return mark_safe("".join(items))  # each item is format_safe's


def moment_of(at: datetime) -> tuple[str, str]:
    """A moment as a <time> element's attribute and text: the date filter's "c" and
    "Y-m-d H:i", in the current time zone."""
    local = timezone.localtime(at)
    return local.isoformat(), local.strftime("%Y-%m-%d %H:%M")


_EVENT = (
    '<li class="list-group-item activity-{}">\n    <a href="{}">{}</a>\n'
    '    <span class="text-body-secondary small">· {} · <time datetime="{}">{}</time></span>\n'
    '    <div class="small">{}{}{}</div>\n  </li>\n'
)


@register.simple_tag
def event_items(events: Any) -> SafeString:
    """The items of a list of events (plans.activity.Event), written in Python: fifty events
    through a template, their people's avatars and dates each a filter or a tag of its own,
    were half of the activity page's time (bench/scale.py)."""
    items = []
    for e in events:
        who = e.who and format_safe("{} <strong>{}</strong> ", avatar(e.who, "sm"), person(e.who))
        more = e.compare_url and format_safe(' · <a href="{}">what changed</a>', e.compare_url)
        items.append(
            format_safe(
                _EVENT,
                e.kind,
                e.url,
                e.plan.title,
                e.plan.team,
                *moment_of(e.at),
                who or "",
                e.text,
                more or "",
            )
        )
    return mark_safe("".join(items))  # each item is format_safe's


_VERSION_ROW = (
    "    <tr>\n"
    '      <td><input class="form-check-input me-2" type="checkbox" form="compare-form" value="{}"'
    ' aria-label="Compare version {}" data-compare-pick{}><a href="{}">v{}</a>{}</td>\n'
    '      <td data-label="Author"><span class="person">{}{}</span></td>\n'
    '      <td data-label="Saved" class="text-nowrap"><time datetime="{}">{}</time></td>\n'
    '      <td data-label="Sections changed">{}</td>\n'
    "      <td{}>{}</td>\n"
    '      <td class="text-nowrap">{}</td>\n'
    "    </tr>\n"
)


@register.simple_tag(takes_context=True)
def version_rows(context: Any, versions: Any) -> SafeString:
    """The History's rows (plans.models.PlanVersion), written in Python as the events are:
    fifty rows through the template, each with its links, badges, avatar and dates, were two
    thirds of the page's time (bench/scale.py). The page's plan and its review marks
    (history_views.review_marks) come from the context."""
    plan, labels, approved = context["plan"], context["labels"], context["approved"]
    picked = (context["compare_from"], context["compare_to"])
    version_url, compare_url = address_of("plans:version", 2), address_of("plans:compare")
    rows = []
    for v in versions:
        n = v.number
        badges = []
        if n == plan.version:
            badges.append(mark_safe(' <span class="badge text-bg-primary">current</span>'))
        for label in labels.get(n, ()):
            badges.append(format_safe(_NAMED_BADGE, label, label))
        if n in approved:
            badges.append(mark_safe(' <span class="badge text-bg-success">approved</span>'))
        what = n > 1 and format_safe(
            '<a href="{}?from={}&amp;to={}">What changed</a>', compare_url(plan.pk), n - 1, n
        )
        rows.append(
            format_safe(
                _VERSION_ROW,
                n,
                n,
                " checked" if n in picked else "",
                version_url(plan.pk, n),
                n,
                mark_safe("".join(badges)),  # each badge is escaped above
                avatar(v.author, "sm"),
                person(v.author),
                *moment_of(v.created_at),
                ", ".join(v.changed_section_titles) or "—",
                mark_safe(' data-label="Summary"') if v.summary else "",
                v.summary,
                what or "",
            )
        )
    return mark_safe("".join(rows))  # each row is format_safe's


@register.simple_tag
def row_set(part: Any, form: Any) -> SafeString:
    """A section form's row set (plans.forms.RowSet) as its fieldset, rows and all, written
    in Python: a template per row of a 500-row section (phases and their tasks) was most of
    its editor's time (bench/editor_speed.py). The legend is for screen readers only where
    the row set is all the section holds."""
    alone = form.fields is None and len(form.section.rows) == 1

    def write() -> SafeString:
        return render_formset(part.formset, part.rows, part.empty_children, legend_hidden=alone)

    if form.data is not None:  # posted: its rows as typed, with their errors
        return write()
    return kept_rows(form.plan, f"{form.section.key}:{part.formset.prefix}:{alone:d}", write)


class KeptSectionsNode(template.Node):
    def __init__(self, sections: Any, vary_on: list[Any], nodelist: template.NodeList) -> None:
        self.sections, self.vary_on, self.nodelist = sections, vary_on, nodelist

    def render(self, context: template.Context) -> str:
        sections = self.sections.resolve(context)
        timeout, render_key, *vary_on = (v.resolve(context) for v in self.vary_on)
        # The section whose form the page holds (a form of another kind has none).
        live = getattr(context.get("form"), "section", None)
        # The keys the {% cache %} tag would give: "section", then what it varies on.
        keys = {
            s.key: make_template_fragment_key("section", [render_key, s.key, *vary_on])
            for s in sections
            if s != live
        }
        cache = rendered_cache()
        kept = cache.get_many(keys.values()) if timeout != 0 else {}
        out, group = [], None
        for i, section in enumerate(sections):
            if (i == 0 or section.group != group) and section.group:
                out.append(format_safe('<h2 class="plan-group">{}</h2>', section.group))
            group = section.group
            key = keys.get(section.key)
            html = kept.get(key) if key else None
            if html is None:
                with context.push(section=section):
                    html = self.nodelist.render(context)
                if key and timeout != 0:
                    cache.set(key, html, timeout)
            out.append(html)
        return mark_safe("\n".join(out))  # each part is the template's, or escaped


@register.tag
def kept_sections(parser: template.base.Parser, token: template.base.Token) -> KeptSectionsNode:
    """{% kept_sections sections timeout render_key vary_on… %}body{% endkept_sections %}: the
    body (one section, as `section`) for each section, with a heading before each group, each
    kept in the fragments' cache as {% cache timeout "section" render_key section.key
    vary_on… %} keeps it, and the one whose form the page holds (`form`) rendered anew.

    One lookup for all of them: a loop of fifteen {% cache %} tags, each resolving its key and
    asking the cache on its own, were 7-8 % of the plan page (bench/scale.py)."""
    bits = token.split_contents()
    if len(bits) < 4:
        raise template.TemplateSyntaxError(f"{bits[0]} takes sections, a timeout and a key.")
    nodelist = parser.parse(("endkept_sections",))
    parser.delete_first_token()
    sections, *vary_on = (parser.compile_filter(b) for b in bits[1:])
    return KeptSectionsNode(sections, vary_on, nodelist)
