"""The shared cast: alice edits the Payments team's plans, victor only views them, carol manages
every team, mallory is signed in but in no team; bob and quinn, editors of Payments, are the
leads who sign off alice's plans."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.test import Client, override_settings

from plans.apps import MANAGERS_GROUP
from plans.models import Membership
from tests.factories import make_plan, make_team, make_user


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Production hashes passwords with PBKDF2 at about 0.7 s a time here: tests that sign in
    (the demo's people, every failed sign-in) would spend minutes on it."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def alice(db):
    return make_user("alice", first_name="Alice", last_name="Author")


@pytest.fixture
def victor(db):
    return make_user("victor", first_name="Victor", last_name="Viewer")


@pytest.fixture
def carol(db):
    user = make_user("carol", first_name="Carol", last_name="Manager")
    Group.objects.get(name=MANAGERS_GROUP).user_set.add(user)
    return user


@pytest.fixture
def mallory(db):
    return make_user("mallory")


@pytest.fixture
def team(alice, victor):
    return make_team("Payments", alice="editor", victor="viewer")


@pytest.fixture
def bob(team):
    user = make_user("bob", first_name="Bob", last_name="Lead")
    Membership.objects.create(team=team, user=user, role=Membership.Role.EDITOR)
    return user


@pytest.fixture
def quinn(team):
    user = make_user("quinn", first_name="Quinn", last_name="QA")
    Membership.objects.create(team=team, user=user, role=Membership.Role.EDITOR)
    return user


@pytest.fixture
def leads(bob, quinn):
    return bob, quinn


@pytest.fixture
def plan(team, alice):
    return make_plan(team, alice)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_alice(alice):
    return client_for(alice)


@pytest.fixture
def as_victor(victor):
    return client_for(victor)


@pytest.fixture
def as_carol(carol):
    return client_for(carol)


@pytest.fixture
def as_mallory(mallory):
    return client_for(mallory)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Rate limits and rendered versions live in caches: each test starts with none (ids are
    reused from one test to the next)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _rate_windows_stand_still(monkeypatch):
    """Rates count requests in fixed windows of the clock (plans.ratelimit): a test that sends a
    limit's worth of requests across the turn of a minute had them counted in two windows, and
    never reached the limit (seen once in CI, at 07:35:59.7). In a test the limiter's clock
    stands at the moment the test began; its caches start empty (_fresh_caches)."""
    from plans import ratelimit

    began = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: began))


REDIS_ADDRESS = ("127.0.0.1", 6379)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis cache address whose keys start with a prefix of this test run's own, so that runs
    in parallel (CI and a developer, xdist workers) never read each other's keys. Tests that
    need Redis skip, saying why, when none answers, unless REDIS_REQUIRED=1 (as in CI)."""
    import os
    import socket
    import uuid

    try:
        with socket.create_connection(REDIS_ADDRESS, timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            answered = conn.recv(16).startswith(b"+PONG")
    except OSError:
        answered = False
    if not answered:
        reason = "no Redis answers at {}:{}".format(*REDIS_ADDRESS)
        if os.environ.get("REDIS_REQUIRED") == "1":
            pytest.fail(f"REDIS_REQUIRED=1 but {reason}")
        pytest.skip(reason)
    prefix = f"test-{uuid.uuid4().hex}"
    yield "redis://{}:{}/0?prefix={}".format(*REDIS_ADDRESS, prefix)

    import redis

    client = redis.Redis(*REDIS_ADDRESS, db=0)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)  # this run's keys only
