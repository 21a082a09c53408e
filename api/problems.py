"""Errors as RFC 9457 problem details: JSON that says what went wrong, never an HTML page."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An answer other than success, with the words a script's author needs to fix the call."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail
        self.errors, self.headers, self.extra = errors, headers or {}, extra


def problem_response(
    request: HttpRequest,
    status: int,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
        **extra,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return problem_response(
        request, exc.status, exc.detail, errors=exc.errors, headers=exc.headers, **exc.extra
    )


class ApiProblemMiddleware:
    """Whatever answers an /api/ address with an error that is not JSON (Django's 404 for an
    unknown address, a 405 for a wrong method, a 500 page) is turned into a problem."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if "json" in response.get("Content-Type", ""):
            return response
        status = response.status_code
        detail = {
            404: "There is nothing at this address of the API.",
            405: f"{request.method} is not allowed here.",
        }.get(status, HTTPStatus(status).phrase if status in HTTPStatus else "Error")
        kept = {k: response[k] for k in ("Allow", "Retry-After") if k in response}
        return problem_response(request, status, detail, headers=kept)
