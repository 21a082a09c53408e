"""The access sweep: every URL pattern of the project, as every kind of user, with GET and POST.

The patterns come from the URL resolver (the admin's and django.contrib.auth's included), so a new
view is swept as soon as it is routed; a pattern the sweep does not know how to fill fails, naming
it. Each concrete URL (a plan's, once for each team's plan) is requested by anonymous, mallory
(outsider), victor (viewer), carol (manager), root (superuser: the admin's own views) and alice
(editor): a plain GET, an htmx GET with probing query parameters, and a POST of every field the
app's forms ask for; alice also posts without a CSRF token, and again with htmx.

It checks that nothing answers 5xx; that nobody reads another team's plan; that the database is
the same after every GET, after every POST by someone without the right, and after every POST
without a CSRF token; and the expected answers where they are clear (login redirects, 404 for a
plan one may not see, 403 for a reader's change).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import product
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection, models, transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, path, re_path, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from api.models import ApiToken
from approvals.models import Signoff, SignoffRole
from approvals.services import assign_roles, request_signoff
from notifications.models import Notification
from notifications.services import notify, set_email_kinds
from notifications.tasks import send_notification_email
from plans.apps import MANAGERS_GROUP
from plans.content import ROW_MODELS, PlanContent
from plans.models import Plan, Team
from plans.sections import SECTIONS, SECTIONS_BY_KEY
from plans.services import create_plan, save_section
from tests.factories import PASSWORD, make_content, make_plan, make_team, make_user, sign_as
from tests.plans.editing import form_data
from threads import services as thread_services
from threads.models import Thread
from webhooks.models import Webhook

MARKER = "ZEBRA-SECRET-7731"
SECRET_TEAM = "Secret ops"
SECRET_WORD = "quokka"  # in the secret plan's text: everyone searches for it
PAYMENTS_TITLE = "Refund Ledger"  # unlike "Offline Sync", in no help text of the app

# Pages anonymous may open; every other address redirects anonymous to a login page.
PUBLIC_ROUTES = {
    "healthz",
    "accounts/login/",
    "accounts/password_reset/",
    "accounts/password_reset/done/",
    "accounts/reset/<uidb64>/<token>/",
    "accounts/reset/done/",
    "admin/login/",
    "api/openapi.json",  # the API's schema and its docs page: no data in either
    "api/docs",
}
# Pages that change a plan: a reader (viewer, manager) gets 403 on GET too.
EDIT_PAGES = {"plans:section_edit", "approvals:roles", "threads:new", "threads:comment_edit"}
# POSTs a reader of the plan may send: leads sign by assignment, not by edit right.
READER_POSTS = {"approvals:decide"}
# POSTs with which anyone signed in changes what is theirs alone: their notifications (marked
# read) and their e-mail preferences. These tables, and no other, may change.
OWN_POSTS = {"notifications:read_all", "notifications:settings", "tokens:list"}
OWN_TABLES = {
    "notifications_notification",
    "notifications_notificationpreference",
    "api_apitoken",
}
# POSTs with which the editor must change the Payments plan: proof that the sweep's payload
# would work, so that it changing nothing for the others means something.
EDITOR_CHANGES = {
    "plans:create",
    "plans:import",
    "plans:duplicate",
    "plans:archive",
    "plans:section_edit",
    "plans:version_restore",
    "approvals:roles",
    "approvals:request",
    "threads:new",
    "threads:reply",
    "threads:resolve",
    "threads:comment_edit",
    "threads:comment_delete",
    "tokens:list",
    "api:plan_import",
    "api:section_update",
    "api:thread_create",
    "api:comment_create",
}
# Models whose admin may change them (a superuser's POST there may write); the admin shows plan
# content, versions and sign-offs read-only: their changes are versions written by the services.
ADMIN_WRITABLE = {"plans.team", "auth.user", "auth.group"}
# root is a superuser: without a staff user, the admin would only ever answer with its login.
USERS = ("anonymous", "mallory", "victor", "carol", "root", "alice")  # alice, last, edits
IMPORT_DOCUMENT = "# Implementation Plan: Swept Import\n\n## Overview\n\nImported by the sweep.\n"


# The routes, straight from the resolver -----------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # joined the way Django joins them: ResolverMatch.route
    patterns: tuple[Any, ...]  # RoutePattern / RegexPattern, from the root to the view
    name: str | None  # namespaced, e.g. "plans:detail"

    def __str__(self) -> str:
        return "/" + self.route

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def _join(route1: str, route2: str) -> str:
    return route1 + route2.removeprefix("^") if route1 else route2


def walk(resolver: URLResolver, route="", patterns=(), namespaces=()) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        joined = _join(route, str(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from walk(entry, joined, (*patterns, entry.pattern), inner)
        else:
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            yield Route(joined, (*patterns, entry.pattern), name)


def _reachable(routes: Iterator[Route]) -> list[Route]:
    """Each route once: a pattern behind an earlier one of the same route (the project's sign-in
    view over django.contrib.auth's login) is never resolved, so there is nothing to request."""
    seen: dict[str, Route] = {}
    for route in routes:
        seen.setdefault(route.route, route)
    return list(seen.values())


ROUTES = _reachable(walk(get_resolver()))


def test_the_sweep_walks_every_route_of_the_project():
    routes = [r.route for r in ROUTES]
    for stable in ("", "plans/<int:pk>/", "plans/<int:pk>/export.md", "approvals/", "healthz"):
        assert stable in routes
    assert "accounts/password_change/" in routes
    assert "admin/plans/plan/<path:object_id>/change/" in routes
    assert not PUBLIC_ROUTES - set(routes), "a public page of this sweep is no longer routed"


# The world: two teams, each with a plan with rows, versions and sign-off roles ---------------


@dataclass
class World:
    alice: User
    victor: User
    carol: User
    mallory: User
    root: User
    sky: User  # Secret ops' lead
    payments: Plan
    secret: Plan
    secret_team: Team
    clients: dict[str, Client] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)  # signed in with the world

    def user(self, name: str) -> User | None:
        if name == "alice without CSRF token":
            return self.alice
        return None if name == "anonymous" else getattr(self, name)

    def client(self, name: str) -> Client:
        """The user's client, signed in: the session made with the world (which each test's
        rollback keeps) if a test signed them out, a new one if it was this test."""
        if name not in self.clients:
            csrf = name == "alice without CSRF token"
            self.clients[name] = Client(enforce_csrf_checks=csrf, raise_request_exception=False)
        client, user = self.clients[name], self.user(name)
        if user is None:
            return client
        if name in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[name]
        if SESSION_KEY not in client.session:
            client.force_login(user)
            self.sessions.setdefault(name, client.cookies[settings.SESSION_COOKIE_NAME].value)
        return client


def _secret_content() -> PlanContent:
    """A plan whose every text and every row carries the marker."""
    texts: dict[str, Any] = {
        name: f"{MARKER} {name.replace('_', ' ')}: the hidden launch, a {SECRET_WORD} at night."
        for name in (
            "overview",
            "architecture",
            "data_models",
            "dependencies",
            "unit_tests",
            "integration_tests",
            "acceptance_tests",
            "deployment_strategy",
            "rollback_plan",
        )
    }
    content = make_content(title=f"{MARKER} Launch", rows=2, **texts)
    for key in ROW_MODELS:
        for row in content.row_objects(key):
            first = row.content_fields[0]
            setattr(row, first, f"{MARKER} {getattr(row, first)}")
    for phase in content.phases:
        for task in phase.tasks:
            task.text = f"{MARKER} {task.text}"
    return content


def _new_version(plan: Plan, user: User, overview: str, summary: str) -> None:
    plan.refresh_from_db()
    new = PlanContent.from_plan(plan)
    new.plan.overview = overview
    save_section(
        plan=plan,
        section=SECTIONS_BY_KEY["overview"],
        new=new,
        user=user,
        opened_version=plan.version,
        summary=summary,
    )


def build_world() -> World:
    # The cast of tests/conftest.py, built once for the whole module.
    alice = make_user("alice", first_name="Alice", last_name="Author")
    victor = make_user("victor", first_name="Victor", last_name="Viewer")
    carol = make_user("carol", first_name="Carol", last_name="Manager")
    Group.objects.get(name=MANAGERS_GROUP).user_set.add(carol)
    mallory = make_user("mallory")
    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)

    # Payments: a draft at version 2 whose roles are all assigned, so that its author may
    # change the roles, request sign-off and restore version 1.
    make_user("pat", first_name="Pat", last_name="Lead")
    payments_team = make_team("Payments", alice="editor", victor="viewer", pat="editor")
    payments = make_plan(payments_team, alice, title=PAYMENTS_TITLE)
    _new_version(payments, alice, "Refunds land in the **ledger**.", "Clearer overview")
    pat = User.objects.get(username="pat")
    roles = [(name, pat) for name in ("Product Owner", "Technical Lead", "QA Lead")]
    assign_roles(plan=payments, user=alice, assignments=roles)

    # Secret ops: a plan in review, at version 2, with one sign-off, all of it marked.
    sam = make_user("sam", first_name="Sam", last_name="Secret")
    sky = make_user("sky", first_name="Sky", last_name="Lead")
    secret_team = make_team(SECRET_TEAM, sam="editor", sky="editor")
    secret = create_plan(team=secret_team, author=sam, content=_secret_content())
    _new_version(secret, sam, f"{MARKER} rewritten, still a {SECRET_WORD}.", f"{MARKER} change")
    assign_roles(plan=secret, user=sam, assignments=[(f"{MARKER} Owner", sky), ("QA Lead", sky)])
    request_signoff(plan=secret, user=sam)
    sign_as(
        SignoffRole.objects.get(plan=secret, name=f"{MARKER} Owner"),
        sky,
        Signoff.Decision.APPROVED,
        comment=f"{MARKER} looks right",
    )
    # Notifications: the secret one reaches Sky alone, whoever else it names.
    notify(
        recipients=[sky, alice, victor, mallory, pat],
        kind=Notification.Kind.DECIDED,
        plan=secret,
        actor=sam,
        text=f"{MARKER} decided",
        url=f"/plans/{secret.pk}/#approval",
    )
    notify(
        recipients=[alice, victor],
        kind=Notification.Kind.ROLES_CHANGED,
        plan=payments,
        actor=pat,
        text="Sign-off roles changed",
        url=f"/plans/{payments.pk}/#approval",
    )
    set_email_kinds(user=sky, kinds=[Notification.Kind.REVIEW_REQUESTED])
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        send_notification_email.enqueue(
            notification_id=Notification.objects.get(recipient=sky, text=f"{MARKER} decided").pk,
            subject=f"{MARKER} decided",
            template="notifications/email/decided",
            context={},
        )
    # Threads: one of Alice's on Payments, Sam's on a secret row.
    thread_services.start_thread(plan=payments, user=alice, section_key="overview", body="Why?")
    thread_services.start_thread(
        plan=secret,
        user=sam,
        section_key="risks",
        row_id=ROW_MODELS["risks"]._default_manager.filter(plan=secret).order_by("pk")[0].pk,
        body=f"{MARKER} what if the {SECRET_WORD} leaks? @sky",
    )
    # Personal access tokens: Sky's, that nobody else may revoke, and Alice's.
    ApiToken.issue(user=sky, name=f"{MARKER} token")
    ApiToken.issue(user=alice, name="Alice's script")
    # Webhooks: one on each team, to an address no delivery may reach (TEST-NET).
    for team, who in ((payments_team, alice), (secret_team, sam)):
        Webhook.objects.create(
            team=team, url="https://192.0.2.10/hook", events=["ping"], created_by=who
        )
    for plan in (payments, secret):
        plan.refresh_from_db()
    return World(alice, victor, carol, mallory, root, sky, payments, secret, secret_team)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The data, written once in a transaction that each test's own (a savepoint) rolls back to,
    and that is rolled back after the module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            data = build_world()
            for name in (*USERS, "alice without CSRF token"):  # sessions that rollbacks keep
                data.client(name)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield data
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


# Filling a route: every converter and regex group gets real values ----------------------------

_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
# Regexes with unnamed groups, with the names the sweep gives those groups.
_UNNAMED_GROUPS = {r"^([^/]+)/history/([^/]+)/$": ("object_id", "history_id")}  # simple-history
_REGEX_LEFTOVER = re.compile(r"[\\()\[\]{}*+?|^$]")


class Unfillable(Exception):
    pass


def _regex_template(regex: str) -> tuple[str, list[str]]:
    """A regex pattern as "prefix/{name}/…" with its group names; Unfillable when it is more."""
    unnamed = list(_UNNAMED_GROUPS.get(regex, ()))
    body, names, out, i = regex.removeprefix("^").removesuffix("$"), [], "", 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body) and body[i + 1] in "./-":
            out, i = out + body[i + 1], i + 2
            continue
        if char != "(":
            out, i = out + char, i + 1
            continue
        depth, j = 1, i + 1
        while j < len(body) and depth:
            depth += {"(": 1, ")": -1}.get(body[j], 0)
            j += 1
        group = body[i:j]
        named = re.match(r"\(\?P<(\w+)>", group)
        if named:
            name = named.group(1)
        elif unnamed and not group.startswith("(?"):
            name = unnamed.pop(0)
        else:
            raise Unfillable(f"a group {group} of the regex {regex!r}")
        names.append(name)
        out, i = out + "{" + name + "}", j
    if _REGEX_LEFTOVER.search(out.replace("{", "").replace("}", "")):
        raise Unfillable(f"the regex {regex!r}")
    return out, names


def _template(pattern: Any) -> tuple[str, list[str]]:
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        names = [m.group("parameter") for m in _ROUTE_PARAMETER.finditer(route)]
        return _ROUTE_PARAMETER.sub(lambda m: "{" + m.group("parameter") + "}", route), names
    if isinstance(pattern, RegexPattern):
        return _regex_template(str(pattern))
    raise Unfillable(f"a pattern of type {type(pattern).__name__}")


def _admin_model(route: Route) -> Any:
    for model in admin.site._registry:
        if route.route.startswith(f"admin/{model._meta.app_label}/{model._meta.model_name}/"):
            return model
    return None


def _admin_object(model: Any, world: World) -> Any:
    preferred = {Plan: world.secret, Team: world.secret_team, User: world.alice}
    if model in preferred:
        return model._default_manager.get(pk=preferred[model].pk)
    plan_field = any(f.name == "plan" for f in model._meta.get_fields())
    objects = model._default_manager.all()
    if plan_field:  # the other team's row: an admin page must not show it to non-staff
        objects = objects.filter(plan=world.secret)
    obj = objects.order_by("-pk").first()
    if obj is None:
        raise Unfillable(f"an object of {model.__name__} (the sweep's world has none)")
    return obj


def _values(name: str, route: Route, plan: Plan | None, world: World) -> list[Any]:
    """The values the sweep tries for one parameter of a route."""
    model = _admin_model(route)
    if name in {"pk", "plan_id"} and plan is not None:
        return [plan.pk]
    if name == "key":
        return [s.key for s in SECTIONS]
    if name == "number" and plan is not None:
        return [1]
    if name == "thread_id" and plan is not None:
        return [Thread.objects.filter(plan=plan).order_by("pk")[0].pk]
    if name == "comment_id" and plan is not None:
        return [Thread.objects.filter(plan=plan).order_by("pk")[0].comments.order_by("pk")[0].pk]
    if name == "role_id" and plan is not None:
        return [plan.signoff_roles.order_by("position").values_list("pk", flat=True)[0]]
    if name in {"object_id", "id"} and model is not None:
        return [_admin_object(model, world).pk]
    if name == "history_id" and model is not None and hasattr(model, "history"):
        record = _admin_object(model, world).history.order_by("-history_id").first()
        return [record.history_id]
    if name == "content_type_id":
        return [ContentType.objects.get_for_model(Plan).pk]
    if name == "object_id" and route.name == "admin:view_on_site":
        return [world.secret.pk]
    if name == "app_label":
        return sorted({m._meta.app_label for m in admin.site._registry})
    if name == "url":  # the admin's catch-all: an unknown page, and one missing its slash
        return ["no-such-page/", f"plans/plan/{world.secret.pk}"]
    if name == "uidb64":
        return [urlsafe_base64_encode(force_bytes(world.alice.pk))]
    if name == "notification_id":  # Sky's, that nobody else may mark read, and Alice's
        mine = Notification.objects.filter(recipient__in=[world.sky, world.alice])
        return list(mine.order_by("recipient__username").values_list("pk", flat=True)[:2])
    if name == "team_id":  # the other team's, then Alice's
        return [world.secret_team.pk, world.payments.team_id]
    if name == "webhook_id":  # each team's, with each team: another team's must be a 404
        teams = [world.secret_team.pk, world.payments.team_id]
        return [Webhook.objects.get(team_id=team_id).pk for team_id in teams]
    if name == "token_id":
        tokens = ApiToken.objects.filter(user__in=[world.sky, world.alice])
        return list(tokens.order_by("user__username").values_list("pk", flat=True))
    if name == "token":
        return [default_token_generator.make_token(world.alice), "set-password"]
    raise Unfillable(f"<{name}>")


@dataclass
class Fill:
    url: str
    plan: Plan | None
    kwargs: dict[str, Any]


def fills(route: Route, world: World) -> list[Fill]:
    """Concrete URLs of a route: for a plan's route, one set for each team's plan."""
    templates = [_template(p) for p in route.patterns]
    template = "".join(t for t, _ in templates)
    names = [n for _, ns in templates for n in ns]
    for_plans = {"pk", "plan_id"} & set(names)
    plans: list[Plan | None] = [world.payments, world.secret] if for_plans else [None]
    result = []
    for plan in plans:
        choices = [_values(name, route, plan, world) for name in names]
        for combo in product(*choices):
            kwargs = dict(zip(names, combo, strict=True))
            url = "/" + template.format(**kwargs)
            match = resolve(url)
            if match.route != route.route:
                raise Unfillable(f"values {kwargs}: {url} resolves to /{match.route}")
            result.append(Fill(url, plan, kwargs))
    return result


# What a request may see and change ------------------------------------------------------------

_EXCLUDED_COLUMNS = {("auth_user", "last_login")}  # the sweep's own logins write it


@cache
def _fingerprint_sql() -> str:
    """One query for every table but sessions (logins and logouts write them): its row count
    and its rows as text, so that fingerprinting after each request stays cheap."""
    quote = connection.ops.quote_name
    parts = []
    for model in apps.get_models(include_auto_created=True):
        if model is Session or not model._meta.managed or model._meta.proxy:
            continue
        table = model._meta.db_table
        columns = [
            quote(str(f.column))
            for f in model._meta.local_concrete_fields
            if (table, f.column) not in _EXCLUDED_COLUMNS
        ]
        order = quote(str(model._meta.pk.column))
        if connection.vendor == "postgresql":
            rows = f"string_agg(ROW({', '.join(columns)})::text, '|' ORDER BY {order})"
            source = quote(table)
        else:  # SQLite
            row = " || ',' || ".join(f"quote({c})" for c in columns)
            rows = "group_concat(r, '|')"
            source = f"(SELECT {row} AS r FROM {quote(table)} ORDER BY {order})"
        parts.append(f"SELECT '{table}', COUNT(*), COALESCE({rows}, '') FROM {source}")
    return " UNION ALL ".join(parts)


def fingerprint() -> dict[str, tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return {table: (count, rows) for table, count, rows in cursor.fetchall()}


def _changed_tables(before: dict[str, tuple], after: dict[str, tuple]) -> list[str]:
    return sorted(
        f"{t} ({before[t][0]}→{after[t][0]} rows)" for t in before if before[t] != after[t]
    )


def _text(response: HttpResponse) -> str:
    """The body (zip members unpacked) and headers, lower-cased, where a leak would show."""
    body = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if response.streaming
        else response.content
    )
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"\n".join(n.encode() + b"\n" + archive.read(n) for n in archive.namelist())
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    return (headers + "\n" + body.decode("utf-8", errors="replace")).lower()


def _forbidden(user: str) -> list[str]:
    if user in {"carol", "root"}:
        return []
    if user in {"anonymous", "mallory"}:
        return [MARKER, SECRET_TEAM, PAYMENTS_TITLE]
    return [MARKER, SECRET_TEAM]


def _crash(response: HttpResponse) -> str:
    exc = getattr(response, "exc_info", None)
    if not exc:
        return ""
    tb = exc[2]
    while tb and tb.tb_next:
        tb = tb.tb_next
    where = f" at {tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb else ""
    return f" — {exc[0].__name__}: {exc[1]}{where}"


def _probe_query(fill: Fill, world: World) -> str:
    """Query parameters the views read: versions to compare, filters naming the other team."""
    plan = fill.plan or world.payments
    return urlencode(
        {
            "from": 1,
            "to": plan.version,
            "version": 1,
            "q": SECRET_WORD,
            "team": world.secret_team.pk,
            "author": world.secret.author_id,
            "lead": world.sky.pk,
            "archived": "on",
            "field": "overview",
        }
    )


def payload(route: Route, fill: Fill, world: World) -> dict[str, Any]:
    """Every field a form of the app asks for, valid for the editor of the Payments plan."""
    plan = fill.plan or world.payments
    plan.refresh_from_db()
    data: dict[str, Any] = {
        "title": "Swept plan",  # plans:create
        "team": world.payments.team_id,  # plans:create, plans:import
        "text": IMPORT_DOCUMENT,  # plans:import
        "archive": "1",  # plans:archive
        "current": plan.version,  # plans:version_restore
        "confirm": "on",
        "decision": Signoff.Decision.APPROVED,  # approvals:decide
        "password": PASSWORD,
        "version": plan.version,
        "seen": "0",
        "comment": "Swept.",
        "body": "Swept.",  # threads
        "section": "overview",
        "overview": "Swept **preview**.",  # plans:preview
        "email": world.alice.email,  # accounts:password_reset
        "roles-TOTAL_FORMS": "1",  # approvals:roles
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "20",
        "roles-0-name": "Swept Lead",
        "roles-0-assignee": "",  # nobody may make themselves a lead
        "name": "Swept token",  # tokens:list
        "scope": "read",
        "expires_in": "30",
    }
    key = fill.kwargs.get("key")
    if key and SECTIONS_BY_KEY[key].editable:
        data.update(_section_change(plan, key))
    model = _admin_model(route)
    if model is not None and {"object_id", "id"} & set(fill.kwargs):
        data.update(_object_change(_admin_object(model, world)))
    return data


def api_payload(fill: Fill, world: World) -> dict[str, Any]:
    """The JSON the API's writes take, valid for the editor of the Payments plan: a document
    to import, a comment, and a section with one change (its first row set emptied, or a text
    extended)."""
    key = fill.kwargs.get("key")
    if key is None or not SECTIONS_BY_KEY[key].editable:
        # Every field of the import, a new thread and a reply: each takes what it knows.
        return {
            "team": world.payments.team_id,
            "markdown": IMPORT_DOCUMENT,
            "section": "overview",
            "body": "Swept.",
        }
    section = SECTIONS_BY_KEY[key]
    if section.rows:
        return {"summary": "Swept", "rows": {section.rows[0]: []}}
    plan = fill.plan or world.payments
    field_name = section.fields[0]
    return {"summary": "Swept", "fields": {field_name: f"{getattr(plan, field_name)} Swept."}}


def _object_change(obj: Any) -> dict[str, Any]:
    """An admin form's fields as they stand, with the first free text changed: what a staff
    user would post back from the object's (or its history record's) page."""
    data: dict[str, Any] = {}
    changed = False
    for f in type(obj)._meta.get_fields():
        if not getattr(f, "editable", False) or f.auto_created or not f.concrete:
            continue
        value = f.value_from_object(obj)
        if f.many_to_many:
            data[f.name] = [o.pk for o in value]
            continue
        if isinstance(f, models.JSONField):
            value = json.dumps(value)
        elif isinstance(value, bool):
            if value:
                data[f.name] = "on"
            continue
        elif value is None:
            value = ""
        elif isinstance(f, models.DateTimeField):  # the admin splits it in two inputs
            data[f"{f.name}_0"], data[f"{f.name}_1"] = value.date(), value.time()
            value = value.isoformat()
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        value = str(value).replace(MARKER, "hidden")
        if not changed and isinstance(f, models.CharField | models.TextField) and not f.choices:
            value, changed = value + " swept", True
        data[f.name] = value
    return data


def _section_change(plan: Plan, key: str) -> dict[str, Any]:
    """The section's form as the browser posts it, with one change: a row removed or a text
    extended. The other team's text is left out, so that an echo is not taken for a leak."""
    section = SECTIONS_BY_KEY[key]
    data = {k: v.replace(MARKER, "hidden") for k, v in form_data(plan, key).items()}
    data["edit-summary"] = "Swept"
    rows = section.rows[0] if section.rows else None
    if rows and int(data[f"{rows}-TOTAL_FORMS"]):
        data[f"{rows}-0-DELETE"] = "on"
    else:
        data[section.fields[0]] = data.get(section.fields[0], "") + " Swept."
    return data


@dataclass
class Sweep:
    """Requests one route as every user and writes down every problem it meets."""

    route: Route
    world: World
    problems: list[str]
    requests: int = 0

    def problem(self, user: str, method: str, url: str, text: str) -> None:
        self.problems.append(f"{user:9} {method:9} {url}: {text}")

    def run(self, fill: Fill) -> None:
        if fill.plan is not None:
            fill.plan.refresh_from_db()
        state = fingerprint()
        probe = f"{fill.url}?{_probe_query(fill, self.world)}"
        data = payload(self.route, fill, self.world)
        htmx = {"HX-Request": "true"}
        is_api = self.route.route.startswith("api/")
        if is_api:  # the API takes JSON, and a section with the version it was read at
            data = api_payload(fill, self.world)
            plan = fill.plan or self.world.payments
            api_headers = {"If-Match": f'"{plan.version}"'}
        for user in USERS:
            client = self.world.client(user)
            requests: list[tuple[str, Client, str, dict[str, Any] | None, dict[str, str]]] = [
                ("GET", client, fill.url, None, {}),
                ("GET htmx", client, probe, None, htmx),
            ]
            if user == "alice":
                no_csrf = self.world.client("alice without CSRF token")
                requests.append(("POST csrf", no_csrf, probe, data, {}))
            requests.append(("POST", client, probe, data, {}))
            if user == "alice" and not is_api:  # the partial, and a second save: a conflict
                requests.append(("POST htmx", client, probe, data, htmx))
            if is_api:
                requests.append(("PUT", client, fill.url, data, api_headers))
            for method, sender, url, body, headers in requests:
                if body is None:
                    response = sender.get(url, headers=headers)
                elif is_api:
                    send = sender.put if method == "PUT" else sender.post
                    response = send(
                        url, json.dumps(body), content_type="application/json", headers=headers
                    )
                else:
                    response = sender.post(url, body, headers=headers)
                self.requests += 1
                after = fingerprint()
                self.check(user, method, fill, response, state, after)
                state = after

    def check(
        self,
        user: str,
        method: str,
        fill: Fill,
        response: Any,
        before: dict[str, tuple],
        after: dict[str, tuple],
    ) -> None:
        url, status = fill.url, response.status_code

        def expect(ok: bool, what: str) -> None:
            if not ok:
                where = response.get("Location", "")
                self.problem(user, method, url, f"{what}, got {status} {where}".rstrip())

        if status >= 500:
            self.problem(user, method, url, f"answered {status}{_crash(response)}")
        text = _text(response)
        for secret in _forbidden(user):
            if secret.lower() in text:
                self.problem(user, method, url, f"shows {secret!r} of a plan not theirs")

        changed = _changed_tables(before, after)
        model = _admin_model(self.route)
        tables = {t for t in before if before[t] != after[t]}
        own = self.route.name in OWN_POSTS and tables <= OWN_TABLES
        may_change = method in {"POST", "POST htmx", "PUT"} and (
            own
            or user == "alice"
            or (user == "root" and model is not None and model._meta.label_lower in ADMIN_WRITABLE)
        )
        if changed and not may_change:
            self.problem(user, method, url, f"changed the database: {', '.join(changed)}")
        if (
            user == "alice"
            and method == ("PUT" if self.route.name == "api:section_update" else "POST")
            and not changed
            and self.route.name in EDITOR_CHANGES
            and fill.plan in (None, self.world.payments)
            and (SECTIONS_BY_KEY[fill.kwargs["key"]].editable if "key" in fill.kwargs else True)
        ):
            self.problem(user, method, url, "the editor's POST changed nothing: fix payload()")
        if method == "POST csrf":
            refusals = {403, 405} if self.route.route.startswith("api/") else {403}
            expect(status in refusals, "a POST without CSRF token must be refused (403)")
        self.expect_answer(user, method, fill, response, expect)

    def expect_answer(self, user: str, method: str, fill: Fill, response, expect) -> None:
        route, status = self.route, response.status_code
        location = response.get("Location", "")
        if user == "anonymous":
            if route.route in PUBLIC_ROUTES:
                return
            if route.route.startswith("api/"):  # the API answers for itself, as JSON
                expect(
                    status in {401, 404, 405} and "json" in response.get("Content-Type", ""),
                    "anonymous must get a JSON 401 from the API",
                )
                return
            # The admin site's own views send to the admin's login; its model pages, which
            # LoginRequiredMiddleware guards first, to the app's.
            logins = (
                {settings.LOGIN_URL, "/admin/login/"} if route.is_admin else {settings.LOGIN_URL}
            )
            expect(
                status == 302 and location.split("?")[0] in logins and "?next=" in location,
                f"anonymous must be sent to {' or '.join(sorted(logins))}",
            )
            return
        if method == "POST csrf":
            return
        if route.is_admin:  # nobody but root is staff
            if route.route != "admin/login/" and user != "root":
                expect(
                    status == 302 and location.split("?")[0] in {"/admin/login/", "/admin/"},
                    "a non-staff user must be sent to the admin's login",
                )
            return
        if route.name == "plans:export_all" and user not in {"carol", "root"}:
            expect(status in {403, 405}, "only managers export every plan (403)")
        plan = fill.plan
        if plan is None:
            return
        sees = user in {"carol", "root"} or (
            user in {"alice", "victor"} and plan == self.world.payments
        )
        if not sees:
            expect(status in {404, 405}, "a plan the user may not see must be 404")
            return
        if user == "alice":
            return
        if method in {"POST", "PUT"} and route.name not in READER_POSTS:
            expect(status in {403, 405}, "a reader's POST to a plan must be 403")
        if method.startswith("GET") and route.name in EDIT_PAGES:
            expect(status == 403, "a reader may not open an edit page (403)")


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_access_sweep(route: Route, world: World, db):
    try:
        concrete = fills(route, world)
    except Unfillable as what:
        pytest.fail(f"The sweep does not know how to fill {what} in /{route.route}: teach it.")
    sweep = Sweep(route, world, problems=[])
    for fill in concrete:
        sweep.run(fill)
    if sweep.problems:
        listed = "\n".join(sweep.problems[:40])
        summary = f"{len(sweep.problems)} problem(s) in {sweep.requests} requests"
        pytest.fail(f"{summary}:\n{listed}", pytrace=False)


@pytest.mark.parametrize(
    ("pattern", "unknown"),
    [
        (path("things/<int:thing_id>/", lambda request: HttpResponse()), "<thing_id>"),
        (re_path(r"^things/(\d+)/$", lambda request: HttpResponse()), r"(\d+)"),
    ],
)
def test_a_route_the_sweep_cannot_fill_fails_it(pattern, unknown, world, db):
    route = Route(str(pattern.pattern), (pattern.pattern,), None)
    with pytest.raises(Unfillable, match=re.escape(unknown)):
        fills(route, world)
