"""The limits kept in the cache (password-reset mails, Markdown previews) count once for every
server when CACHE_URL is Redis. Each `on_a_server()` below is a new Redis client, with its own
connections, as another server's would be."""

from __future__ import annotations

import uuid

from django.test import override_settings

from accounts.limits import HourlyLimit
from config.settings import cache_from_url
from plans.ratelimit import RateLimit


def test_an_hourly_limit_taken_on_one_server_is_taken_on_the_other(redis_url):
    def on_a_server():
        return override_settings(CACHES={"default": cache_from_url(redis_url)})

    limit = HourlyLimit(f"resets-{uuid.uuid4().hex}", per_hour=3)
    taken = []
    for _ in range(4):  # A, B, A, B
        with on_a_server():
            taken.append(limit.take("someone@example.com"))

    assert taken == [True, True, True, False]


def test_a_rate_limit_counts_the_requests_to_every_server_together(redis_url):
    def on_a_server():
        return override_settings(CACHES={"default": cache_from_url(redis_url)})

    rate = RateLimit(f"previews-{uuid.uuid4().hex}", requests=4, window_seconds=3600)
    waits = []
    for _ in range(6):
        with on_a_server():
            waits.append(rate.wait("alice"))

    assert waits[:4] == [0, 0, 0, 0]
    assert all(wait > 0 for wait in waits[4:])
