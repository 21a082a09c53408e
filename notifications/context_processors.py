from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count


def notifications_unread(request: HttpRequest) -> dict[str, Any]:
    """The navigation's count of unread notifications, read with the signed-in user (lazy:
    pages that do not show the navigation pay nothing)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user))}
