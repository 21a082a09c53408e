"""Who is calling: a personal access token (Bearer) or the browser's session.

A token acts as its user with its scope: a read token is refused every write (403). A session
writes only with its CSRF token, as the pages do. Each token has its own request rate."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone

from api.models import ApiToken
from api.problems import Problem
from plans.ratelimit import RateLimit

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Writing last_used_at on every request would be a write per read: once a minute is enough.
LAST_USED_EVERY_SECONDS = 60


def token_rate() -> RateLimit:
    return RateLimit("api-token", settings.API_TOKEN_RATE_PER_MINUTE, 60)


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip()


def _csrf_failure(request: HttpRequest) -> str | None:
    check = CsrfViewMiddleware(lambda r: HttpResponse())
    check.process_request(request)
    response = check.process_view(request, lambda r: HttpResponse(), (), {})
    return None if response is None else "CSRF check failed: send the X-CSRFToken header."


def authenticate(request: HttpRequest) -> User | None:
    secret = _bearer(request)
    if secret is not None:
        return _by_token(request, secret)
    user = request.user
    if not user.is_authenticated:
        return None
    if request.method not in SAFE_METHODS and (failure := _csrf_failure(request)):
        raise Problem(403, failure)
    request.api_token = None  # type: ignore[attr-defined]
    return user


def _by_token(request: HttpRequest, secret: str) -> User:
    token = ApiToken.find(secret)
    if token is None or not token.user.is_active:
        raise Problem(
            401,
            "This token is unknown, revoked or expired: create a new one on /account/tokens/.",
            headers={"WWW-Authenticate": 'Bearer realm="plansign"'},
        )
    if wait := token_rate().wait(token.hashed):
        raise Problem(
            429,
            f"Too many requests with this token: try again in {wait} s.",
            headers={"Retry-After": str(wait)},
        )
    if request.method not in SAFE_METHODS and not token.may_write:
        raise Problem(403, "This token may only read: create a read and write token to change.")
    now = timezone.now()
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > LAST_USED_EVERY_SECONDS
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    request.user = token.user
    request.api_token = token  # type: ignore[attr-defined]
    return token.user
