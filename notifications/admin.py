from __future__ import annotations

from django.contrib import admin

from notifications.models import Notification, NotificationPreference
from plans.admin import ReadOnlyMixin


# What people were told is a record: the admin shows it, and changes nothing.
@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["recipient", "kind", "plan", "actor", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient", "plan", "actor"]
    search_fields = ["recipient__username", "text"]


# People choose for themselves, on /inbox/settings/.
@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "email_off"]
    list_select_related = ["user"]
