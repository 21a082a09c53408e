from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

MANAGERS_GROUP = "Managers"


def ensure_managers_group(**kwargs: Any) -> None:
    """Managers are the members of this group: it grants the right to see every plan."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=MANAGERS_GROUP)
    permission = Permission.objects.filter(
        content_type__app_label="plans", codename="view_every_plan"
    ).first()
    if permission is not None:
        group.permissions.add(permission)


class PlansConfig(AppConfig):
    name = "plans"

    def ready(self) -> None:
        post_migrate.connect(ensure_managers_group, sender=self)
