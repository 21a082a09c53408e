"""The plan and every section of the plan template, as rows that can be edited, diffed and signed.

Every content model is recorded by django-simple-history. The historical tables carry the number
of the plan version that wrote them (`plan_version`), so "the plan at version N" is a query over
the history: see `plans/versions.py`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plans import recording

if TYPE_CHECKING:
    AnyUser = User | AnonymousUser

VIEW_ALL_PERMISSION = "plans.view_every_plan"

# Characters that end or hide a line: a title holding one breaks every e-mail header it is put
# in, and a row's cell holding one breaks the table it is written in.
_LINE_BREAKERS = "\u2028\u2029\u0085"


def validate_single_line(value: str) -> None:
    if any(c in _LINE_BREAKERS or unicodedata.category(c) == "Cc" for c in value):
        raise ValidationError(
            "Write this on one line, without control characters.",
            code="control_characters",
        )


_BREAKS_TO_SPACES = re.compile(r"[\t\n\r\x0b\x0c\u0085\u2028\u2029]+")


class LineFormField(forms.CharField):
    """What a person types into a single-line field: line breaks and tabs (pressing Enter in a
    long field's text box, a paste from a table) become spaces; other control characters are
    refused with a message."""

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return _BREAKS_TO_SPACES.sub(" ", value).strip() if self.strip else value


class LineField(models.CharField):
    """A single line of text: every title, name and row cell. Control characters are refused."""

    default_validators = [validate_single_line]

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(
            **{"form_class": LineFormField, "validators": [validate_single_line], **kwargs}
        )


class SearchVectorsField(models.Field):
    """PostgreSQL's array of search vectors, only ever written by an expression
    (plans.search.vectors_of) and null on SQLite. Not ArrayField: it casts every value it
    writes, null included, in a syntax SQLite refuses."""

    description = "Search vectors"

    def db_type(self, connection: Any) -> str:
        return "tsvector[]"


def default_signoff_roles() -> list[str]:
    return ["Product Owner", "Technical Lead", "QA Lead"]


class TeamQuerySet(models.QuerySet["Team"]):
    def visible_to(self, user: AnyUser) -> TeamQuerySet:
        """The teams whose plans the user may read: every team for managers, else their own."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm(VIEW_ALL_PERMISSION):
            return self
        return self.filter(memberships__user=user)

    def names(self) -> TeamQuerySet:
        """Only what a choice of teams shows: a filter offers every team to a manager (200 at
        a company's size), and reading their settings (JSON) was a tenth of the plan list."""
        return self.only("pk", "name")


class Team(models.Model):
    name = LineField(max_length=100, unique=True)
    signoff_roles = models.JSONField(
        default=default_signoff_roles,
        help_text="The sign-off roles a new plan of this team starts with, in order.",
    )
    allow_self_signoff = models.BooleanField(
        default=False, help_text="Authors may sign off their own plans."
    )
    threads_block_approval = models.BooleanField(
        default=True, help_text="A plan with unresolved threads cannot be approved."
    )
    viewers_may_comment = models.BooleanField(
        default=False, help_text="Viewers may start threads and reply, as editors do."
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )
    history = HistoricalRecords()

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        # A maintainer is an editor who also looks after the team: its settings, and the
        # sign-off roles and leads of any of its plans (authors manage their own plans' roles).
        MAINTAINER = "maintainer", "Maintainer"
        EDITOR = "editor", "Editor"
        VIEWER = "viewer", "Viewer"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=Q(role__in=["maintainer", "editor", "viewer"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.team}"


# The membership levels that may change a team's plans.
EDITING_ROLES = (Membership.Role.MAINTAINER, Membership.Role.EDITOR)


class PlanQuerySet(models.QuerySet["Plan"]):
    def visible_to(self, user: AnyUser) -> PlanQuerySet:
        """Plans the user may read: every plan for managers, their teams' plans for members."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm(VIEW_ALL_PERMISSION):
            return self
        return self.filter(team__memberships__user=user)

    def editable_by(self, user: AnyUser) -> PlanQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(team__memberships__user=user, team__memberships__role__in=EDITING_ROLES)

    def active(self) -> PlanQuerySet:
        return self.filter(archived_at__isnull=True)

    def unsearched(self) -> PlanQuerySet:
        """Plans without what only search reads (Plan.SEARCH_FIELDS): about 100 KB of a long
        plan's row, read for nothing, and left as they are by a save of what is read."""
        return self.defer(*Plan.SEARCH_FIELDS)


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="plans")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_plans"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(
        default=0, help_text="Number of the latest version; every saved edit adds one."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    # The plan's own content, in template order.
    title = LineField("feature name", max_length=200)
    overview = models.TextField(blank=True)
    architecture = models.TextField(blank=True)
    data_models = models.TextField(blank=True)
    dependencies = models.TextField(blank=True)
    unit_tests = models.TextField(blank=True)
    integration_tests = models.TextField(blank=True)
    acceptance_tests = models.TextField("user acceptance testing", blank=True)
    deployment_strategy = models.TextField(blank=True)
    rollback_plan = models.TextField(blank=True)
    planning_start = models.DateField(null=True, blank=True)
    planning_end = models.DateField(null=True, blank=True)
    development_start = models.DateField(null=True, blank=True)
    development_end = models.DateField(null=True, blank=True)
    testing_start = models.DateField(null=True, blank=True)
    testing_end = models.DateField(null=True, blank=True)
    deployment_date = models.DateField("deployment target date", null=True, blank=True)
    additional_notes = models.TextField(
        blank=True, help_text="Anything that fits no section of the template, kept verbatim."
    )
    # Raised by every sign-off transition (approvals.services), so that what is kept of the
    # Approval panel (plans.rendered) is known to be current from the plan's row alone.
    signoffs_revision = models.PositiveIntegerField(default=0, editable=False)
    # What search reads: every section's words, kept up to date by each save (plans.services).
    search_sections = models.JSONField(default=dict, blank=True, editable=False)
    # How many editable sections hold words, counted as search_sections is written: the plan
    # list shows it on every row, and reading it from search_sections read each listed plan's
    # every word (25 plans of 30 KB are most of a list page's rows; bench/scale.py).
    sections_written = models.PositiveSmallIntegerField(default=0, editable=False)
    # Every word of the plan, where search reads the text (SQLite; empty on PostgreSQL).
    search_text = models.TextField(blank=True, editable=False)
    # PostgreSQL's parsed words of each searched section (plans.search.SEARCHED, in that
    # order), and all of them joined: the GIN-indexed vector search matches. A save parses the
    # sections it writes and joins the others' kept vectors. Unused on SQLite.
    section_vectors = SearchVectorsField(null=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    section_notes = models.JSONField(
        default=dict,
        blank=True,
        help_text="Imported lines that fit no row of a section, kept verbatim in that section.",
    )
    prior_changelog = models.JSONField(
        default=list,
        blank=True,
        help_text="Changelog rows of an imported document (date, version, changes, author).",
    )
    prior_approvals = models.JSONField(
        default=list,
        blank=True,
        help_text="Approval rows typed into an imported document (role, name, date, signature): "
        "its earlier approval record, shown but never counted as sign-offs.",
    )

    # Columns that are not the plan's content: what a page whose sections are kept (see
    # plans.rendered) reads of the plan itself, and what search alone reads.
    BOOKKEEPING_FIELDS: ClassVar[tuple[str, ...]] = (
        *("team", "author", "status", "version", "created_at", "updated_at", "archived_at"),
        *("title", "signoffs_revision", "prior_approvals"),  # the Approval section shows it
        *("author__username", "author__first_name", "author__last_name"),  # how it is named
    )
    SEARCH_FIELDS: ClassVar[tuple[str, ...]] = (
        "search_sections",
        "search_text",
        "section_vectors",
        "search_vector",
    )

    history = recording.VersionedHistoricalRecords(
        bases=[recording.VersionedHistory],
        excluded_fields=[
            "created_at",
            "updated_at",
            "signoffs_revision",
            "search_sections",
            "sections_written",
            "search_text",
            "section_vectors",
            "search_vector",
        ],
    )

    objects = PlanQuerySet.as_manager()

    TIMELINE_PHASES: ClassVar[list[tuple[str, str]]] = [
        ("planning", "Planning"),
        ("development", "Development"),
        ("testing", "Testing"),
    ]

    class Meta:
        ordering = ["-updated_at"]
        permissions = [("view_every_plan", "Can see every team's plans and their history")]
        # The plan list's order: its first page reads 25 plans from here, not a sort of all.
        indexes = [
            models.Index(fields=["-updated_at", "id"], name="plan_recent_first"),
            # The list's plans (not archived) newest first, read from the index alone: a
            # far page walks its offset here and its count stops here (plans.views).
            models.Index(
                fields=["-updated_at", "id"],
                condition=Q(archived_at__isnull=True),
                name="plan_active_recent_first",
            ),
            # One team's list (the team filter) in its order: its 25 plans from here, where
            # the index above walked 5,000 plans of other teams for them (0.1 ms, was 3 ms).
            models.Index(
                fields=["team", "-updated_at", "id"],
                condition=Q(archived_at__isnull=True),
                name="plan_active_team_recent_first",
            ),
            # A lead's waiting sign-offs start from their teams' plans in review: a plan row
            # fills a heap page, and the team index read all 1,500 of four teams' plans for
            # the 300 in review (approvals.services._waiting_roles, on every dashboard).
            models.Index(
                fields=["team"],
                condition=Q(status="in_review", archived_at__isnull=True),
                name="plan_in_review_by_team",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review", "changes_requested", "approved"]),
                name="plan_status_valid",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{phase}_start__isnull": True})
                    | Q(**{f"{phase}_end__isnull": True})
                    | Q(**{f"{phase}_end__gte": models.F(f"{phase}_start")}),
                    name=f"plan_{phase}_end_after_start",
                )
                for phase in ("planning", "development", "testing")
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def timeline(self) -> list[tuple[str, Any, Any]]:
        """(label, start, end) for each timeline phase, in template order."""
        return [
            (label, getattr(self, f"{key}_start"), getattr(self, f"{key}_end"))
            for key, label in self.TIMELINE_PHASES
        ]

    @property
    def completeness(self) -> tuple[int, int]:
        """(sections written, editable sections), read from the search index: no query."""
        from plans.sections import EDITABLE_KEYS

        return self.sections_written, len(EDITABLE_KEYS)

    def index_sections(self, content: Any, sections: Any) -> None:
        """Refresh the search words of these sections from the content being saved: their
        vectors are parsed anew by the statement that saves the plan, the other sections'
        are kept. The notes are no section's: only an import writes them, as it creates the
        plan, and a new plan's every section is parsed. The plan's own fields are already
        the ones being saved."""
        from plans.content import section_text
        from plans.search import SCANNED_CHARS, SEARCHED, vectors_of
        from plans.sections import EDITABLE_KEYS

        index = dict(self.search_sections or {})
        for section in sections:
            index[section.key] = section_text(content, section)
        index["title"] = self.title  # the plan's, saved or not: a form's copy may be older
        index["notes"] = self.additional_notes
        # Only a plan read with its kept vectors known to be current (plans.services) keeps
        # those of the sections not saved: one saved before them, or by a server that did not
        # keep them yet (it writes the search text instead), has them all parsed.
        saved = {"title", *(s.key for s in sections)}  # a few words: parsed on every save
        current = getattr(self, "vectors_current", False) and not self._state.adding
        parsed = saved if current else SEARCHED
        self.section_vectors, self.search_vector = vectors_of(index, parsed, new=self._state.adding)
        # Searched where there are no vectors; PostgreSQL keeps no second copy of the words.
        every_word = "\n".join(t for t in (index.get(k) for k in SEARCHED) if t)
        self.search_text = every_word if self.section_vectors is None else ""
        # The notes are read anew from the plan on every save, so the index keeps only what a
        # search result quotes of them: an imported document's notes can be most of 1 MB.
        index["notes"] = self.additional_notes[:SCANNED_CHARS]
        self.search_sections = index
        self.sections_written = sum(1 for k in EDITABLE_KEYS if index.get(k))

    def join_vectors(self) -> None:
        """A new plan's search vector, once its INSERT wrote its section vectors (an INSERT
        cannot read what it writes; see plans.search.vectors_of)."""
        from plans.search import joined_vectors

        if (joined := joined_vectors()) is not None:
            Plan.objects.filter(pk=self.pk).update(search_vector=joined)
            # Not kept here as None: a later save() of this object would write it back.
            # Deferred, it is left to the row (and read from it if asked).
            del self.search_vector

    def role_of(self, user: AnyUser) -> str | None:
        """The user's role in the plan's team: "maintainer", "editor", "viewer" or None."""
        if not user.is_authenticated:
            return None
        known = self._known_roles.get(user.pk, ...)
        if known is not ...:
            return known
        return next((m.role for m in self.team.memberships.all() if m.user_id == user.pk), None)

    def remember_role(self, user: AnyUser, role: str | None) -> None:
        """Record a role already read with the plan, so that asking again costs no query."""
        self._known_roles = {**self._known_roles, user.pk: role}

    _known_roles: dict[int | None, str | None] = {}

    def remember_lead(self, user: AnyUser, leads: bool) -> None:
        """Record whether the user leads one of the plan's current sign-off roles, read with
        the plan (plans.access.get_plan_for): threads.rules asks it on every plan page."""
        self._known_leads = {**self._known_leads, user.pk: leads}

    def known_lead(self, user: AnyUser) -> bool | None:
        """Whether the user leads a current sign-off role, if read with the plan; else None."""
        return self._known_leads.get(user.pk)

    _known_leads: dict[int | None, bool] = {}
    # Read with the plan by plans.access.get_plan_for: the review panel says on every visit
    # how many threads block approval (they open and close without a new version).
    unresolved_thread_count: int | None = None

    def can_edit(self, user: AnyUser) -> bool:
        """The one rule for editing: an editor (or maintainer) of the plan's team."""
        return self.role_of(user) in EDITING_ROLES

    def can_manage_signoffs(self, user: AnyUser) -> bool:
        """Who may set the plan's sign-off roles and leads: its author, if still an editor of
        the team, or a maintainer of the team."""
        role = self.role_of(user)
        return role == Membership.Role.MAINTAINER or (
            role == Membership.Role.EDITOR and self.author_id == user.pk
        )

    # The review workflow, whole: each event, the statuses it applies to, and where it leads.
    # An event from any other status changes nothing (an edit of a draft stays a draft).
    WORKFLOW: ClassVar[dict[str, tuple[tuple[str, ...], str]]] = {
        "request_signoff": (("draft", "changes_requested"), "in_review"),
        "request_changes": (("in_review",), "changes_requested"),
        "approve": (("in_review",), "approved"),
        "edit": (("approved",), "in_review"),  # an approved plan's sign-offs went stale
    }

    def move(self, event: str) -> bool:
        """Apply a workflow event to the status (not saved); True if the status changed."""
        sources, target = self.WORKFLOW[event]
        if self.status not in sources:
            return False
        self.status = target
        return True

    @property
    def roles_may_change(self) -> bool:
        """Roles and leads change only before review, or when changes were requested: never
        while leads decide, nor on an approved or archived plan."""
        return not self.is_archived and self.status in (
            Plan.Status.DRAFT,
            Plan.Status.CHANGES_REQUESTED,
        )


class Level(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class HttpMethod(models.TextChoices):
    GET = "GET", "GET"
    POST = "POST", "POST"
    PUT = "PUT", "PUT"
    PATCH = "PATCH", "PATCH"
    DELETE = "DELETE", "DELETE"
    HEAD = "HEAD", "HEAD"
    OPTIONS = "OPTIONS", "OPTIONS"
    WS = "WS", "WebSocket"


class PlanRow(models.Model):
    """One row of a repeatable section. Rows are ordered by an explicit position."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    history = recording.VersionedHistoricalRecords(bases=[recording.VersionedHistory], inherit=True)

    # Fields that make up the row's content, in the order the template shows them.
    content_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return str(getattr(self, self.content_fields[0], "")) if self.content_fields else ""


class Goal(PlanRow):
    text = LineField("goal", max_length=500)
    content_fields = ("text",)


class SuccessCriterion(PlanRow):
    text = LineField("criterion", max_length=500)
    content_fields = ("text",)

    class Meta(PlanRow.Meta):
        verbose_name_plural = "success criteria"


STORY_RE = re.compile(r"^as an? (.+?), I want(?: to)? (.+?)(?:,? so that (.+?))?\.?$", re.I)


class UserStory(PlanRow):
    """A user story, kept as the sentence written; its parts (who, what, why) are read from it
    for display, so that it is never re-worded."""

    sentence = LineField("user story", max_length=1200)
    content_fields = ("sentence",)

    class Meta(PlanRow.Meta):
        verbose_name_plural = "user stories"

    def __str__(self) -> str:
        return self.sentence

    @property
    def parts(self) -> tuple[str, str, str] | None:
        """(user type, action, benefit) of an "As a …, I want …, so that …" sentence."""
        match = STORY_RE.match(self.sentence.strip())
        return (match.group(1), match.group(2), match.group(3) or "") if match else None

    @property
    def user_type(self) -> str:
        return self.parts[0] if self.parts else ""

    @property
    def emphasis(self) -> tuple[str, str, str]:
        """The sentence split around its user type, to show it in bold."""
        who = self.user_type
        at = self.sentence.find(who) if who else -1
        if at < 0:
            return ("", "", self.sentence)
        return (self.sentence[:at], who, self.sentence[at + len(who) :])


class ApiEndpoint(PlanRow):
    endpoint = LineField(max_length=300)
    method = models.CharField(max_length=10, choices=HttpMethod.choices, default=HttpMethod.GET)
    request_body = LineField(max_length=500, blank=True)
    response = LineField(max_length=500, blank=True)
    description = LineField(max_length=1000, blank=True)
    content_fields = ("endpoint", "method", "request_body", "response", "description")

    class Meta(PlanRow.Meta):
        verbose_name = "API endpoint"
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=HttpMethod.values), name="apiendpoint_method_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint}"


class Phase(PlanRow):
    name = LineField(max_length=200)
    effort = models.DecimalField(
        "estimated effort (person-days)",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    deliverables = models.TextField(blank=True)
    content_fields = ("name", "effort", "deliverables")

    class Meta(PlanRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(effort__isnull=True) | Q(effort__gte=0),
                name="phase_effort_not_negative",
            )
        ]


class Task(PlanRow):
    """A task of a phase. It also points at the plan so that history is read per plan."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="tasks")
    text = LineField("task", max_length=500)
    done = models.BooleanField(default=False)
    content_fields = ("text", "done")


class FeatureFlag(PlanRow):
    name = LineField(max_length=200)
    default = LineField("default", max_length=100, blank=True)
    description = LineField("purpose", max_length=1000, blank=True)
    owner = LineField(max_length=200, blank=True)
    content_fields = ("name", "default", "description", "owner")


class Risk(PlanRow):
    risk = LineField(max_length=500)
    impact = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    likelihood = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    mitigation = LineField(max_length=1000, blank=True)
    content_fields = ("risk", "impact", "likelihood", "mitigation")

    class Meta(PlanRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(impact__in=Level.values) & Q(likelihood__in=Level.values),
                name="risk_levels_valid",
            )
        ]


class TeamMember(PlanRow):
    name = LineField(max_length=200)
    role = LineField(max_length=200, blank=True)
    content_fields = ("name", "role")


class DocumentationUpdate(PlanRow):
    text = LineField("documentation update", max_length=500)
    content_fields = ("text",)


class OpenQuestion(PlanRow):
    text = LineField("question", max_length=500)
    resolved = models.BooleanField(default=False)
    content_fields = ("text", "resolved")


class PlanVersion(models.Model):
    """The state of a plan after one saved edit: who, when, why and which sections changed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    team = models.ForeignKey(  # the plan's, which never changes (plans.activity)
        Team, on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    summary = LineField(max_length=200, blank=True)
    changed_sections = models.JSONField(default=list)
    history = HistoricalRecords(excluded_fields=["team"])

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number")
        ]
        # The activity feed and the dashboard read the newest saves of a million from here.
        indexes = [
            models.Index(
                fields=["-created_at", "-id"], include=["team"], name="planversion_recent_first"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    @staticmethod
    def section_titles(keys: list[str]) -> list[str]:
        from plans.sections import SECTIONS_BY_KEY

        return [SECTIONS_BY_KEY[key].title if key in SECTIONS_BY_KEY else key for key in keys]

    @property
    def changed_section_titles(self) -> list[str]:
        return self.section_titles(self.changed_sections)

    @staticmethod
    def describe(summary: str, changed_sections: list[str]) -> str:
        """What the Changelog says: the author's summary, else the sections that changed."""
        return (
            summary
            or ", ".join(PlanVersion.section_titles(changed_sections))
            or ("No content change")
        )

    @property
    def description(self) -> str:
        return self.describe(self.summary, self.changed_sections)


class NamedVersion(models.Model):
    """A version the author sent for review, named (1.0, 1.1, 2.0…) with a summary: what the
    Changelog lists. Every save stays a numbered PlanVersion; a few of them are named."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="named_versions")
    team = models.ForeignKey(  # the plan's (plans.activity)
        Team, on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )
    number = models.PositiveIntegerField(help_text="The plan version this name was given to.")
    label = LineField(max_length=20)
    summary = LineField(max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    history = HistoricalRecords(excluded_fields=["team"])

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "label"], name="namedversion_unique_label")
        ]
        indexes = [
            models.Index(
                fields=["-created_at", "-id"], include=["team"], name="namedversion_recent_first"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.label}"

    @staticmethod
    def next_label(latest: str | None, *, major: bool = False) -> str:
        """The label a new named version is offered: 1.0 first, then 1.1, 1.2… or, for a major
        change, the next whole number (2.0). A label that is not a number starts at 1.0."""
        match = re.fullmatch(r"v?(\d+)(?:\.(\d+))?", (latest or "").strip())
        if not match:
            return "1.0"
        whole, part = int(match.group(1)), int(match.group(2) or 0)
        return f"{whole + 1}.0" if major else f"{whole}.{part + 1}"


class SectionDraft(models.Model):
    """What one author typed into a section's open editor and did not save yet, kept for them
    alone so that nothing typed is lost (a closed tab, a crash, a sign-out). Not a version: it
    changes nothing others see, and goes when its author saves the section or discards it.
    `data` is the form as posted (field name → values); `base_version` the version it was
    opened at, so that restoring it and saving merges with what others saved since."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=40)
    data = models.JSONField()
    base_version = models.PositiveIntegerField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "user", "section"], name="sectiondraft_one_per_author"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.plan} / {self.section}"


class ImportDraft(models.Model):
    """An uploaded document waiting in the import preview: kept server-side so that re-mapping
    a heading never uploads it again. Only its owner may read it; it lasts DRAFT_HOURS, and a
    person keeps at most DRAFTS_PER_USER of them (the oldest go first)."""

    DRAFT_HOURS = 2
    DRAFTS_PER_USER = 5

    token = models.CharField(max_length=43, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_drafts"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    document = models.TextField()
    overrides = models.JSONField(default=dict, blank=True)  # heading index → where it goes
    # What the preview shows of the reading with these overrides (see `keep_reading`): the
    # page is shown again without reading a long document again (a 1 MB one takes 0.2 s).
    reading = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename or "pasted text"

    def keep_reading(self, result: Any) -> None:
        """Keep what the preview shows of `result` (a reader's ImportResult), plain values."""
        self.reading = {
            "title": result.content.plan.title,
            "summary": result.summary(),
            "structured": result.structured,
            "headings": [list(heading) for heading in result.headings],
            "rows": [[key, count] for key, count in result.rows.items() if count],
            "kept": [[line.heading, line.outcome] for line in result.kept],
        }
