"""The JSON API at /api/: plans as data for scripts, bots and pipelines.

Every endpoint goes through the pages' access rules (plans.access.get_plan_for: 404 for a plan
one may not see, 403 for a change one may not make); every error is a problem document
(api.problems). Tokens and sessions are told apart in api.auth.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any, get_args

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI, Query, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from api import endpoints
from api.auth import authenticate
from api.problems import PROBLEM_JSON, Problem, from_problem, problem_response
from api.schemas import SectionKey

logger = logging.getLogger(__name__)

DESCRIPTION = """
Plans as data. Authenticate with a personal access token (`Authorization: Bearer pst_…`,
created on `/account/tokens/`) or a signed-in session (writes need the `X-CSRFToken` header).
A read token may only read (403 on writes); each token has a request rate (429 with
`Retry-After` past it).

**Same rules as the pages**: a plan you may not see answers 404, a change you may not make 403.

**Errors** are RFC 9457 problem details (`application/problem+json`): `detail` says what went
wrong; a validation error lists `errors`, each naming its `field`.

**Optimistic concurrency** on `PUT /api/plans/{id}/sections/{key}`: send `If-Match: "N"` with
the plan version you read (the `ETag` of the plan's detail). Without it: **428**. With a value
that is no version of the plan (not a number, or above the current one): **412**. If someone
changed *this section* after version N: **409**, with the `current_version` and the versions in
between; read the plan again and reapply your change. Saves to other sections since N merge.
"""


class LocalSwagger(Swagger):
    """Swagger UI from static/vendor/ (no CDN), with the CSRF token for session writes."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        # ninja falls back to a CDN page unless it is an installed app: render ours.
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings), "api": api}
        return render(request, self.template, context)


class PlansignAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Errors are problem documents; the export is Markdown: the schema says so."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content")
                    if content and int(status) >= 400 and "application/json" in content:
                        content[PROBLEM_JSON] = content.pop("application/json")
                for parameter in operation.get("parameters", []):
                    if (parameter["name"], parameter["in"]) == ("key", "path"):
                        parameter["schema"]["enum"] = list(get_args(SectionKey))
                if operation.get("operationId") == "api_endpoints_plan_export":
                    ok = operation["responses"].get(200) or operation["responses"]["200"]
                    ok["content"] = {"text/markdown": {"schema": {"type": "string"}}}
        return schema


api = PlansignAPI(
    title="Plansign API",
    version="1",
    description=DESCRIPTION,
    auth=authenticate,
    urls_namespace="api",
    docs=LocalSwagger(settings={"validatorUrl": None}),
    docs_url="/docs",
)
api.add_router("/", endpoints.router)


@api.exception_handler(Problem)
def _problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return from_problem(request, exc)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        where = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "rows") → "rows"; ("query", "page") → "page"
        names = [p for p in where[1:] if p not in {"payload", "filters"}] or where
        errors.append({"field": ".".join(names), "message": str(error.get("msg", "Invalid."))})
    return problem_response(request, 422, "The request is not valid: see errors.", errors=errors)


@api.exception_handler(AuthenticationError)
def _anonymous(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        401,
        "Sign in, or send a personal access token: Authorization: Bearer <token>.",
        headers={"WWW-Authenticate": 'Bearer realm="plansign"'},
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, 404, str(exc) or "Not found.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(request, 403, str(exc) or "You may not do this.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    return problem_response(request, status, str(exc) or HTTPStatus(status).phrase)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return problem_response(request, 413, f"The body is over {limit // 1_000_000} MB.")


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s", request.path, exc_info=exc)
    return problem_response(request, 500, "Something went wrong on our side; it was logged.")


def urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    """The API's URL patterns: each answers for itself (401 as a problem, not a redirect to
    the sign-in page that LoginRequiredMiddleware sends pages to)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    return patterns, app_name, namespace


__all__ = ["Query", "api", "urls"]
