"""What each process keeps of a plan's sign-offs (approvals.services, plans/rendered.py) is keyed
by the plan's sign-off revision. Names shown there can change outside a sign-off transition —
a named version relabelled in the admin, a person renamed — and every server must then show
the new name: these raise the revision of each plan that shows it."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q

from plans.models import NamedVersion, Plan

PERSON_FIELDS = ("first_name", "last_name", "username")


def named_version_changed(sender: type, instance: NamedVersion, **kwargs: Any) -> None:
    Plan.objects.filter(pk=instance.plan_id).update(signoffs_revision=F("signoffs_revision") + 1)


def remember_person_name(sender: type, instance: Any, **kwargs: Any) -> None:
    """Before a user is saved: their name as stored, to tell a rename."""
    fields = kwargs.get("update_fields")
    if (
        instance.pk is None
        or kwargs.get("raw")
        or (fields and not set(fields) & set(PERSON_FIELDS))
    ):
        instance._stored_name = None
        return
    instance._stored_name = (
        type(instance)._default_manager.filter(pk=instance.pk).values_list(*PERSON_FIELDS).first()
    )


def person_renamed(sender: type, instance: Any, created: bool, **kwargs: Any) -> None:
    stored = getattr(instance, "_stored_name", None)
    if created or stored is None:
        return
    if stored == tuple(getattr(instance, name) for name in PERSON_FIELDS):
        return
    shown = (
        Q(signoff_roles__assignee=instance)
        | Q(signoffs__user=instance)
        | Q(role_changes__changed_by=instance)
        | Q(role_changes__old_assignee=instance)
        | Q(role_changes__new_assignee=instance)
        | Q(named_versions__author=instance)
    )
    plans = Plan.objects.filter(shown).values("pk")
    Plan.objects.filter(pk__in=plans).update(signoffs_revision=F("signoffs_revision") + 1)
