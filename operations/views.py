"""/healthz, for load balancers: 200 when this server reaches its database (and Redis, when the
cache is there), 503 naming what it cannot reach."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from redis.exceptions import RedisError


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def redis_answers(redis: RedisCache) -> bool:
    try:
        return bool(redis._cache.get_client(write=True).ping())
    except (RedisError, OSError):
        return False


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": "ok" if database_answers() else "unreachable"}
    shared = caches["default"]
    if isinstance(shared, RedisCache):
        checks["redis"] = "ok" if redis_answers(shared) else "unreachable"
    healthy = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if healthy else "error", **checks}
    return JsonResponse(body, status=200 if healthy else 503)
