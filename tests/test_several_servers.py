"""Two gunicorn servers, A and B, sharing one PostgreSQL database and one Redis (CACHE_URL), as
several app servers behind a load balancer do: whichever server a request reaches, people see
the same session, the same sign-in limits and the same plan.

PostgreSQL and Redis only: SQLite's test database lives in this process's memory and a
per-process cache is not shared by definition."""

from __future__ import annotations

import json
import secrets
import socket
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse

from approvals.services import assign_roles
from plans.models import Membership, NamedVersion
from tests.factories import PASSWORD
from tests.plans.editing import edit_url, form_data

sys.path.append(str(Path(__file__).resolve().parents[1] / "bench"))
from server import Server, Session, free_port, login, running_gunicorn

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="servers share a database over the network: PostgreSQL only (DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),  # committed, so the servers see it
]

PORTS = range(18101, 18110)


def two_ports() -> list[int]:
    """Two ports of PORTS nobody listens on (or any free ones, when all are taken)."""
    found = []
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == 2:
            return found
    return [free_port(), free_port()]


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, redis_url) -> Iterator[tuple[Server, Server]]:
    """A and B: one worker each, production settings, the test database and a Redis cache
    whose keys are this run's own."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    database_url = (
        f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        "DATABASE_URL": database_url,
        "CACHE_URL": redis_url,
        "TASKS_BACKEND": "database",
        "LOG_FORMAT": "json",
        # Sessions (and CSRF, reset links) are signed with it: servers that do not share it
        # sign each other's visitors out.
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    with ExitStack() as stack:
        a, b = (
            stack.enter_context(
                running_gunicorn(workers=1, port=port, env=env, collectstatic=first)
            )
            for first, port in zip((True, False), two_ports(), strict=True)
        )
        yield a, b


def with_server_passwords(*users) -> None:
    """The servers check passwords with production's hashers, which the tests' fast one is not
    among: store PBKDF2 hashes (cheap ones; a sign-in upgrades them)."""
    hasher = PBKDF2PasswordHasher()
    for user in users:
        user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])


def same_browser(session: Session, server: Server) -> Session:
    """The browser of `session`, its cookies and all, talking to `server` instead."""
    moved = Session(server.url)
    moved.cookies = session.cookies
    return moved


def test_a_session_started_on_one_server_is_valid_on_the_other_until_signed_out(servers, alice):
    a, b = servers
    with_server_passwords(alice)
    on_a = login(a.url, "alice", PASSWORD)
    on_b = same_browser(on_a, b)

    page = on_b.get("/")
    assert page.status == 200, page.text[:300]
    assert "Alice Author" in page.text

    assert on_b.post("/accounts/logout/", {}).status == 302
    stale = Session(a.url)
    stale.cookies = {"sessionid": on_a.cookies.get("sessionid", "gone")}
    answer = stale.get("/")
    assert answer.status == 302
    assert answer.location.startswith("/accounts/login/")

    requests = [json.loads(line) for line in b.log_text().splitlines() if line.startswith("{")]
    seen = [(r["method"], r["path"], r["status"], r["user_id"]) for r in requests if "path" in r]
    assert ("GET", "/", 200, alice.pk) in seen  # one JSON line per request (LOG_FORMAT=json)


def test_a_lockout_counted_on_one_server_holds_on_the_other(servers, victor):
    a, b = servers
    with_server_passwords(victor)
    answers = []
    for attempt in range(5):  # the limit, spread over both servers: A, B, A, B, A
        browser = Session((a, b)[attempt % 2].url)
        browser.get("/accounts/login/")
        wrong = browser.post("/accounts/login/", {"username": "victor", "password": "guess"})
        answers.append(wrong.status)
    assert answers == [200, 200, 200, 200, 429]  # the fifth failure locks

    for server in (a, b):
        browser = Session(server.url)
        browser.get("/accounts/login/")
        right = browser.post("/accounts/login/", {"username": "victor", "password": PASSWORD})
        assert right.status == 429
        assert "Too many failed sign-ins" in right.text


def test_a_save_and_a_status_change_on_one_server_show_on_the_others_next_page(
    servers, plan, alice, bob
):
    """B has kept the plan page as rendered (plans/rendered.py) before each change on A."""
    a, b = servers
    with_server_passwords(alice)
    on_a = login(a.url, "alice", PASSWORD)
    on_b = same_browser(on_a, b)
    url = plan.get_absolute_url()
    assert "Let people <strong>edit offline</strong>." in on_b.get(url).text

    data = form_data(plan, "overview") | {"overview": "Now about *tablets* too."}
    assert on_a.post(edit_url(plan, "overview"), data).status == 302
    page = on_b.get(url).text
    assert "Now about <em>tablets</em> too." in page
    assert "edit offline" not in page

    Membership.objects.get_or_create(team=plan.team, user=bob, defaults={"role": "editor"})
    assign_roles(plan=plan, user=alice, assignments=[(n, bob) for n in plan.team.signoff_roles])
    assert ">Draft<" in on_b.get(url).text
    request = {"label": "1.0", "summary": "First review"}
    assert on_a.post(reverse("approvals:request", args=[plan.pk]), request).status == 302
    page = on_b.get(url).text
    assert ">In review<" in page
    assert "First review" in page


def test_a_named_version_relabelled_elsewhere_shows_its_new_name_on_both_servers(
    servers, plan, alice, bob
):
    """A name kept in what both servers rendered changes outside any page (a shell, an admin):
    neither may go on showing the old one."""
    a, b = servers
    with_server_passwords(alice)
    on_a = login(a.url, "alice", PASSWORD)
    on_b = same_browser(on_a, b)
    Membership.objects.get_or_create(team=plan.team, user=bob, defaults={"role": "editor"})
    assign_roles(plan=plan, user=alice, assignments=[(n, bob) for n in plan.team.signoff_roles])
    on_a.post(reverse("approvals:request", args=[plan.pk]), {"label": "1.0", "summary": "Draft"})
    url = plan.get_absolute_url()
    for browser in (on_a, on_b):
        assert "lead: Bob Lead" in browser.get(url).text

    named = NamedVersion.objects.get(plan=plan)
    named.label, named.summary = "0.9-rc", "Kickoff draft"
    named.save()
    bob.first_name = "Roberta"
    bob.save()

    for browser in (on_a, on_b):
        page = browser.get(url).text
        assert "0.9-rc" in page and "Kickoff draft" in page
        assert "lead: Roberta Lead" in page
