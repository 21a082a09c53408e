from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import (
    cache_from_url,
    env_bool,
    env_int,
    mailer_from_url,
    site_url_from,
    tasks_backend_from,
)

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "plansign.example.com",
    "EMAIL_URL": "smtp://plansign:secret@mail.example.com:587",
    "SITE_URL": "https://plansign.example.com",
}


def test_it_rejects_a_boolean_it_cannot_read(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", True)


def test_it_rejects_a_number_it_cannot_read(monkeypatch):
    monkeypatch.setenv("SECURE_HSTS_SECONDS", "a year")
    with pytest.raises(ImproperlyConfigured, match="SECURE_HSTS_SECONDS"):
        env_int("SECURE_HSTS_SECONDS", 0)


def test_it_reads_smtp_addresses():
    mailer = mailer_from_url("smtp://mailer:p%40ss@mail.example.com:2525")
    assert mailer["OPTIONS"] == {
        "host": "mail.example.com",
        "port": 2525,
        "username": "mailer",
        "password": "p@ss",
        "use_ssl": False,
        "use_tls": True,
    }


def test_it_rejects_an_unknown_email_address_scheme():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        mailer_from_url("pigeon://coop")


def test_it_reads_cache_addresses():
    assert cache_from_url("db://plansign_cache") == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "plansign_cache",
    }
    assert cache_from_url("locmem://")["BACKEND"].endswith("LocMemCache")
    redis = cache_from_url("redis://127.0.0.1:6379/4")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/4"
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url("memcached://somewhere")


def test_it_reads_redis_cache_addresses_with_a_key_prefix():
    cache = cache_from_url("redis://127.0.0.1:6379/2?prefix=plansign")
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/2"
    assert cache["KEY_PREFIX"] == "plansign"
    assert cache_from_url("rediss://:secret@redis.example.com")["LOCATION"] == (
        "rediss://:secret@redis.example.com"
    )


@pytest.mark.parametrize(
    "url", ["redis://", "redis://h:port/0", "redis://h/zero", "redis://h/0?timeout=3"]
)
def test_it_refuses_a_redis_address_it_cannot_read(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url(url)


def test_sessions_are_cached_only_in_a_cache_every_process_shares():
    shared = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SESSION_ENGINE)",
        CACHE_URL="redis://127.0.0.1:6379/0",
    )
    alone = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SESSION_ENGINE)",
        CACHE_URL="locmem://",
    )
    assert shared.stdout.split()[-1] == "django.contrib.sessions.backends.cached_db", shared.stderr
    assert alone.stdout.split()[-1] == "accounts.sessions", alone.stderr


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_served_application_collects_garbage_less_often():
    """Pages of many rows build tens of thousands of short-lived objects (config/wsgi.py)."""
    result = manage(
        "shell",
        "-c",
        "import gc, config.wsgi; print(gc.get_threshold())",
        **PRODUCTION,
    )
    assert result.stdout.split("\n")[-2] == "(50000, 20, 100)", result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://plans.example.com", "https://plans.example.com"),
        ("http://h:8000/", "http://h:8000"),
    ],
)
def test_it_reads_the_site_url(url, expected):
    assert site_url_from(url) == expected


@pytest.mark.parametrize(
    "url", ["plans.example.com", "ftp://plans.example.com", "https://h/plansign", "https://h/?a=1"]
)
def test_it_refuses_a_site_url_that_is_not_a_scheme_and_a_host(url):
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        site_url_from(url)


def test_it_reads_the_tasks_backend():
    assert tasks_backend_from("database") == {"BACKEND": "django_tasks_db.DatabaseBackend"}
    with pytest.raises(ImproperlyConfigured, match="TASKS_BACKEND"):
        tasks_backend_from("celery")


def test_production_refuses_to_start_without_a_site_url():
    result = manage("check", **{**PRODUCTION, "SITE_URL": ""})
    assert "SITE_URL must be set when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_refuses_a_database_url_that_is_not_postgres():
    result = manage("check", DATABASE_URL="mysql://root@127.0.0.1/plansign")
    assert "DATABASE_URL must be a postgres:// address" in result.stderr


def test_it_refuses_an_unknown_time_zone():
    result = manage("check", TIME_ZONE="Mars/Olympus")
    assert "TIME_ZONE 'Mars/Olympus' is not a known time zone" in result.stderr
