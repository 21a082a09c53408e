"""One row form's fields as HTML, written in Python instead of through crispy-forms.

crispy's per-field templates (and Django's per-widget templates) cost a 100-row section's
editor seconds: several templates per field, hundreds of fields. Row forms use only text,
number, textarea, select and checkbox widgets, so this writes the same markup crispy's
bootstrap5 pack does for them (label, the widget with every attribute Django builds, the
error list under it with aria-invalid/aria-describedby) with every value escaped. Any other
widget, a field with help text or a grouped choice list goes through crispy as before.
"""

from __future__ import annotations

import copy
import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.formsets import (
    INITIAL_FORM_COUNT,
    MAX_NUM_FORM_COUNT,
    MIN_NUM_FORM_COUNT,
    TOTAL_FORM_COUNT,
)
from django.utils.safestring import SafeString, mark_safe


def escape(value: object) -> str:
    """As django.utils.html.escape (html.escape of str), without its lazy-text wrapper: a
    100-row editor escapes some twenty thousand values."""
    return html.escape(str(value))


def format_safe(template: str, *args: object, **kwargs: object) -> SafeString:
    """As django.utils.html.format_html: `template` (trusted) with each value escaped unless
    it is safe already, without the lazy-text wrappers around each escape. Lists of rows (the
    plan list's, the activity's) call it for every row, and those wrappers were a third of
    writing them (bench/scale.py)."""
    return mark_safe(
        template.format(
            *map(_conditional_escape, args),
            **{k: _conditional_escape(v) for k, v in kwargs.items()},
        )
    )


def _conditional_escape(value: object) -> str:
    html_of = getattr(value, "__html__", None)
    return html_of() if html_of is not None else html.escape(str(value))


# The class crispy's bootstrap5 pack adds to each widget, after the widget's own class.
_CLASSES: dict[type[forms.Widget], str] = {
    forms.TextInput: "textinput form-control",
    forms.NumberInput: "numberinput form-control",
    forms.Textarea: "textarea form-control",
    forms.Select: "select form-select",
    forms.CheckboxInput: "checkboxinput form-check-input",
}


def _attrs(attrs: dict[str, Any]) -> str:
    """As django/forms/widgets/attrs.html writes them."""
    out = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        out.append(f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"')
    return "".join(out)


class QuickInput:
    """A mixin for an input widget (text, date, checkbox…) that writes it with one f-string,
    the markup of django/forms/widgets/input.html and attrs.html, rather than through those
    two templates: the plan list's filter form has six such inputs, 0.7 ms of each visit."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = widget["value"]
        value_attr = f' value="{escape(shown)}"' if shown is not None else ""
        return mark_safe(  # every value is escaped
            f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
            f"{value_attr}{_attrs(widget['attrs'])}>"
        )


def _errors(field: BoundField) -> str:
    if not field.errors:
        return ""
    items = "".join(
        f'<p id="error_{n}_{escape(field.auto_id)}"><strong>{escape(error)}</strong></p>'
        for n, error in enumerate(field.errors, start=1)
    )
    return f'<div id="{escape(field.auto_id)}_error" class="invalid-feedback">{items}</div>'


def _widget(field: BoundField, widget: forms.Widget, css: str) -> str | None:
    attrs = dict(widget.attrs)
    own = attrs.get("class")
    attrs["class"] = f"{own} {css}" if own else css
    if field.errors:
        attrs["class"] += " is-invalid"
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in attrs:
        attrs["id"] = field.auto_id
    name = escape(field.html_name)
    value = field.value()
    if isinstance(widget, forms.CheckboxInput):
        if widget.check_test(value):
            attrs["checked"] = True
        shown = widget.format_value(value)
        value_attr = f' value="{escape(shown)}"' if shown is not None else ""
        return f'<input type="checkbox" name="{name}"{value_attr}{_attrs(attrs)}>'
    if isinstance(widget, forms.Select):
        options = []
        for group, choices, _ in widget.optgroups(field.html_name, widget.format_value(value)):
            if group is not None:
                return None  # grouped choices: crispy's path
            for option in choices:
                selected = " selected" if option["selected"] else ""
                options.append(
                    f'<option value="{escape(option["value"])}"{selected}>'
                    f"{escape(option['label'])}</option>"
                )
        return f'<select name="{name}"{_attrs(attrs)}>{"".join(options)}</select>'
    shown = widget.format_value(value)
    if isinstance(widget, forms.Textarea):
        text = escape(shown) if shown else ""
        return f'<textarea name="{name}"{_attrs(attrs)}>\n{text}</textarea>'
    input_type = escape(widget.input_type)  # type: ignore[attr-defined]
    value_attr = f' value="{escape(shown)}"' if shown is not None else ""
    return f'<input type="{input_type}" name="{name}"{value_attr}{_attrs(attrs)}>'


def _label(field: BoundField, css: str) -> str:
    required = field.field.required
    star = '<span class="asteriskField">*</span>' if required else ""
    classes = f"{css} requiredField" if required else css
    target = escape(field.id_for_label)
    return f'<label for="{target}" class="{classes}">{escape(field.label)}{star}</label>'


def render_row_field(field: BoundField) -> SafeString:
    """The field as crispy's `as_crispy_field` shows it in a row of a row formset."""
    widget = field.field.widget
    css = _CLASSES.get(type(widget))
    html = None
    if css is not None and not field.help_text and not field.is_hidden and field.auto_id:
        html = _widget(field, widget, css)
    if html is None:
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        # crispy writes its classes into the widget's attrs; a row form's fields are shared
        # by every row (forms.SharedFields), so it gets a copy of its own.
        field = BoundField(field.form, copy.deepcopy(field.field), field.name)
        return as_crispy_field(field)
    div_id = escape(f"div_{field.auto_id}")
    if isinstance(widget, forms.CheckboxInput):
        return mark_safe(  # every value above is escaped
            f'<div class="mb-3"><div id="{div_id}" class="form-check">{html}'
            f"{_label(field, 'form-check-label')}{_errors(field)}</div></div>"
        )
    return mark_safe(  # every value above is escaped
        f'<div id="{div_id}" class="mb-3">{_label(field, "form-label")}{html}{_errors(field)}</div>'
    )


def render_hidden_fields(form: forms.BaseForm | BoundField) -> SafeString:
    """A form's hidden inputs (a row's id, a formset's management form) as Django's
    hidden-input template writes them, without a template per input."""
    if not isinstance(form, BoundField) and (quick := _unbound_hidden(form)) is not None:
        return mark_safe(quick)  # escaped there
    fields = [form] if isinstance(form, BoundField) else form.hidden_fields()
    out = []
    for field in fields:
        widget = field.field.widget
        if type(widget) is not forms.HiddenInput or not field.auto_id:
            out.append(str(field))
            continue
        attrs = field.build_widget_attrs(dict(widget.attrs), widget)
        attrs.setdefault("id", field.auto_id)
        shown = widget.format_value(field.value())
        value_attr = f' value="{escape(shown)}"' if shown is not None else ""
        name = escape(field.html_name)
        out.append(f'<input type="hidden" name="{name}"{value_attr}{_attrs(attrs)}>')
    return mark_safe("".join(out))  # every value above is escaped


def _column(field: BoundField, compact: bool) -> str:
    """The grid column a row's field takes: narrow for choices and numbers, wide for text."""
    kind = field.widget_type
    if kind in ("select", "number"):
        return "col-6 col-md-2"
    if kind == "checkbox":
        return "col-md-auto pt-md-4"
    if kind == "textarea":
        return "col-md-6"
    max_length = getattr(field.field, "max_length", None)
    if max_length is not None and max_length >= 500 and not compact:
        return "col-md-6"
    return "col-md"


def render_row_columns(row: forms.BaseForm, compact: bool) -> SafeString:
    """Every visible field of a row form but its position and removal, each in its column."""
    out = []
    for name in row.fields:
        if name in ("ORDER", "DELETE"):
            continue
        field = row[name]
        if field.is_hidden:
            continue
        out.append(f'<div class="{_column(field, compact)}">{render_row_field(field)}</div>')
    return mark_safe("\n".join(out))  # each field escapes its values


def render_row_controls(
    row: forms.BaseForm, noun: str, number: object, compact: bool
) -> SafeString:
    """A row's position, move and remove controls. The editor's script finds them by their
    data- attributes and keeps their names ("Move risk 2 up") numbered. Each name is its
    button's aria-label: a 100-phase editor has 300 rows, and hidden spans and tooltips
    repeating the names were a tenth of its HTML (bench/scale.py)."""
    if row.is_bound:
        value, delete = row["ORDER"].value(), row["DELETE"].value()
    else:  # as BoundField.value() gives them, without a BoundField each
        value, delete = _initial(row, "ORDER"), _initial(row, "DELETE")
    name = escape(f"{noun} {number}")
    checked = " checked" if delete else ""
    order_name, delete_name = escape(row.add_prefix("ORDER")), escape(row.add_prefix("DELETE"))
    button = '<button type="button" class="btn btn-sm btn-light border"'
    return mark_safe(  # every value is escaped
        f'<div class="col-md-auto row-controls{"" if compact else " pt-md-4"}">\n'
        f'      <label class="order-input small">Position <input type="number" '
        f'name="{order_name}" value="{escape("" if value is None else value)}" '
        f'min="0" class="form-control form-control-sm d-inline-block" data-order></label>\n'
        f'      {button} data-move="up" aria-label="Move {name} up">↑</button>\n'
        f'      {button} data-move="down" aria-label="Move {name} down">↓</button>\n'
        f'      <label class="btn btn-sm btn-light border remove-label">'
        f'<input type="checkbox" name="{delete_name}" class="form-check-input me-1" '
        f"data-delete{checked}>Remove</label>\n"
        f'      {button} data-remove hidden aria-label="Remove {name}">Remove</button>\n'
        f"    </div>"
    )


# An unbound row form (an editor as opened, or the rows merged after a conflict) has no
# errors and, in a formset, no `required` attributes: each of its fields shows what every
# other row shows but for its name, id and value. That part is worked out once per form
# class and field (_Layout), so a row costs a few string joins and no BoundField.


@dataclass(frozen=True)
class _Layout:
    column: str  # the grid column's classes
    kind: str  # "checkbox", "select", "textarea" or "input"
    label: str  # the label's class attribute and text, escaped: '" class="…">Risk<span…'
    attrs: str  # the widget's attributes but its id, escaped
    input_type: str
    options: tuple[tuple[str, str], ...]  # a select's (value, label), escaped


_LAYOUTS: dict[tuple[type[forms.BaseForm], str, bool], _Layout | None] = {}


def _layout(form: Any, name: str, compact: bool) -> _Layout | None:
    """How this field shows in any unbound row of the form's class, or None where the
    general path must render it (help text, a hidden or unusual widget, grouped choices)."""
    form_class = form.form_class if isinstance(form, OpenedRow) else type(form)
    key = (form_class, name, compact)
    if key not in _LAYOUTS:
        sample = form.formset.empty_form if isinstance(form, OpenedRow) else form
        _LAYOUTS[key] = _make_layout(sample[name], compact)
    return _LAYOUTS[key]


class OpenedRow:
    """A row of an editor as opened (an unbound formset's row), without its form: what the
    editor's writer reads of it (names, fields, first values), as the form would answer. A
    100-phase editor has 300 rows, and building a Django form for each, then asking it for
    each first value, was a quarter of writing it (bench/scale.py). `form()` builds the
    form where a field needs the general path."""

    is_bound = False
    use_required_attribute = False

    def __init__(
        self, formset: Any, index: int, fields: dict[str, forms.Field], initial: dict[str, Any]
    ) -> None:
        self.formset, self.index, self.fields, self.initial = formset, index, fields, initial
        self.form_class = formset.form
        self.prefix, self.auto_id = formset.add_prefix(index), formset.auto_id

    def add_prefix(self, field_name: str) -> str:
        return f"{self.prefix}-{field_name}"

    def get_initial_for_field(self, field: forms.Field, field_name: str) -> Any:
        return forms.Form.get_initial_for_field(self, field, field_name)  # type: ignore[arg-type]

    def form(self) -> forms.BaseForm:
        return self.formset.forms[self.index]


def _make_layout(field: BoundField, compact: bool) -> _Layout | None:
    widget = field.field.widget
    css = _CLASSES.get(type(widget))
    if css is None or field.help_text or field.is_hidden or "id" in widget.attrs:
        return None
    if not field.name.isidentifier():  # written unescaped into its name and id
        return None
    attrs = dict(widget.attrs)
    own = attrs.get("class")
    attrs["class"] = f"{own} {css}" if own else css
    attrs = field.build_widget_attrs(attrs, widget)
    if "id" in attrs:
        return None
    options: list[tuple[str, str]] = []
    if isinstance(widget, forms.Select):
        for group, choices, _ in widget.optgroups(field.html_name, []):
            if group is not None:
                return None
            options.extend((escape(o["value"]), escape(o["label"])) for o in choices)
    label_css = "form-check-label" if isinstance(widget, forms.CheckboxInput) else "form-label"
    required = field.field.required
    classes = f"{label_css} requiredField" if required else label_css
    star = '<span class="asteriskField">*</span>' if required else ""
    kind = (
        "checkbox"
        if isinstance(widget, forms.CheckboxInput)
        else "select"
        if isinstance(widget, forms.Select)
        else "textarea"
        if isinstance(widget, forms.Textarea)
        else "input"
    )
    return _Layout(
        column=_column(field, compact),
        kind=kind,
        label=f'" class="{classes}">{escape(field.label)}{star}</label>',
        attrs=_attrs(attrs),
        input_type=escape(getattr(widget, "input_type", "")),
        options=tuple(options),
    )


def _initial(form: forms.BaseForm, name: str) -> Any:
    """What BoundField.value() gives for an unbound form's field."""
    field = form.fields[name]
    return field.prepare_value(form.get_initial_for_field(field, name))


def _plain_names(form: forms.BaseForm) -> bool:
    """Whether the form's names and ids are its prefix and id pattern with a field's name."""
    auto_id = form.auto_id
    return (
        isinstance(auto_id, str)
        and auto_id.count("%") == 1
        and "%s" in auto_id
        and "%" not in (form.prefix or "")
    )


def _escaped_names(form: forms.BaseForm) -> tuple[str, str]:
    """A form's name and id patterns, escaped once: with a field's name (an identifier, which
    needs no escaping) in place of %s, its name and id attributes."""
    prefix = f"{escape(form.prefix)}-%s" if form.prefix else "%s"
    return prefix, escape(form.auto_id) % prefix


def _unbound_field(form: forms.BaseForm, name: str, layout: _Layout, names: tuple[str, str]) -> str:
    """The field as render_row_field writes it for an unbound row form."""
    widget = form.fields[name].widget
    name_attr, auto_id = names[0] % name, names[1] % name
    label = f'<label for="{auto_id}{layout.label}'
    attrs = f'{layout.attrs} id="{auto_id}"'
    value = _initial(form, name)
    if layout.kind == "checkbox":
        checked = " checked" if widget.check_test(value) else ""
        shown = widget.format_value(value)
        value_attr = f' value="{escape(shown)}"' if shown is not None else ""
        return (
            f'<div class="mb-3"><div id="div_{auto_id}" class="form-check">'
            f'<input type="checkbox" name="{name_attr}"{value_attr}{attrs}{checked}>'
            f"{label}</div></div>"
        )
    if layout.kind == "select":
        chosen = {escape(v) for v in widget.format_value(value)}  # as the layout's values
        options, found = [], False
        for option_value, option_label in layout.options:
            selected = ""
            if not found and option_value in chosen:
                selected, found = " selected", True
            options.append(f'<option value="{option_value}"{selected}>{option_label}</option>')
        html = f'<select name="{name_attr}"{attrs}>{"".join(options)}</select>'
    elif layout.kind == "textarea":
        shown = widget.format_value(value)
        html = f'<textarea name="{name_attr}"{attrs}>\n{escape(shown) if shown else ""}</textarea>'
    else:
        shown = widget.format_value(value)
        value_attr = f' value="{escape(shown)}"' if shown is not None else ""
        html = f'<input type="{layout.input_type}" name="{name_attr}"{value_attr}{attrs}>'
    return f'<div id="div_{auto_id}" class="mb-3">{label}{html}</div>'


def _unbound_columns(row: forms.BaseForm, compact: bool) -> str | None:
    """render_row_columns for an unbound row form, or None if a field needs the general path."""
    names = _escaped_names(row)
    out = []
    for name, field in row.fields.items():
        if name in ("ORDER", "DELETE") or field.widget.is_hidden:
            continue
        layout = _layout(row, name, compact)
        if layout is None:
            return None
        out.append(f'<div class="{layout.column}">{_unbound_field(row, name, layout, names)}</div>')
    return "\n".join(out)


def _unbound_hidden(form: forms.BaseForm, only: str | None = None) -> str | None:
    """render_hidden_fields for an unbound form (a formset's management form, or with `only`
    a row's id), or None where the general path must write them: plain hidden inputs have no
    attribute but their id when the form has no data."""
    if form.is_bound or not _plain_names(form):
        return None
    names, ids = _escaped_names(form)
    out = []
    for name in [only] if only else form.fields:
        field = form.fields[name]
        widget = field.widget
        if not widget.is_hidden:
            continue
        if type(widget) is not forms.HiddenInput or widget.attrs or field.disabled:
            return None
        if not name.isidentifier():
            return None
        shown = widget.format_value(_initial(form, name))
        value_attr = f' value="{escape(shown)}"' if shown is not None else ""
        out.append(f'<input type="hidden" name="{names % name}"{value_attr} id="{ids % name}">')
    return "".join(out)


def render_management_form(formset: Any) -> str:
    """The formset's management form as render_hidden_fields writes it. An unbound one (an
    editor as opened) is written from the formset's counts: a ManagementForm deep-copies its
    four fields, and a 100-phase editor has 102 of them (each phase's tasks): a quarter of its
    time."""
    auto_id, prefix = formset.auto_id, formset.prefix or ""
    plain = isinstance(auto_id, str) and auto_id.count("%") == 1 and "%s" in auto_id
    if formset.is_bound or not plain or "%" in prefix or "management_form" in vars(formset):
        return render_hidden_fields(formset.management_form)
    names = f"{escape(prefix)}-%s" if prefix else "%s"
    ids = escape(auto_id) % names
    counts = (
        (TOTAL_FORM_COUNT, formset.total_form_count()),
        (INITIAL_FORM_COUNT, formset.initial_form_count()),
        (MIN_NUM_FORM_COUNT, formset.min_num),
        (MAX_NUM_FORM_COUNT, formset.max_num),
    )
    return "".join(
        f'<input type="hidden" name="{names % name}" value="{int(count)}" id="{ids % name}">'
        for name, count in counts
    )


def _fast(row: forms.BaseForm) -> bool:
    """Whether a row form can take the unbound path: no data, so no errors, and the
    attributes its layout was worked out with."""
    return not row.is_bound and not row.use_required_attribute and _plain_names(row)


def render_row_body(row: Any, noun: str, number: object, compact: bool) -> str:
    """A row form's (or an OpenedRow's) id, fields and controls."""
    columns = _unbound_columns(row, compact) if _fast(row) else None
    hidden = _unbound_hidden(row, "id") if columns is not None else None
    if columns is None or hidden is None:
        row = row.form() if isinstance(row, OpenedRow) else row
        hidden, columns = render_hidden_fields(row["id"]), render_row_columns(row, compact)
    return (
        f"{hidden}\n"
        '  <div class="row g-2 align-items-start">\n'
        f"    {columns}\n"
        f"    {render_row_controls(row, noun, number, compact)}\n"
        "  </div>"
    )


def render_formset(
    formset: Any,
    rows: Iterable[tuple[forms.BaseForm, Any]],
    empty_children: Any = None,
    *,
    children_of: bool = False,
    legend_hidden: bool = False,
) -> SafeString:
    """A row set's fieldset: its management form, its rows (a phase with its tasks' fieldset),
    and the empty row the editor's script copies to add one. One call for a whole section:
    a template included per row (and per phase's tasks) was most of a 100-phase editor's time.

    The phases' task lists (children_of) carry no empty row each: the phases' fieldset holds
    one for all of them (data-empty-child, its prefix in data-prefix), and the script puts the
    phase's prefix into it. A copy per phase was a third of a 100-phase editor's HTML.
    """
    noun = "task" if children_of else escape(formset.noun)
    legend = "Tasks" if children_of else escape(formset.label)
    hidden = " visually-hidden" if legend_hidden and not children_of else ""
    prefix = escape(formset.prefix)
    errors = formset.non_form_errors()
    error_html = (
        f'<div class="alert alert-danger py-1 small">{" ".join(escape(e) for e in errors)}</div>'
        if errors
        else ""
    )
    items = []
    count = 0
    for count, (row, children) in enumerate(rows, start=1):
        items.append(_row_item(formset, row, children, count))
    empty = ""
    if not children_of:
        item = _row_item(formset, formset.empty_form, empty_children, count + 1)
        empty = f"  <template data-empty>{item}</template>\n"
    if empty_children is not None:
        child = _row_item(empty_children, empty_children.empty_form, None, 1)
        empty += (
            f'  <template data-empty-child data-prefix="{escape(empty_children.prefix)}">'
            f"{child}</template>\n"
        )
    return mark_safe(  # every value is escaped
        f'<fieldset class="formset mb-3" data-formset="{prefix}" data-noun="{noun}">\n'
        f'  <legend class="h6 mb-2{hidden}">{legend}</legend>\n'
        f"  {render_management_form(formset)}\n"
        f"  {error_html}\n"
        '  <ol class="formset-rows list-unstyled mb-2" data-rows>\n'
        f"    {''.join(items)}\n"
        "  </ol>\n"
        f"{empty}"
        f'  <button type="submit" name="add_row" value="{prefix}" class="btn btn-sm '
        f'btn-outline-primary" data-add>+ Add {noun}</button>\n'
        "</fieldset>\n"
    )


def _row_item(formset: Any, row: forms.BaseForm, children: Any, number: int) -> str:
    classes = "formset-row"
    if children is not None:
        classes += " has-children"
    if formset.compact:
        classes += " compact"
    body = render_row_body(row, formset.noun, number, formset.compact)
    nested = (
        '\n    <div class="ms-md-4 mt-2">'
        f"{render_formset(children, children.row_pairs, children_of=True)}</div>\n  "
        if children is not None
        else ""
    )
    return f'\n<li class="{classes}" data-row>\n  {body}\n  {nested}\n</li>\n'
