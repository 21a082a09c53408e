"""Authentication backends: the sign-in limit first, then the users' own table."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import HttpRequest


class SignInLimitBackend(AxesStandaloneBackend):
    """django-axes' check: an account and address with too many recent failures is refused
    before any password is compared, even the right one.

    Every door of the site passes its request (the sign-in and admin sign-in forms, the password
    change form, accounts.passwords.verify_password); an authenticate() without one has no client
    to count against (a shell, the test client's login()), so it is left to the next backend
    instead of failing as axes' own backend does."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def permission_names_of_outer_user() -> RawSQL:
    """The user's own and groups' permissions ("app_label.codename", comma-separated) as a
    column of a User query. Nearly every page asks has_perm() (may this user see every plan?),
    and ModelBackend answered with two queries of its own per request; written in SQL for the
    reason waiting_count_of_outer_user is."""
    user = get_user_model()
    users = user._meta.db_table
    user_groups = user.groups.through._meta.db_table
    user_permissions = user.user_permissions.through._meta.db_table
    group_permissions = Permission.group_set.through._meta.db_table
    aggregate = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    return RawSQL(
        f"""
        SELECT {aggregate}(ct.app_label || '.' || perm.codename, ',')
        FROM {Permission._meta.db_table} perm
        INNER JOIN {ContentType._meta.db_table} ct ON ct.id = perm.content_type_id
        WHERE perm.id IN (
            SELECT up.permission_id FROM {user_permissions} up WHERE up.user_id = {users}.id
            UNION
            SELECT gp.permission_id FROM {group_permissions} gp
            INNER JOIN {user_groups} ug ON ug.group_id = gp.group_id
            WHERE ug.user_id = {users}.id
        )""",
        (),
    )


class PlansignBackend(ModelBackend):
    """Django's model backend, loading the signed-in user with the navigation's counts of
    sign-offs waiting for them and of unread notifications, and with their permissions:
    every page shows the counts and asks for a permission, and this costs no query of its
    own."""

    def get_user(self, user_id: Any) -> Any:
        from approvals.services import waiting_count_of_outer_user
        from notifications.selectors import unread_count_of_outer_user

        users = get_user_model()._default_manager.annotate(
            signoffs_waiting=waiting_count_of_outer_user(),
            notifications_unread=unread_count_of_outer_user(),
            permission_names=permission_names_of_outer_user(),
        )
        try:
            user = users.get(pk=user_id)
        except (ValueError, TypeError, get_user_model().DoesNotExist):
            return None
        if not user.is_superuser:  # a superuser's are every permission: Django's own answer
            # ModelBackend.get_all_permissions() reads this cache before it queries.
            user._perm_cache = set(filter(None, (user.permission_names or "").split(",")))  # type: ignore[attr-defined]
        return user if self.user_can_authenticate(user) else None
