from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from approvals.services import waiting_count


def signoffs_waiting(request: HttpRequest) -> dict[str, Any]:
    """The navigation's count of sign-offs waiting for the signed-in lead (lazy: pages that
    do not show the navigation pay nothing)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"signoffs_waiting": SimpleLazyObject(lambda: waiting_count(user))}
