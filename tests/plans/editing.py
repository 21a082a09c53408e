"""Helpers for posting section forms the way the browser does."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from plans.content import PlanContent
from plans.forms import SectionForm
from plans.models import Plan
from plans.sections import SECTIONS_BY_KEY


def form_data(plan: Plan, key: str) -> dict[str, Any]:
    """Every field the edit form of a section would post, as it stands unchanged."""
    plan.refresh_from_db()
    form = SectionForm(plan, PlanContent.from_plan(plan), SECTIONS_BY_KEY[key])
    data: dict[str, Any] = {}

    def collect(django_form: Any) -> None:
        for field in django_form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value

    collect(form.meta)
    if form.fields:
        collect(form.fields)
    collect(form.notes)
    for formset in [*form.formsets.values(), *form.task_formsets]:
        collect(formset.management_form)
        for row in formset:
            collect(row)
    return {k: (v.isoformat() if hasattr(v, "isoformat") else str(v)) for k, v in data.items()}


def edit_url(plan: Plan, key: str) -> str:
    return reverse("plans:section_edit", args=[plan.pk, key])
