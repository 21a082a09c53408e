"""The admin: teams and memberships are managed here; plan content is read-only.

Every content change must be a numbered plan version written by the app's services, so the admin
shows plans, their rows and their history but never edits or deletes them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import ForeignKey, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from plans.content import ALL_ROW_MODELS
from plans.models import Membership, Plan, PlanRow, PlanVersion, Team


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HistoryAdmin(SimpleHistoryAdmin):
    def get_history_queryset(
        self, request: HttpRequest, history_manager: Any, pk_name: str, object_id: Any
    ) -> QuerySet:
        """simple-history's list of an object's records, with their author and the objects
        the records point to read in the same query; a model whose history points to none
        (a team) asks for no join. simple-history asked select_related() with no names
        there, which Django deprecates (RemovedInDjango2028Warning)."""
        records = history_manager.filter(**{pk_name: object_id}).select_related("history_user")
        tracked = history_manager.model.tracked_fields
        pointed = [field.name for field in tracked if isinstance(field, ForeignKey)]
        return records.select_related(*pointed) if pointed else records


class ReadOnlyHistoryAdmin(ReadOnlyMixin, HistoryAdmin):
    # simple-history's "revert" form is read-only: its button is hidden, and a POST (which
    # simple-history would save, checking only the view permission) is refused.
    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("History is read-only: it is never rewritten.")
        extra_context = {**(extra_context or {}), "revert_disabled": True}
        return super().history_form_view(request, object_id, version_id, extra_context)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(HistoryAdmin):
    list_display = ["name", "allow_self_signoff"]
    search_fields = ["name"]
    inlines = [MembershipInline]


def _row_inline(model: type[PlanRow]) -> type[admin.TabularInline]:
    return type(
        f"{model.__name__}Inline",
        (ReadOnlyMixin, admin.TabularInline),
        {"model": model, "extra": 0, "fields": ["position", *model.content_fields]},
    )


@admin.register(Plan)
class PlanAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "team", "status", "author", "version", "updated_at"]
    list_filter = ["status", "team"]
    search_fields = ["title"]
    list_select_related = ["team", "author"]
    inlines = [_row_inline(model) for model in ALL_ROW_MODELS]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["plan", "number", "author", "created_at", "summary"]
    list_select_related = ["plan", "author"]
    search_fields = ["plan__title", "summary"]


for _model in ALL_ROW_MODELS:
    admin.site.register(
        _model,
        type(
            f"{_model.__name__}Admin",
            (ReadOnlyHistoryAdmin,),
            {
                "list_display": ["plan", "position", *_model.content_fields[:3]],
                "list_select_related": ["plan"],
            },
        ),
    )
