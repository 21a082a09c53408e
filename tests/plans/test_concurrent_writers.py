"""Editors saving at the same time, in-process: the clients and checks of
bench/concurrent_writers.py, with Django's test client in threads instead of gunicorn."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

sys.path.append(str(Path(__file__).resolve().parents[2] / "bench"))
from concurrent_writers import ACCEPTED, CONFLICT, build_plan, check, run_writers
from server import Response

CLIENTS = 4
SECONDS = 3.0

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency is proven on PostgreSQL; SQLite's in-memory test database locks tables",
    ),
    pytest.mark.django_db(transaction=True),
]


class InProcessBrowser:
    """A signed-in test client answering like server.Session (CSRF is not enforced here)."""

    def __init__(self, user) -> None:
        self.client = Client()
        self.client.force_login(user)

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Response:
        return self._answer(self.client.get(path, headers=headers))

    def post(
        self, path: str, data: Mapping[str, str], headers: Mapping[str, str] | None = None
    ) -> Response:
        return self._answer(self.client.post(path, data, headers=headers))

    @staticmethod
    def _answer(response) -> Response:
        return Response(response.status_code, response.content.decode(), dict(response.headers))


def test_it_keeps_every_accepted_save_and_refuses_the_others_with_409():
    plan, users = build_plan(CLIENTS, password=None)
    run = run_writers(
        lambda i: InProcessBrowser(users[i]),
        plan_id=plan.pk,
        usernames=[u.username for u in users],
        seconds=SECONDS,
        thread_done=lambda: connection.close(),  # each thread's own connection
    )
    assert run.count(ACCEPTED) > 0 and run.count(CONFLICT) > 0, run.answers[:3]
    assert [c.text for c in check(run, plan.pk) if not c.ok] == []
