from __future__ import annotations

from django.contrib import admin

from approvals.models import Signoff, SignoffRole
from plans.admin import ReadOnlyHistoryAdmin


# Roles and leads change only through the app, which allows it while the plan is a draft.
@admin.register(SignoffRole)
class SignoffRoleAdmin(ReadOnlyHistoryAdmin):
    list_display = ["plan", "name", "assignee", "position"]
    list_select_related = ["plan", "assignee"]


@admin.register(Signoff)
class SignoffAdmin(ReadOnlyHistoryAdmin):
    list_display = ["plan", "role", "user", "decision", "plan_version", "created_at"]
    list_select_related = ["plan", "role", "user"]
