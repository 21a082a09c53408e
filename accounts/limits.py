"""What the limits on passwords count by, and the hourly limit on password reset e-mails.

Failed passwords are counted by django-axes in the database (settings.AXES_*), per account and
client address together; the functions here are the hooks those settings name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one the nearest of PROXY_COUNT proxies saw.

    Only the entries our own proxies appended are believed: anything further left in
    X-Forwarded-For was written by the client and could be anything."""
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def username_key(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account a failure counts against: the name as typed, in lower case, so that
    "Alice" and "ALICE" do not each get five guesses."""
    field = get_user_model().USERNAME_FIELD
    name = credentials.get(field) if credentials else request.POST.get(field)
    return name.strip().lower() if isinstance(name, str) else None


def cool_off_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60)


@dataclass(frozen=True)
class HourlyLimit:
    """At most `per_hour` uses per key in any hour, kept in the default cache.

    Each use takes one of `per_hour` slots with cache.add(), which is atomic on every cache
    backend; a slot frees itself an hour after it was taken."""

    name: str
    per_hour: int

    def take(self, key: str) -> bool:
        digest = hashlib.sha256(key.encode()).hexdigest()
        return any(
            cache.add(f"hourly:{self.name}:{digest}:{slot}", 1, timeout=3600)
            for slot in range(self.per_hour)
        )


# Reset e-mails: enough for someone who mistyped or lost a mail, too few to flood an inbox.
RESETS_PER_ADDRESS = HourlyLimit("password-reset-address", per_hour=5)
RESETS_PER_ACCOUNT = HourlyLimit("password-reset-account", per_hour=3)
