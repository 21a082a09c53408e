"""/healthz tells a load balancer whether this server reaches what it shares with the others."""

from __future__ import annotations

from django.test import Client, override_settings

from config.settings import cache_from_url


def test_it_answers_without_signing_in_and_checks_the_database(db):
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_it_checks_redis_too_when_the_cache_is_there(db, redis_url):
    with override_settings(CACHES={"default": cache_from_url(redis_url)}):
        response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_a_redis_that_does_not_answer_makes_it_fail_with_503(db):
    nobody = cache_from_url("redis://127.0.0.1:1/0")  # nothing listens on port 1
    with override_settings(CACHES={"default": nobody}):
        response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "unreachable"}


def test_it_refuses_to_change_anything(db):
    assert Client().post("/healthz").status_code == 405
