from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from approvals.models import Signoff, SignoffRole
from plans.admin import ReadOnlyHistoryAdmin


@admin.register(SignoffRole)
class SignoffRoleAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "name", "assignee", "position"]
    list_select_related = ["plan", "assignee"]


@admin.register(Signoff)
class SignoffAdmin(ReadOnlyHistoryAdmin):
    list_display = ["plan", "role", "user", "decision", "plan_version", "created_at"]
    list_select_related = ["plan", "role", "user"]
