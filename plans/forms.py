"""Forms for editing a plan one section at a time.

A section form is the plan's own fields of that section plus one formset per row set (phases
with a nested task formset each). Formsets are plain formsets carrying each row's id, checked
against the plan's rows in one pass, so validating a section costs no query per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.forms.formsets import (
    DELETION_FIELD_NAME,
    ORDERING_FIELD_NAME,
    BaseFormSet,
    formset_factory,
)
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from plans.content import ROW_MODELS, PhaseContent, PlanContent
from plans.models import (
    EDITING_ROLES,
    VIEW_ALL_PERMISSION,
    Membership,
    Phase,
    Plan,
    PlanRow,
    PlanVersion,
    Task,
    Team,
)
from plans.row_fields import OpenedRow, QuickInput
from plans.sections import MAX_ROWS, Section, note_labels
from plans.versions import content_at

MARKDOWN_MAX_CHARS = 100_000
MARKDOWN_FIELDS = {
    f.name for f in Plan._meta.get_fields() if isinstance(f, models.TextField)
}  # every TextField of Plan is Markdown


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _plan_formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.TextField):
        return forms.CharField(
            label=field.verbose_name.capitalize(),
            required=not field.blank,
            widget=forms.Textarea(attrs={"rows": 6, "class": "markdown-input"}),
            validators=[MaxLengthValidator(MARKDOWN_MAX_CHARS)],
            help_text=f"Markdown, up to {MARKDOWN_MAX_CHARS // 1000} KB.",
            strip=False,
        )
    if isinstance(field, models.DateField):
        return field.formfield(widget=DateInput, **kwargs)
    return field.formfield(**kwargs)


class PlanFieldsForm(forms.ModelForm):
    """The plan's own fields of one section; checks the timeline's order."""

    class Meta:
        model = Plan
        fields: list[str] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.fields:
            # A browser always sends every field; a missing one means a truncated or forged
            # post, which must not be read as "clear this field".
            if self.add_prefix(name) not in self.data:
                self.add_error(name, "This field was missing from the form; nothing was saved.")
        for key, label in Plan.TIMELINE_PHASES:
            start, end = data.get(f"{key}_start"), data.get(f"{key}_end")
            if start and end and end < start:
                self.add_error(f"{key}_end", f"{label} cannot end before it starts ({start}).")
        return data

    def _post_clean(self) -> None:
        # The instance is only a carrier of values here; the save service validates the plan.
        pass


def plan_fields_form(section: Section) -> type[PlanFieldsForm] | None:
    fields = ["title", *section.fields] if section.key == "overview" else list(section.fields)
    if not fields:
        return None
    return forms.modelform_factory(  # type: ignore[return-value]
        Plan, form=PlanFieldsForm, fields=fields, formfield_callback=_plan_formfield
    )


class SharedFields(dict):
    """A form class's fields that each of its forms uses as they are, not deep copies.

    A form deep-copies its class's fields so that one form may change its own; row forms
    never do (their fields come from the model, their formset adds ORDER and DELETE to each
    form's own dict), and copying the choices and validators of a 100-row section's
    hundreds of fields was most of the time it took to build, or validate, its form
    (bench/editor_speed.py)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)


class NotesForm(forms.Form):
    """The text an import kept in a section that fits no row (Plan.section_notes), one
    Markdown field per key of the section, shown while the section holds such text: a section
    written in Plansign has none to offer. Cleared, the notes are removed."""

    def __init__(
        self, section: Section, notes: dict[str, Any], data: Any = None, **kwargs: Any
    ) -> None:
        initial = {key: notes[key] for key in note_labels(section) if notes.get(key)}
        super().__init__(data, initial=initial, prefix="notes", **kwargs)
        for key, label in note_labels(section).items():
            # Bound, only what was posted: a form opened before the notes came back (a
            # restore) or an API body leaves them alone rather than clearing them.
            if key in initial if data is None else self.add_prefix(key) in data:
                self.fields[key] = forms.CharField(
                    label=label,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4, "class": "markdown-input"}),
                    validators=[MaxLengthValidator(MARKDOWN_MAX_CHARS)],
                    help_text="Markdown, kept as the document wrote it; clear it to remove it.",
                    strip=False,
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Browsers post a textarea's line breaks as CRLF; the document's are LF, and a save
        # that changed nothing else must not read as a change of the notes.
        return {k: str(v).replace("\r\n", "\n") for k, v in data.items()}

    def notes_after(self, notes: dict[str, Any]) -> dict[str, Any]:
        """`notes` with this form's fields written over them, an emptied one removed."""
        merged = dict(notes)
        for key, value in self.cleaned_data.items():
            if value.strip():
                merged[key] = value
            else:
                merged.pop(key, None)
        return merged


class RowForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    # While its formset validates, a row the form opened with is not compared with what it
    # opened with (RowFormSet.full_clean): nothing reads the answer.
    opened_while_validating = False

    def has_changed(self) -> bool:
        return self.opened_while_validating or super().has_changed()


class RowFormSet(BaseFormSet):
    """A row set's formset: the ids it posts must be rows of this plan (not of another)."""

    model: type[PlanRow]
    allowed_ids: set[int]

    @cached_property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural).capitalize()

    @cached_property
    def noun(self) -> str:
        return str(self.model._meta.verbose_name)

    @cached_property
    def compact(self) -> bool:
        """One-field rows (goals, tasks…) show their label to screen readers only."""
        return len([f for f in self.model.content_fields if f != "done"]) == 1

    @property
    def row_pairs(self) -> list[tuple[Any, None]]:
        return [(row, None) for row in self.rows()]

    def rows(self) -> Sequence[Any]:
        """The rows to write: an editor as opened writes its rows from their first values
        (OpenedRow), without a form each; a bound formset, or one whose forms were built
        already, writes its forms."""
        initial = self.initial or []
        if self.is_bound or "forms" in vars(self) or self.total_form_count() != len(initial):
            return self.forms
        fields = {
            **self.form.base_fields,
            ORDERING_FIELD_NAME: self.order_field,
            DELETION_FIELD_NAME: self.delete_field,
        }
        return [
            OpenedRow(self, i, fields, {**values, ORDERING_FIELD_NAME: i + 1})
            for i, values in enumerate(initial)
        ]

    def __init__(self, *args: Any, allowed_ids: set[int] | None = None, **kwargs: Any) -> None:
        self.allowed_ids = allowed_ids or set()
        super().__init__(*args, **kwargs)

    # Every row's position and removal fields, shared as its own fields are (SharedFields):
    # a formset makes two new fields a row, a good part of building a 500-row section. The
    # position a row opens with is its form's initial value instead of its own field's.
    order_field = forms.IntegerField(label=_("Order"), required=False, widget=forms.NumberInput)
    delete_field = forms.BooleanField(label=_("Delete"), required=False)

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        form.fields[ORDERING_FIELD_NAME] = self.order_field
        if index is not None and index < self.initial_form_count():
            form.initial = {**form.initial, ORDERING_FIELD_NAME: index + 1}
        form.fields[DELETION_FIELD_NAME] = self.delete_field

    def full_clean(self) -> None:
        """As BaseFormSet's. It asks every form whether it changed, and counts only the answers
        of the forms past those it opened with (an unchanged one is a blank new row): for the
        rows it opened with, comparing each field with its first value was a third of
        validating a 100-row section (bench/scale.py's save), for an answer never read. They
        are cleaned all the same; kept_forms asks the new rows it needs to."""
        opened = self.forms[: self.initial_form_count()] if self.is_bound else []
        for form in opened:
            form.opened_while_validating = True
        try:
            super().full_clean()
        finally:
            for form in opened:
                form.opened_while_validating = False

    def clean(self) -> None:
        seen: set[int] = set()
        for form in self.forms:
            row_id = form.cleaned_data.get("id") if hasattr(form, "cleaned_data") else None
            if row_id is None:
                continue
            if row_id not in self.allowed_ids or row_id in seen:
                raise ValidationError(
                    "A row in this form no longer belongs to the plan (it may have been removed "
                    "by someone else). Reload the section and apply your change again."
                )
            seen.add(row_id)

    def kept_forms(self) -> list[forms.Form]:
        """Forms in the order the user arranged them, without the removed and the blank new."""
        return [
            f
            for f in self.ordered_forms
            if not (f.cleaned_data.get("id") is None and not f.has_changed())
        ]


def row_formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.DecimalField):
        return field.formfield(min_value=0, label="Effort (person-days)", **kwargs)
    if isinstance(field, models.CharField) and field.max_length and field.max_length >= 1000:
        return field.formfield(widget=forms.Textarea(attrs={"rows": 2}), **kwargs)
    if isinstance(field, models.TextField):
        return field.formfield(
            widget=forms.Textarea(attrs={"rows": 2, "class": "markdown-input"}),
            validators=[MaxLengthValidator(MARKDOWN_MAX_CHARS)],
            **kwargs,
        )
    return field.formfield(**kwargs)


def row_formset(model: type[PlanRow]) -> type[RowFormSet]:
    form = type(
        f"{model.__name__}Form",
        (RowForm,),
        forms.fields_for_model(
            model, fields=model.content_fields, formfield_callback=row_formfield
        ),
    )
    form.base_fields = SharedFields(form.base_fields)  # type: ignore[attr-defined]
    return formset_factory(  # type: ignore[return-value]
        form,
        formset=type(f"{model.__name__}FormSet", (RowFormSet,), {"model": model}),
        extra=0,
        can_order=True,
        can_delete=True,
        max_num=MAX_ROWS,
        validate_max=True,
        absolute_max=MAX_ROWS,
    )


FORMSETS: dict[str, type[RowFormSet]] = {key: row_formset(m) for key, m in ROW_MODELS.items()}
FORMSETS["tasks"] = row_formset(Task)


class SectionForm:
    """Everything one section's edit form posts: version, summary, fields and row sets."""

    def __init__(
        self,
        plan: Plan,
        content: PlanContent,
        section: Section,
        data: Any = None,
        summary: str = "",
    ) -> None:
        self.plan, self.content, self.section = plan, content, section
        self.data = data
        initial = {"version": plan.version, "summary": summary}
        self.meta = EditMetaForm(data, initial=initial, prefix="edit")
        self.meta.fields["version"].validators.append(
            MaxValueValidator(
                plan.version, "This form belongs to no version of the plan: reload it."
            )
        )
        self.ids_when_opened = self._ids_when_opened()
        fields_form = plan_fields_form(section)
        self.fields = fields_form(data, instance=_copy(content.plan)) if fields_form else None
        self.notes = NotesForm(section, content.plan.section_notes or {}, data)
        self.formsets: dict[str, RowFormSet] = {
            key: self._formset(key, content.rows(key)) for key in section.rows
        }
        self.task_formsets: list[RowFormSet] = []
        if "phases" in section.rows:
            self.task_ids = {t.pk for p in content.phases for t in p.tasks} | (
                self.ids_when_opened.get("tasks", set())
            )
            phases = self.formsets["phases"]
            self.task_formsets = [
                self._task_formset(phases.add_prefix(i), i)
                for i in range(phases.total_form_count())
            ]
            empty_prefix = self.formsets["phases"].empty_form.prefix
            self.empty_task_formset = self._task_formset(empty_prefix, None)

    def _ids_when_opened(self) -> dict[str, set[int]]:
        """The row ids of this section at the version a stale form was opened at. Rows
        removed since are someone else's change, to be merged (a 409), not a forged id."""
        if self.data is None or not self.meta.is_valid():
            return {}
        opened = self.meta.cleaned_data["version"]
        if not 1 <= opened < self.plan.version:
            return {}
        then = content_at(self.plan, opened)
        ids = {key: {r.pk for r in then.row_objects(key)} for key in self.section.rows}
        ids["tasks"] = {t.pk for p in then.phases for t in p.tasks}
        return ids

    def _formset(self, key: str, rows: list[Any]) -> RowFormSet:
        model = ROW_MODELS[key]
        initial = [
            {"id": r.pk, **{f: getattr(r, f) for f in model.content_fields}}
            for r in (p.phase if isinstance(p, PhaseContent) else p for p in rows)
        ]
        return FORMSETS[key](
            self.data,
            initial=None if self.data is not None else initial,
            prefix=key,
            allowed_ids={r["id"] for r in initial} | self.ids_when_opened.get(key, set()),
        )

    def _task_formset(self, phase_prefix: str, index: int | None) -> RowFormSet:
        phases = self.content.phases
        tasks = phases[index].tasks if index is not None and index < len(phases) else []
        initial = [{"id": t.pk, "text": t.text, "done": t.done} for t in tasks]
        bound = self.data is not None and index is not None
        return FORMSETS["tasks"](
            self.data if bound else None,
            initial=None if bound else initial,
            prefix=f"{phase_prefix}-tasks",
            allowed_ids=self.task_ids,
        )

    @property
    def parts(self) -> list[tuple[str, Any]]:
        """("field", bound field) and ("rows", RowSet) in the order the page shows them."""
        row_sets = {rs.formset.prefix: rs for rs in self.row_sets}
        fields = {f.name: f for f in self.fields} if self.fields else {}
        parts: list[tuple[str, Any]] = [("field", fields.pop("title"))] if "title" in fields else []
        for name in self.section.parts:
            parts.append(("rows", row_sets[name]) if name in row_sets else ("field", fields[name]))
        return parts + [("field", field) for field in self.notes]

    @property
    def row_sets(self) -> list[RowSet]:
        """Each formset with its rows, phases paired with their task formsets."""
        sets = []
        for key, formset in self.formsets.items():
            if key == "phases":
                pairs = list(zip(formset.rows(), self.task_formsets, strict=True))
                sets.append(RowSet(formset, pairs, self.empty_task_formset))
            else:
                sets.append(RowSet(formset, formset.row_pairs, None))
        return sets

    def all_forms(self) -> list[Any]:
        return [
            self.meta,
            *([self.fields] if self.fields else []),
            self.notes,
            *self.formsets.values(),
            *self.task_formsets,
        ]

    @property
    def error_links(self) -> list[tuple[str, str, str]]:
        """(field id or "", label, message) for every error of the form, in page order: the
        error summary links each to its field."""
        links: list[tuple[str, str, str]] = []

        def of_form(form: forms.BaseForm, where: str) -> None:
            for error in form.non_field_errors():
                links.append(("", where or "Form", str(error)))
            for name, errors in form.errors.items():
                if name == "__all__":
                    continue
                bound = form[name]
                label = f"{bound.label} of {where}" if where else str(bound.label)
                if where and len(form.fields) <= 4:  # id, ORDER, DELETE and the one field
                    label = where[0].upper() + where[1:]
                target = "" if bound.is_hidden else bound.auto_id
                links.append((target, label, " ".join(str(e) for e in errors)))

        of_form(self.meta, "")
        if self.fields:
            of_form(self.fields, "")
        of_form(self.notes, "")
        for formset in [*self.formsets.values(), *self.task_formsets]:
            for error in formset.non_form_errors():
                links.append(("", formset.label, str(error)))
            for number, row in enumerate(formset.forms, start=1):
                if row.errors:
                    of_form(row, f"{formset.noun} {number}")
        return links

    def is_valid(self) -> bool:
        valid = all([f.is_valid() for f in self.all_forms()])  # noqa: C419 - validate every part
        return valid and self._each_task_in_one_phase()

    def _each_task_in_one_phase(self) -> bool:
        """Each formset checks its own rows; a task posted under two phases is caught here."""
        seen: set[int] = set()
        for formset in self.task_formsets:
            for form in formset.kept_forms():
                task_id = form.cleaned_data.get("id")
                if task_id in seen:
                    formset.non_form_errors().append(
                        "A task appears in two phases. Reload the section and try again."
                    )
                    return False
                if task_id is not None:
                    seen.add(task_id)
        return True

    @property
    def version(self) -> int:
        return int(self.meta.cleaned_data["version"])

    @property
    def summary(self) -> str:
        return str(self.meta.cleaned_data.get("summary", ""))

    def desired_content(self) -> PlanContent:
        """The section as the user wants it: rows in their order, existing ones by id."""
        plan = self.fields.instance if self.fields else _copy(self.content.plan)
        if self.fields:
            for name, value in self.fields.cleaned_data.items():
                setattr(plan, name, value)
        plan.section_notes = self.notes.notes_after(plan.section_notes or {})
        new = PlanContent(plan=plan)
        for key, formset in self.formsets.items():
            model = ROW_MODELS[key]
            rows = [_row(model, form.cleaned_data) for form in formset.kept_forms()]
            if key == "phases":
                index = {id(f): i for i, f in enumerate(formset.forms)}
                new.phases = [
                    PhaseContent(
                        phase,  # type: ignore[arg-type]
                        [
                            _row(Task, t.cleaned_data)  # type: ignore[misc]
                            for t in self.task_formsets[index[id(form)]].kept_forms()
                        ],
                    )
                    for phase, form in zip(rows, formset.kept_forms(), strict=True)
                ]
            else:
                setattr(new, key, rows)
        return new


@dataclass
class RowSet:
    formset: RowFormSet
    rows: Sequence[tuple[Any, RowFormSet | None]]  # forms, or OpenedRows
    empty_children: RowFormSet | None


class EditMetaForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    summary = PlanVersion._meta.get_field("summary").formfield(
        label="Summary of your change",
        help_text="Optional, one line: shown in the history and the Changelog.",
    )


def _row(model: type[PlanRow], data: dict[str, Any]) -> PlanRow:
    row = model(**{f: data[f] for f in model.content_fields})
    row.pk = data.get("id")
    return row


def _copy(plan: Plan) -> Plan:
    clone = Plan()
    clone.__dict__.update({k: v for k, v in plan.__dict__.items() if k != "_state"})
    return clone


class PlanCreateForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "team"]
        labels = {"title": "Feature name"}
        help_texts = {"title": "What the plan is for, e.g. “Offline Sync”."}

    SUGGESTED_PEOPLE = 200  # the datalist's bound: the viewer's team-mates, not everyone

    def __init__(self, *args: Any, user: Any, people_by: str = "username", **kwargs: Any) -> None:
        """`people_by` names the field a person is given by: the page's user name, or the
        API's "pk"."""
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(memberships__user=user, memberships__role__in=EDITING_ROLES)
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = teams
        team_field.empty_label = None


__all__ = ["FORMSETS", "Phase", "PlanCreateForm", "SectionForm"]


def add_blank_row(data: Any, prefix: str, section: Section) -> Any:
    """The posted data with one more (blank) row in the formset named by `prefix`."""
    allowed = (
        set(section.rows) | {f"phases-{i}-tasks" for i in range(MAX_ROWS)}
        if "phases" in section.rows
        else set(section.rows)
    )
    if prefix not in allowed:
        return data
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        return data
    data[key] = str(min(total + 1, MAX_ROWS))
    if prefix == "phases":  # a new phase starts with an empty task list
        data.setdefault(f"phases-{total}-tasks-TOTAL_FORMS", "0")
        data.setdefault(f"phases-{total}-tasks-INITIAL_FORMS", "0")
    return data


class ImportForm(forms.Form):
    team = forms.ModelChoiceField(Team.objects.none(), empty_label=None)
    file = forms.FileField(
        required=False, label="Markdown file", help_text="A .md file of up to 1 MB, in UTF-8."
    )
    text = forms.CharField(
        required=False,
        label="…or paste the Markdown",
        widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace"}),
        strip=False,
    )

    SUGGESTED_PEOPLE = 200  # the datalist's bound: the viewer's team-mates, not everyone

    def __init__(self, *args: Any, user: Any, people_by: str = "username", **kwargs: Any) -> None:
        """`people_by` names the field a person is given by: the page's user name, or the
        API's "pk"."""
        super().__init__(*args, **kwargs)
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = Team.objects.filter(
            memberships__user=user, memberships__role__in=EDITING_ROLES
        )

    def clean(self) -> dict[str, Any]:
        from plans.markdown.reader import MAX_BYTES, ImportError_, parse_plan, read_document

        data = super().clean() or {}
        upload, pasted = data.get("file"), data.get("text") or ""
        if upload is None and not pasted.strip():
            raise ValidationError("Choose a Markdown file or paste the text of a plan.")
        try:
            if upload is not None:
                if upload.size > MAX_BYTES:
                    raise ImportError_(f"The file is over {MAX_BYTES // 1_000_000} MB.")
                data["document"] = read_document(upload.read())
                data["filename"] = upload.name
            else:
                data["document"] = read_document(pasted.encode("utf-8"))
                data["filename"] = ""
            # Read once, here: refused with its reason next to the field, else saved as read.
            data["parsed"] = parse_plan(data["document"], data["filename"])
        except ImportError_ as error:
            self.add_error("file" if upload is not None else "text", str(error))
        return data


class QuickSelect(forms.Select):
    """A select rendered with one join rather than a template (or a format_html) per option:
    the plan list's people run to thousands at a company's size, and rendering their options
    took most of the page (bench/scale.py). Same markup as forms.Select. Its options are
    kept as given (value, label), not normalized as a Select's choices are on each copy."""

    def __init__(self, options: Any) -> None:
        super().__init__()
        # iter() first: list() asks a ModelChoiceIterator its len(), a COUNT query of its own.
        self.option_list = list(iter(options))

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        from html import escape

        from django.forms.utils import flatatt

        chosen = "" if value is None else str(value)
        attributes = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        options = []
        for value_, label in self.option_list:
            key = str(value_)
            selected = " selected" if key == chosen else ""
            options.append(f'<option value="{escape(key)}"{selected}>{escape(str(label))}</option>')
        return mark_safe(f"<select{attributes}>{''.join(options)}</select>")  # escaped above


def quick_selects(form: forms.BaseForm) -> None:
    """Every plain select of a filter form rendered as a QuickSelect of its choices as they
    are now (set its querysets first). A choice of teams is read as (id, name) pairs, not as
    teams: a manager is offered all 200 of a company's."""
    for field in form.fields.values():
        if type(field.widget) is not forms.Select:
            continue
        choices: Any = field.widget.choices
        queryset = getattr(field, "queryset", None)
        if queryset is not None and queryset.model is Team:
            empty = [("", field.empty_label)] if field.empty_label is not None else []  # type: ignore[attr-defined]
            choices = [*empty, *queryset.values_list("pk", "name")]
        field.widget = QuickSelect(choices)


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickDateInput(QuickInput, forms.DateInput):
    pass


class QuickCheckboxInput(QuickInput, forms.CheckboxInput):
    pass


class PersonField(forms.ModelChoiceField):
    """A person given by user name or, in an address made when the list picked people from a
    select (a bookmark, a link in a mail), by id: those addresses keep working. The form sets
    the people it may be."""

    def __init__(self, *, placeholder: str, nobody: str) -> None:
        super().__init__(
            User.objects.none(),
            required=False,
            to_field_name="username",
            widget=QuickTextInput(attrs={"list": "people", "placeholder": placeholder}),
            error_messages={
                "invalid_choice": f"{nobody} in your teams has the user name “%(value)s”."
            },
        )

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError:
            if self.to_field_name and str(value).isdigit():
                found = self.queryset.filter(pk=int(value)).first()  # type: ignore[union-attr]
                if found is not None:
                    return found
            raise


class PlanFilterForm(forms.Form):
    """Search, filters and sort of the plan list; the address carries them all."""

    LISTED_FIELDS = (
        *("id", "title", "status", "version", "updated_at", "archived_at", "sections_written"),
        *("team__name", "author__username", "author__first_name", "author__last_name"),
    )
    SORTS = {
        "changed": ("-updated_at", "Last change"),
        "title": ("title", "Title"),
        "status": ("status", "Status"),
    }

    # Its inputs are written without templates (QuickInput): the list renders it on each visit.
    q = forms.CharField(required=False, max_length=200, label="Search", widget=QuickTextInput)
    team = forms.ModelChoiceField(Team.objects.none(), required=False, empty_label="All teams")
    status = forms.ChoiceField(required=False)
    # People are typed, not picked: a select of every person runs to thousands of options at a
    # company's size and was most of the list's cost (bench/scale.py). The user name is looked
    # up only when one is given; the datalist suggests the viewer's team-mates, and the form
    # works the same without it (or without JS).
    author = PersonField(placeholder="Anyone", nobody="No one")
    lead = PersonField(placeholder="Any lead", nobody="No lead")
    stale = forms.BooleanField(
        required=False, label="Has stale sign-offs", widget=QuickCheckboxInput
    )
    since = forms.DateField(
        required=False, label="Changed since", widget=QuickDateInput(attrs={"type": "date"})
    )
    archived = forms.BooleanField(
        required=False, label="Include archived", widget=QuickCheckboxInput
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[("", "Best match (or last change)"), *((k, v[1]) for k, v in SORTS.items())],
    )

    SUGGESTED_PEOPLE = 200  # the datalist's bound: the viewer's team-mates, not everyone

    def __init__(self, *args: Any, user: Any, people_by: str = "username", **kwargs: Any) -> None:
        """`people_by` names the field a person is given by: the page's user name, or the
        API's "pk"."""
        super().__init__(*args, **kwargs)
        self.user = user
        # Choices come from the teams the user sees (small tables), not from scanning plans.
        teams = Team.objects.visible_to(user).names()
        people = User.objects.filter(memberships__team__in=teams).distinct().order_by("username")
        leads = people.filter(memberships__role__in=EDITING_ROLES)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        for name, queryset in (("author", people), ("lead", leads)):
            field = self.fields[name]
            field.queryset = queryset  # type: ignore[attr-defined]
            field.to_field_name = None if people_by == "pk" else people_by  # type: ignore[attr-defined]
        self.fields["status"].choices = [("", "Any status"), *Plan.Status.choices]  # type: ignore[attr-defined]
        quick_selects(self)
        # A member's teams as the team select offers them (read once, just above): what
        # visible_plans filters by. None for a manager, who may read every team's plans.
        self.member_teams: list[Any] | None = None
        if not user.has_perm(VIEW_ALL_PERMISSION):
            offered = self.fields["team"].widget.option_list
            self.member_teams = [pk for pk, _ in offered if pk != ""]
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            else:
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = f"{css} form-control-sm"

    def visible_plans(self) -> Any:
        """Plan.objects.visible_to(user), for a member as their teams' ids: the teams this form
        offers are read anyway, and PostgreSQL walks its recent-first index testing each plan's
        team against a list (0.8 ms) where the join through the memberships looked each one up
        (1.8 ms for a member of three teams of 200; bench/scale.py)."""
        if self.member_teams is None:
            return Plan.objects.visible_to(self.user)
        return Plan.objects.filter(team_id__in=self.member_teams)

    @property
    def ranks(self) -> bool:
        """Whether the results are a search ranked by relevance (not sorted by a column), of
        at most RANKED_AT_MOST matches (search._most_recent): a query of no word ranks
        nothing."""
        from plans.search import terms_of

        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return bool(data.get("q") and not data.get("sort") and terms_of(data["q"]))

    @property
    def ranked_at_most(self) -> int:
        """How many matches a search ranks at most (read when asked: tests lower it)."""
        from plans import search

        return search.RANKED_AT_MOST

    PEOPLE_KEPT_FOR = 60  # seconds: suggestions only (the fields check what is typed)

    def people_datalist(self) -> SafeString:
        """The people inputs' suggestions: the viewer's team-mates (user name, full name), read
        only when the whole page renders, in one bounded query, and joined rather than looped
        in a template (the list's options were most of its cost before). They are kept a
        minute in the shared cache: reading 200 team-mates was a tenth of each visit to the
        list, and a new team-mate suggested a minute late is still found when typed."""
        from html import escape

        key = f"plans:people-datalist:{self.user.pk}"
        options = cache.get(key)
        if options is None:
            mates = Membership.objects.filter(
                user=models.OuterRef("pk"), team__memberships__user=self.user
            )
            people = User.objects.filter(models.Exists(mates)).order_by("username")
            rows = people.values_list("username", "first_name", "last_name")
            options = "".join(
                f'<option value="{escape(name)}">{escape(f"{first} {last}".strip())}</option>'
                for name, first, last in rows[: self.SUGGESTED_PEOPLE]
            )
            cache.set(key, options, self.PEOPLE_KEPT_FOR)
        return mark_safe(f'<datalist id="people">{options}</datalist>')  # escaped above

    def results(self, plans: Any) -> Any:
        from plans.search import search_plans

        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        # Only what the list shows: a plan's text (and its search copies) is most of its row.
        plans = plans.select_related("team", "author").only(*self.LISTED_FIELDS)
        if data.get("q"):  # where each result matched is quoted from its sections' words
            plans = plans.only(*self.LISTED_FIELDS, "search_sections")
        if not data.get("archived"):
            plans = plans.active()
        for name in ("team", "status", "author"):
            if data.get(name):
                plans = plans.filter(**{name: data[name]})
        if data.get("lead"):
            from approvals.models import SignoffRole

            led = SignoffRole.objects.filter(assignee=data["lead"]).values("plan_id")
            plans = plans.filter(pk__in=led)
        if data.get("since"):
            plans = plans.filter(updated_at__date__gte=data["since"])
        if data.get("stale"):
            from approvals.models import SignoffRole

            stale = SignoffRole.objects.exclude(latest=None).exclude(
                latest__plan_version=models.F("plan__version")
            )
            plans = plans.filter(pk__in=stale.values("plan_id"))
        order = self.SORTS.get(data.get("sort") or "", self.SORTS["changed"])[0]
        if self.ranks:
            found: Any = search_plans(plans, data["q"])  # annotated with its rank
            return found.order_by("-rank", order, "pk")
        if data.get("q"):
            return search_plans(plans, data["q"], ranked=False).order_by(order, "pk")
        return plans.order_by(order, "pk")
