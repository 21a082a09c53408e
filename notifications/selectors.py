"""Reads that build screens and decide who hears of a plan."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from notifications.models import Notification
from plans.models import VIEW_ALL_PERMISSION, Membership, Plan

_PERM_APP, _PERM_CODENAME = VIEW_ALL_PERMISSION.split(".")

INBOX_FIELDS = (
    "kind",
    "text",
    "url",
    "created_at",
    "read_at",
    "plan__title",
    "actor__username",
    "actor__first_name",
    "actor__last_name",
)


def who_may_see(plan: Plan) -> Q:
    """The users `Plan.objects.visible_to(user)` lets see the plan, as a filter of users: the
    members of its team, and managers (the permission, through a group or their own, or a
    superuser's every permission). Active users only, as for has_perm()."""
    permission = Permission.objects.filter(
        content_type__app_label=_PERM_APP, codename=_PERM_CODENAME
    )
    return Q(is_active=True) & (
        Exists(Membership.objects.filter(team_id=plan.team_id, user=OuterRef("pk")))
        | Q(is_superuser=True)
        | Exists(permission.filter(group__user=OuterRef("pk")))
        | Exists(permission.filter(user=OuterRef("pk")))
    )


def inbox(user: User) -> QuerySet[Notification]:
    """The user's inbox, newest first, with what its lines show and nothing more."""
    return (
        Notification.objects.for_inbox(user)
        .select_related("plan", "actor")
        .only(*INBOX_FIELDS)
        .order_by("-created_at", "-pk")
    )


def unread_count(user: User) -> int:
    """The navigation's count: read with the user when the user came from the sign-in backend."""
    known = getattr(user, "notifications_unread", None)
    return known if known is not None else count_unread(user)


def count_unread(user: User) -> int:
    return Notification.objects.for_inbox(user).unread().count()


def unread_count_of_outer_user() -> RawSQL:
    """The count of unread_count() as a column of a User query: the navigation's badge is read
    with the signed-in user (accounts.backends.PlansignBackend), at no query of its own. It counts
    what the inbox lists: for a manager every unread notification, for anyone else those of the
    plans of their teams. tests/notifications/test_unread_count.py holds the two equal."""
    return RawSQL(_UNREAD_COUNT_SQL, (True, _PERM_APP, _PERM_CODENAME))


def _sql() -> str:
    user = get_user_model()
    users = user._meta.db_table
    notifications = Notification._meta.db_table
    user_groups = user.groups.through._meta.db_table
    user_permissions = user.user_permissions.through._meta.db_table
    group_permissions = Permission.group_set.through._meta.db_table
    # The manager test comes first and once: CASE evaluates only the count that applies.
    return f"""
    SELECT CASE WHEN (
        {users}.is_superuser = %s
        OR EXISTS (
            SELECT 1 FROM {Permission._meta.db_table} perm
            INNER JOIN {ContentType._meta.db_table} ct ON ct.id = perm.content_type_id
            WHERE ct.app_label = %s AND perm.codename = %s AND (
                EXISTS (SELECT 1 FROM {user_permissions} up
                        WHERE up.permission_id = perm.id AND up.user_id = {users}.id)
                OR EXISTS (SELECT 1 FROM {user_groups} ug
                           INNER JOIN {group_permissions} gp ON gp.group_id = ug.group_id
                           WHERE gp.permission_id = perm.id AND ug.user_id = {users}.id)
            )
        )
    ) THEN (
        SELECT COUNT(*) FROM {notifications} n
        WHERE n.recipient_id = {users}.id AND n.read_at IS NULL
    ) ELSE (
        SELECT COUNT(*) FROM {notifications} n
        INNER JOIN {Plan._meta.db_table} p ON p.id = n.plan_id
        INNER JOIN {Membership._meta.db_table} m
            ON m.team_id = p.team_id AND m.user_id = n.recipient_id
        WHERE n.recipient_id = {users}.id AND n.read_at IS NULL
    ) END
    """


_UNREAD_COUNT_SQL = _sql()
