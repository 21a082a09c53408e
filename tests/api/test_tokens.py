"""Personal access tokens: made and revoked on /account/tokens/, stored hashed, shown once,
expiring, limited in rate, acting as their user with their scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from api.models import ApiToken, digest
from config.settings import cache_from_url
from tests.api.conftest import bearer, token_for
from tests.conftest import client_for


def test_it_shows_a_new_token_once_and_keeps_only_its_hash(alice):
    client = client_for(alice)
    response = client.post(
        "/account/tokens/",
        {"name": "release pipeline", "scope": "read", "expires_in": "30"},
        follow=True,
    )
    secret = response.context["secret"]
    token = ApiToken.objects.get(user=alice)
    assert secret in response.content.decode()
    assert token.hashed == digest(secret) and secret not in token.hashed
    assert secret not in client.get("/account/tokens/").content.decode()
    assert token.prefix in client.get("/account/tokens/").content.decode()


def test_a_token_without_a_name_is_refused_next_to_the_field(alice):
    response = client_for(alice).post(
        "/account/tokens/", {"name": "", "scope": "read", "expires_in": "30"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_a_token_acts_as_its_user(alice, plan):
    response = bearer(token_for(alice, "read")).get(f"/api/plans/{plan.pk}")
    assert response.status_code == 200


def test_last_use_is_recorded_and_shown(alice, plan):
    secret = token_for(alice, "read")
    bearer(secret).get("/api/plans/")
    token = ApiToken.objects.get(user=alice)
    assert token.last_used_at is not None
    page = client_for(alice).get("/account/tokens/").content.decode()
    assert token.last_used_at.strftime("%Y-%m-%d") in page


def test_an_expired_token_is_refused(alice, plan):
    secret = token_for(alice, expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = bearer(secret).get("/api/plans/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_revoked_token_is_refused(alice, plan):
    secret = token_for(alice)
    token = ApiToken.objects.get(user=alice)
    client_for(alice).post(f"/account/tokens/{token.pk}/revoke/")
    assert bearer(secret).get("/api/plans/").status_code == 401


def test_nobody_revokes_someone_elses_token(alice, mallory):
    token_for(alice)
    token = ApiToken.objects.get(user=alice)
    response = client_for(mallory).post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_made_up_token_is_401(plan):
    assert bearer("pst_made-up").get("/api/plans/").status_code == 401
    assert bearer("").get("/api/plans/").status_code == 401


def test_a_deactivated_users_token_is_refused(alice):
    secret = token_for(alice)
    alice.is_active = False
    alice.save()
    assert bearer(secret).get("/api/plans/").status_code == 401


@override_settings(API_TOKEN_RATE_PER_MINUTE=3)
def test_past_its_rate_a_token_gets_429_with_retry_after(alice, plan):
    client = bearer(token_for(alice, "read"))
    statuses = [client.get("/api/plans/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/plans/")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Content-Type"] == "application/problem+json"


@override_settings(API_TOKEN_RATE_PER_MINUTE=1)
def test_each_token_has_its_own_rate(alice, plan):
    first, second = bearer(token_for(alice, "read")), bearer(token_for(alice, "read"))
    assert first.get("/api/plans/").status_code == 200
    assert second.get("/api/plans/").status_code == 200
    assert first.get("/api/plans/").status_code == 429


def test_anonymous_is_sent_to_sign_in_for_the_tokens_page(client):
    response = client.get("/account/tokens/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


REDIS_URL = "redis://127.0.0.1:6379/4"


def _redis_up() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_the_rate_is_counted_in_redis_where_every_process_sees_it(alice, plan, settings):
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    settings.CACHES = {**settings.CACHES, "default": cache_from_url(REDIS_URL)}
    settings.API_TOKEN_RATE_PER_MINUTE = 2
    caches["default"].clear()
    secret = token_for(alice, "read")
    client = bearer(secret)
    assert [client.get("/api/plans/").status_code for _ in range(3)] == [200, 200, 429]
    # Another process's connection to the same Redis reads the same count.
    raw = RedisCache(REDIS_URL, {})._cache.get_client()
    assert [int(raw.get(key)) for key in raw.keys("*rate:api-token*")] == [3]
    caches["default"].clear()
