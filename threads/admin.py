from __future__ import annotations

from django.contrib import admin

from plans.admin import ReadOnlyHistoryAdmin
from threads.models import Comment, Thread


# Threads change only through the app, which asks threads.rules who may.
@admin.register(Thread)
class ThreadAdmin(ReadOnlyHistoryAdmin):
    list_display = ["plan", "section_key", "row_label", "created_by", "created_at", "resolved_at"]
    list_select_related = ["plan", "created_by"]
    list_filter = ["resolved_at"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["thread", "author", "version", "created_at", "edited_at", "deleted_at"]
    list_select_related = ["thread", "author"]
