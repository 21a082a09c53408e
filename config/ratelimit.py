"""Failed-attempt limits kept in the default cache, shared by every app server that shares it.

A limit counts failures per key (a user and an address, say) over a fixed window that starts at
the first failure; once the count reaches the limit, the key is blocked until the window ends.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class FailureLimit:
    name: str
    attempts: int
    window_seconds: int

    def _key(self, *parts: object) -> str:
        digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
        return f"failures:{self.name}:{digest}"

    def blocked(self, *parts: object) -> bool:
        return cache.get(self._key(*parts), 0) >= self.attempts

    def failed(self, *parts: object) -> None:
        key = self._key(*parts)
        if not cache.add(key, 1, self.window_seconds):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, self.window_seconds)

    def clear(self, *parts: object) -> None:
        cache.delete(self._key(*parts))

    @property
    def minutes(self) -> int:
        return max(1, self.window_seconds // 60)


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one the nearest of PROXY_COUNT proxies saw."""
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
