"""One log line per request (logger "plansign.request"): method, path, status, duration, user
and request id; one JSON object per line with LOG_FORMAT=json (settings.LOGGING), else text.

The request id is the X-Request-ID a proxy sent, when it looks like one, else a new one; the
response carries it back, so that a user's report and the log meet. The response also says how
long the app took (`Server-Timing: app;dur=…`, shown by browsers' developer tools), so that a
slow page can be told from a slow network, by a person or by bench/scale.py."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.encoding import escape_uri_path
from django.utils.functional import empty

logger = logging.getLogger("plansign.request")

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# A password-reset link's path holds its token until Django swaps it for "set-password".
RESET_TOKEN = re.compile(r"^(/accounts/reset/[^/]+/)(?!set-password/)[^/]+/")
FIELDS = ("method", "path", "status", "duration_ms", "user_id", "request_id")


def loggable_path(request: HttpRequest) -> str:
    """The path without its query (which may hold anything a user typed) or a reset token, and
    with control characters and spaces escaped: one request is one line."""
    return RESET_TOKEN.sub(r"\1[token]/", escape_uri_path(request.path))


def user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, if the request looked its user up (a static file, /healthz
    do not): the log costs no query of its own, and a failed session read fails no more."""
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)  # request.user is lazy (AuthenticationMiddleware)
    if wrapped is None or wrapped is empty or not wrapped.is_authenticated:
        return None
    return wrapped.pk


class RequestLogMiddleware:
    """First in settings.MIDDLEWARE: it times everything else, static files included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        sent = request.headers.get("X-Request-ID", "")
        request_id = sent if REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
        response = self.get_response(request)
        duration = round((time.perf_counter() - started) * 1000, 1)
        fields = {
            "method": request.method,
            "path": loggable_path(request),
            "status": response.status_code,
            "duration_ms": duration,
            "user_id": user_id(request),
            "request_id": request_id,
        }
        logger.info(
            "%(method)s %(path)s %(status)s %(duration_ms)sms user=%(user_id)s id=%(request_id)s",
            fields,
            extra=fields,
        )
        response["X-Request-ID"] = request_id
        response["Server-Timing"] = f"app;dur={duration}"
        return response


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time, level, logger and message, the request's
    fields when it is a request's line, the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
