"""Request rates kept in the default cache, shared by every app server that shares it.

A rate counts requests per key (a user, say) in fixed windows of the clock; past `requests` in
one window, a request waits for the next window.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class RateLimit:
    name: str
    requests: int
    window_seconds: int

    def wait(self, *parts: object) -> int:
        """Count one request for the key `parts`: 0 if it is within the rate, else the seconds
        until the next window, when it would be."""
        now = time.time()
        window = int(now // self.window_seconds)
        digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
        key = f"rate:{self.name}:{digest}:{window}"
        if cache.add(key, 1, self.window_seconds + 1):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, self.window_seconds + 1)
                count = 1
        if count <= self.requests:
            return 0
        return max(1, int((window + 1) * self.window_seconds - now + 0.999))
