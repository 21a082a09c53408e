"""One log line per request: method, path, status, duration, user and request id; JSON with
LOG_FORMAT=json, so that a log collector reads the fields without parsing text."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from operations.requestlog import JsonFormatter
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the request logger writes, formatted as LOG_FORMAT=json formats it."""
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("plansign.request")
    logger.addHandler(handler)
    try:
        yield written
    finally:
        logger.removeHandler(handler)


def lines(written: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in written.getvalue().splitlines()]


def test_a_signed_in_request_is_one_json_line_with_its_fields(as_alice, alice, plan, json_lines):
    response = as_alice.get(plan.get_absolute_url() + "?q=secret")

    [line] = lines(json_lines)
    assert line["method"] == "GET"
    assert line["path"] == plan.get_absolute_url()  # the query may hold anything: left out
    assert line["status"] == 200
    assert line["user_id"] == alice.pk
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "INFO" and line["logger"] == "plansign.request"


def test_the_response_says_how_long_the_app_took_as_the_log_does(as_alice, plan, json_lines):
    response = as_alice.get(plan.get_absolute_url())

    [line] = lines(json_lines)
    assert response["Server-Timing"] == f"app;dur={line['duration_ms']}"


def test_an_anonymous_request_has_no_user_and_keeps_a_proxys_request_id(db, json_lines):
    Client().get("/healthz", headers={"X-Request-ID": "lb-1234"})
    Client().get("/healthz", headers={"X-Request-ID": "not\nan id"})

    first, second = lines(json_lines)
    assert first["user_id"] is None and first["request_id"] == "lb-1234"
    assert second["request_id"] != "not\nan id" and len(second["request_id"]) == 32


def test_a_path_cannot_forge_a_second_line_nor_leak_a_reset_token(db, json_lines):
    Client().get("/plans/1%0A2026 INFO forged/")
    Client().get("/accounts/reset/MQ/cz1abc-0123456789abcdef/")

    forged, reset = lines(json_lines)
    assert "\n" not in forged["path"] and " " not in forged["path"]
    assert forged["status"] == 404
    assert reset["path"] == "/accounts/reset/MQ/[token]/"


def test_log_format_json_makes_every_log_line_json_and_plain_is_text():
    code = (
        "import logging; logging.getLogger('plansign.request').info("
        "'GET / 200', extra={'method': 'GET', 'path': '/', 'status': 200})"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}

    def log_of(log_format: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
            cwd=ROOT,
            env={**env, "LOG_FORMAT": log_format},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stderr.strip().splitlines()[-1]

    line = json.loads(log_of("json"))
    assert (line["method"], line["path"], line["status"]) == ("GET", "/", 200)
    assert log_of("plain").endswith("INFO plansign.request GET / 200")


def test_an_unknown_log_format_stops_the_process_naming_the_variable():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, "LOG_FORMAT": "xml"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "LOG_FORMAT must be plain or json" in result.stderr


def test_logging_a_request_costs_no_query_of_its_own(db, alice, plan, json_lines):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, modify_settings

    def queries(path: str) -> int:
        client = client_for(alice)  # a new client loads the middleware as set now
        client.get(plan.get_absolute_url())  # its sections rendered and kept
        with CaptureQueriesContext(connection) as context:
            assert client.get(path).status_code == 200
        return len(context.captured_queries)

    unlogged = modify_settings(MIDDLEWARE={"remove": "operations.requestlog.RequestLogMiddleware"})
    with unlogged:
        expected = [queries("/healthz"), queries(plan.get_absolute_url())]
    assert lines(json_lines) == []

    assert [queries("/healthz"), queries(plan.get_absolute_url())] == expected
    assert [line["user_id"] for line in lines(json_lines)][-1] == alice.pk
