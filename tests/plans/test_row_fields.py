"""Row fields are written in Python (plans/row_fields.py) with crispy-forms' markup: a screen
reader, the editor's script and the error display see what crispy's templates gave them."""

from __future__ import annotations

import copy
from html.parser import HTMLParser

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.forms.boundfield import BoundField
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from plans.content import ROW_MODELS
from plans.forms import FORMSETS
from plans.row_fields import (
    QuickInput,
    format_safe,
    render_formset,
    render_hidden_fields,
    render_management_form,
    render_row_body,
    render_row_columns,
    render_row_controls,
    render_row_field,
)

MESSY = "a \"quoted\" <b>bold</b> &amp; 'single' "


class _Tags(HTMLParser):
    """Tags, their attributes (in any order) and text, whitespace folded."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[object] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, sorted((k, " ".join((v or "").split())) for k, v in attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.seen.append(f"/{tag}")

    def handle_data(self, data: str) -> None:
        if text := " ".join(data.split()):
            self.seen.append(text)


def tags(html: object) -> list[object]:
    parser = _Tags()
    parser.feed(str(html))
    return parser.seen


def formsets(key: str) -> list[object]:
    fields = [name for name in FORMSETS[key].form.base_fields if name != "id"]
    data = {f"{key}-TOTAL_FORMS": "3", f"{key}-INITIAL_FORMS": "0"}
    for name in fields:
        data[f"{key}-0-{name}"] = MESSY  # kept as typed, escaped
        data[f"{key}-1-{name}"] = ""  # required fields: an error each
        data[f"{key}-2-{name}"] = "on" if name == "resolved" else "-1"  # bad choices, numbers
    bound = FORMSETS[key](data, prefix=key)
    bound.is_valid()
    return [FORMSETS[key](initial=[{"id": 5}], prefix=key), bound]


@pytest.mark.parametrize("key", [*ROW_MODELS, "tasks"])
def test_every_row_field_reads_as_crispy_wrote_it_with_values_and_errors(key):
    compared = 0
    for formset in formsets(key):
        for row in [*formset.forms, formset.empty_form]:
            for field in row.visible_fields():
                if field.name in ("ORDER", "DELETE"):
                    continue
                ours = tags(render_row_field(field))
                # crispy writes its classes into the widget, and a row form's fields are
                # shared by its rows (forms.SharedFields): it gets a copy, as row_fields does.
                theirs = BoundField(row, copy.deepcopy(field.field), field.name)
                assert ours == tags(as_crispy_field(theirs)), field.html_name
                compared += 1
    assert compared >= 6  # two formsets, five rows, at least one field each


def test_typed_markup_is_kept_as_text_in_the_field():
    formset = formsets("risks")[1]
    html = str(render_row_field(formset.forms[0]["risk"]))
    assert "<b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    errors = str(render_row_field(formset.forms[1]["risk"]))
    assert 'aria-invalid="true"' in errors and "This field is required." in errors


@pytest.mark.parametrize("key", ["risks", "phases"])
def test_hidden_inputs_read_as_django_wrote_them(key):
    for formset in formsets(key):
        for part in (formset.management_form, formset.forms[0]["id"], formset.empty_form["id"]):
            assert tags(render_hidden_fields(part)) == tags(str(part))


@pytest.mark.parametrize("prefix", ["risks", "phases-3-tasks", "phases-__prefix__-tasks"])
def test_an_unbound_management_form_reads_as_django_wrote_it(prefix):
    initial = [{"id": 5}, {"id": 6}]
    ours = render_management_form(FORMSETS["tasks"](initial=initial, prefix=prefix))
    theirs = FORMSETS["tasks"](initial=initial, prefix=prefix).management_form
    assert ours == render_hidden_fields(theirs)
    assert tags(ours) == tags(str(theirs))
    for formset in formsets("risks"):  # a bound one (typed counts) takes Django's form
        assert render_management_form(formset) == render_hidden_fields(formset.management_form)


def test_phases_task_lists_share_one_empty_task_row():
    phases = FORMSETS["phases"](initial=[{"id": 1}, {"id": 2}], prefix="phases")
    tasks = [
        FORMSETS["tasks"](initial=[{"id": 7}], prefix=f"{row.prefix}-tasks") for row in phases.forms
    ]
    empty_tasks = FORMSETS["tasks"](prefix="phases-__prefix__-tasks")
    html = str(render_formset(phases, list(zip(phases.forms, tasks, strict=True)), empty_tasks))
    # One empty phase (with its empty task list), one empty task for every phase's list.
    assert html.count("<template data-empty>") == 1
    assert html.count('<template data-empty-child data-prefix="phases-__prefix__-tasks">') == 1
    assert html.count('name="phases-__prefix__-tasks-__prefix__-text"') == 1
    assert 'name="phases-0-tasks-__prefix__' not in html
    # Each phase's task list keeps its own counts, its rows and its Add button.
    assert 'name="phases-1-tasks-TOTAL_FORMS" value="1"' in html
    assert 'name="phases-1-tasks-0-text"' in html
    assert html.count('value="phases-1-tasks" class="btn') == 1


def general_path(row, noun, number, compact):
    """A row's body as rendered field by field, through BoundFields."""
    return (
        f"{render_hidden_fields(row['id'])}\n"
        '  <div class="row g-2 align-items-start">\n'
        f"    {render_row_columns(row, compact)}\n"
        f"    {render_row_controls(row, noun, number, compact)}\n"
        "  </div>"
    )


@pytest.mark.parametrize("key", [*ROW_MODELS, "tasks"])
def test_an_unbound_row_reads_as_its_fields_rendered_one_by_one(key):
    fields = [name for name in FORMSETS[key].form.base_fields if name != "id"]
    initial = [{"id": 5, **dict.fromkeys(fields, MESSY)}, {"id": 6}]
    formset = FORMSETS[key](initial=initial, prefix=key)
    for number, row in enumerate([*formset.forms, formset.empty_form], start=1):
        for compact in (True, False):
            ours = render_row_body(row, formset.noun, number, compact)
            assert ours == general_path(row, formset.noun, number, compact)
    assert MESSY not in ours and "&lt;b&gt;" in render_row_body(formset.forms[0], "x", 1, False)


def test_crispy_leaves_the_rows_shared_fields_as_they_were():
    formset = FORMSETS["risks"](initial=[{"id": 5}], prefix="risks")
    widget = formset.forms[0].fields["risk"].widget
    before = dict(widget.attrs)
    render_row_field(formset.forms[0]["risk"])  # the general path
    formset.forms[0].fields["risk"].help_text = "forces crispy"
    try:
        render_row_field(formset.forms[0]["risk"])
    finally:
        formset.forms[0].fields["risk"].help_text = ""
    assert widget.attrs == before


@pytest.mark.parametrize(
    "value",
    [MESSY, mark_safe("<b>kept</b>"), gettext_lazy("Phases"), 3.5, None],
    ids=["text", "safe", "lazy", "number", "none"],
)
def test_format_safe_escapes_as_format_html_does(value):
    template = '<a title="{}">{x}</a>'
    assert format_safe(template, value, x=value) == format_html(template, value, x=value)


@pytest.mark.parametrize("key", [*ROW_MODELS, "tasks"])
def test_an_editor_as_opened_writes_its_rows_as_their_forms_would(key):
    """An unbound formset's rows are written from their first values (OpenedRow), not from
    a form each: the same markup, typed markup, choices, dates and decimals included."""
    from datetime import date
    from decimal import Decimal

    from plans.row_fields import OpenedRow

    fields = FORMSETS[key].form.base_fields
    values: dict[str, object] = {}
    for name, field in fields.items():
        if name == "id":
            continue
        choices = [c for c, _ in getattr(field, "choices", []) if c]
        values[name] = (
            choices[-1]
            if choices
            else True
            if name in ("done", "resolved", "default_on")
            else Decimal("2.50")
            if name == "effort"
            else date(2026, 5, 1)
            if "date" in name
            else MESSY
        )
    initial = [{"id": 5, **values}, {"id": 6}]
    opened = FORMSETS[key](initial=initial, prefix=key)
    built = FORMSETS[key](initial=initial, prefix=key)
    rows = opened.rows()
    assert all(isinstance(row, OpenedRow) for row in rows)
    for number, (row, form) in enumerate(zip(rows, built.forms, strict=True), start=1):
        for compact in (True, False):  # against the general path, field by field
            ours = render_row_body(row, opened.noun, number, compact)
            assert ours == general_path(form, built.noun, number, compact)
    forms = [(form, None) for form in built.forms]
    assert render_formset(opened, opened.row_pairs) == render_formset(built, forms)
    assert MESSY not in render_formset(opened, opened.row_pairs)
    # A formset whose forms exist, or one with data, writes its forms.
    assert all(row is form for row, form in zip(built.rows(), built.forms, strict=True))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"q": MESSY, "author": MESSY, "lead": "x", "since": "2026-01-05", "stale": "on"},
        {"q": "", "since": "yesterday", "archived": "1", "stale": "0"},
    ],
)
def test_the_filter_forms_quick_inputs_write_what_djangos_templates_write(alice, data):
    from django import forms

    from plans.forms import PlanFilterForm

    form = PlanFilterForm(data or None, user=alice)
    form.is_valid()
    quick = [name for name, f in form.fields.items() if isinstance(f.widget, QuickInput)]
    assert set(quick) == {"q", "author", "lead", "since", "stale", "archived"}
    for name in quick:
        field = form[name]
        plain = copy.deepcopy(field.field)
        base = next(c for c in type(plain.widget).__mro__ if c.__module__.startswith("django."))
        widget = base.__new__(base)
        widget.__dict__.update(plain.widget.__dict__)
        plain.widget = widget
        assert isinstance(widget, forms.widgets.Input) and not isinstance(widget, QuickInput)
        assert str(field) == str(BoundField(form, plain, name)), name
