"""Every page at a company's size: 100,000 plans, 1,000,000 versions, measured with wrk against
gunicorn, each page as a ratio of a bare signed-in view measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansign_bench_scale \\
        .venv/bin/python bench/scale.py [--size tiny|small|full] [--seconds 3] [--rounds 2]
        [--reuse] [--only list,search…] [--port 18201]

The data is built in bulk (INSERT … SELECT over generate_series), not by hours of real saves:
`--size full` is 100,000 plans over 200 teams and 5,000 users (each in up to three teams; some
managers), about ten versions a plan (1,000,000 in all), their history rows written the way
plans/recording.py writes them (every version's plan record, every row's creation), sign-off
roles and decisions, named versions, 20,000 threads and comments, and notifications. One
long-lived plan of 100 rows a section gets 2,000 versions through the real editing service
(bench/history.py), for history, compare, the editors, export and the save loop.

The measuring user `boss` is a manager (sees every plan) and an editor of three teams. Each
page is measured in `--rounds` rounds of (bare view, page) with `wrk -c8 -t2 -d<seconds>`
against 2 sync gunicorn workers (DEBUG off); the ratio is the median of the rounds' ratios. The
bare view (/bench/bare/, bench/scale_urls.py) loads the session and the user only; it lives in
the benchmark's URLconf (bench/scale_settings.py), never in the product's.

The section save loop posts the editor's form over HTTP (the form as the editor renders it,
one cell changed) and reports p50/p99 of the app's time (its Server-Timing header, what the
target is set on) and of the POST's round trip on the loopback.

`--reuse` skips the build and measures the database as it is (built by an earlier run).
The database named in DATABASE_URL is dropped and created again (unless --reuse), so its name
must contain "bench". The exit status is 1 when a page answers other than 200.
"""

from __future__ import annotations

import argparse
import html.parser
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

PASSWORD = "bench-scale-password"
WORDS = [
    "sync",
    "offline",
    "billing",
    "invoice",
    "export",
    "audit",
    "login",
    "session",
    "cache",
    "queue",
    "retry",
    "index",
    "search",
    "report",
    "payment",
    "refund",
    "webhook",
    "schema",
    "mobile",
    "tablet",
    "upload",
    "download",
    "quota",
    "device",
    "timezone",
    "latency",
    "throughput",
    "replica",
    "backup",
    "restore",
    "archive",
    "notify",
    "email",
    "digest",
    "ledger",
]
RARE_WORD = "zanzibar"
# In no plan: estimated wrongly, such words walked every plan (0.048 of the bare view at two
# words, 430 ms a page in process at ten).
UNKNOWN_WORDS = "xylophone+quokka+zzzqqq+blorft+quizzle+frumpet+glorbix+snazzle+wibbler+crumpux"


@dataclass(frozen=True)
class Size:
    plans: int
    teams: int
    users: int
    versions_per_plan: int  # on average
    threads: int
    comments_per_thread: int
    notifications_per_user: int
    big_rows: int  # rows of the long-lived plan, tasks included (about rows/12 a section)
    big_versions: int


SIZES = {
    "tiny": Size(300, 6, 60, 3, 30, 2, 5, 60, 30),
    "small": Size(2_000, 20, 500, 10, 400, 3, 20, 1_200, 300),
    "full": Size(100_000, 200, 5_000, 10, 5_000, 3, 40, 1_200, 2_000),
}

# Measured as a ratio of the bare view: (minimum ratio) per page kind.
TARGETS = {
    "plan": 0.5,
    "list": 0.3,
    "dashboard": 0.3,
    "search": 0.3,
    "activity": 0.3,
    "approvals": 0.3,
    "inbox": 0.3,
    "compare": 0.1,
    "history": 0.2,
    "editor": 0.2,
    "export": None,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--seconds", type=int, default=3, help="wrk duration per measurement")
    parser.add_argument("--rounds", type=int, default=2, help="(bare, page) rounds per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=18201)
    parser.add_argument("--saves", type=int, default=30, help="saves per section in the loop")
    parser.add_argument("--reuse", action="store_true", help="measure the database as built")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated page kinds to measure")
    parser.add_argument("--profile", action="store_true", help="cProfile each page, no wrk")
    parser.add_argument("--no-queries", action="store_true", help="skip the query counts")
    parser.add_argument("--no-editors", action="store_true", help="skip the section editors")
    args = parser.parse_args(argv)
    if args.size == "tiny":  # a smoke run: every page answers 200, no speed is judged
        args.seconds, args.rounds, args.saves, args.no_editors = 1, 1, 3, True
    return args


# --- Building -------------------------------------------------------------------------------


def setup_django(reuse: bool) -> None:
    if reuse:
        root = Path(__file__).resolve().parent.parent
        sys.path.insert(0, str(root))
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection

        if "bench" not in connection.settings_dict["NAME"]:
            sys.exit("The database's name must contain 'bench'.")
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        settings.DEBUG = False
    else:
        from common import fresh_bench_database

        fresh_bench_database()


def _sql(statement: str, params: Any = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _one(statement: str, params: Any = None) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


def parsed(expr: str) -> str:
    return f"to_tsvector('english'::regconfig, {expr})"


def _word(expr: str, shift: int = 0) -> str:
    """SQL: one of WORDS picked by an integer expression."""
    words = ",".join(f"'{w}'" for w in WORDS)
    return f"(ARRAY[{words}])[1 + (({expr}) / {35**shift}) % {len(WORDS)}]"


def _record_history(model: Any, where: str, date: str, user: str, reason: str, number: str) -> int:
    """Historical rows ('+') for the live rows of `model` that `where` selects (alias r, with
    its plan as p), as recording.VersionWriter.create_all writes them."""
    history = model.history.model
    columns = [f.column for f in history.tracked_fields]
    has_version = any(f.name == "plan_version" for f in history._meta.fields)
    names = ", ".join(f'"{c}"' for c in columns)
    extra_names = ", plan_version" if has_version else ""
    extra_values = f", {number}" if has_version else ""
    return _sql(
        f'INSERT INTO "{history._meta.db_table}" ({names}, history_date, history_user_id, '
        f"history_change_reason, history_type{extra_names}) "
        f"SELECT {', '.join(f'r.{c}' for c in columns)}, {date}, {user}, {reason}, '+'"
        f'{extra_values} FROM "{model._meta.db_table}" r JOIN plans_plan p ON p.id = r.plan_id '
        f"WHERE {where}"
    )


@dataclass
class Data:
    boss: str = "boss"
    member: str = "mia"
    typical_id: int = 0
    big_id: int = 0
    big_versions: int = 0
    team_id: int = 0
    sections: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def build(size: Size) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Permission
    from django.db import transaction

    from approvals.models import SignoffRole
    from plans.content import ROW_MODELS
    from plans.models import Plan, Task, Team
    from plans.search import SEARCHED
    from plans.services import create_plan
    from tests.factories import make_content

    started = time.perf_counter()

    def step(label: str) -> None:
        print(f"  {time.perf_counter() - started:6.1f} s  {label}", flush=True)

    # The long-lived plan first (real saves): bench/history.py's plan, team and editor.
    from history import build as build_history

    big, _, _, _ = build_history(size.big_rows, size.big_versions)
    step(f"long-lived plan {big.pk}: {big.version} versions through save_section")

    password = make_password(PASSWORD)
    n, t, u = size.plans, size.teams, size.users
    with transaction.atomic():
        _sql(
            "INSERT INTO plans_team (name, signoff_roles, allow_self_signoff, "
            "threads_block_approval, viewers_may_comment) "
            'SELECT \'Team \' || g, \'["Product Owner", "Technical Lead", "QA Lead"]\', '
            "false, true, false FROM generate_series(0, %s - 1) g ORDER BY g",
            [t],
        )
        team0 = _one("SELECT min(id) FROM plans_team WHERE name LIKE 'Team %%'")
        _sql(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, "
            "email, is_staff, is_active, date_joined) "
            "SELECT %s, false, 'user' || g, "
            + _word("g").replace("%", "%%")
            + ", "
            + _word("g", 1).replace("%", "%%")
            + ", 'user' || g || '@example.com', false, true, now() "
            "FROM generate_series(0, %s - 1) g ORDER BY g",
            [password, u],
        )
        user0 = _one("SELECT min(id) FROM auth_user WHERE username LIKE 'user%%'")
        # Every user is in the team of their number (authors are found there), and in up to
        # two more; one in 40 maintains a team, one in 10 only reads.
        _sql(
            "INSERT INTO plans_membership (team_id, user_id, role) "
            "SELECT %(team0)s + (g + k * (37 + g %% 11)) %% %(t)s, %(user0)s + g, "
            "CASE WHEN g %% 40 = 0 THEN 'maintainer' WHEN g %% 10 = 9 AND k > 0 THEN 'viewer' "
            "ELSE 'editor' END "
            "FROM generate_series(0, %(u)s - 1) g, generate_series(0, 2) k "
            "ON CONFLICT DO NOTHING",
            {"team0": team0, "t": t, "user0": user0, "u": u},
        )
        permission = Permission.objects.get(codename="view_every_plan")
        _sql(
            "INSERT INTO auth_user_user_permissions (user_id, permission_id) "
            "SELECT %s + g * 250, %s FROM generate_series(0, %s - 1) g",
            [user0, permission.pk, max(1, u // 250)],
        )
        # The measuring users: boss (a manager and an editor of three teams and of the
        # long-lived plan's) and mia (an editor of three teams, no more).
        _sql(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, "
            "email, is_staff, is_active, date_joined) VALUES "
            "(%s, false, 'boss', 'Bo', 'Boss', 'boss@example.com', false, true, now()), "
            "(%s, false, 'mia', 'Mia', 'Member', 'mia@example.com', false, true, now())",
            [password, password],
        )
        boss = _one("SELECT id FROM auth_user WHERE username = 'boss'")
        mia = _one("SELECT id FROM auth_user WHERE username = 'mia'")
        _sql(
            "INSERT INTO auth_user_user_permissions (user_id, permission_id) VALUES (%s, %s)",
            [boss, permission.pk],
        )
        _sql(
            "INSERT INTO plans_membership (team_id, user_id, role) "
            "SELECT %s + k, %s, 'editor' FROM generate_series(0, 2) k UNION ALL "
            "SELECT %s + k, %s, 'editor' FROM generate_series(3, 5) k UNION ALL "
            "SELECT %s, %s, 'editor'",
            [team0, boss, team0, mia, big.team_id, boss],
        )
    step(f"{t} teams, {u} users, memberships")

    first_team = Team.objects.get(pk=team0)
    author = get_user_model().objects.get(pk=user0)
    template = create_plan(
        team=first_team, author=author, content=make_content("Offline Sync", rows=1, tasks=1)
    )
    tid = template.pk
    cycle = 2 * size.versions_per_plan - 1  # versions 1…cycle, averaging versions_per_plan

    plan_fields = [f for f in Plan._meta.concrete_fields if not f.primary_key]
    title = f"initcap({_word('g')}) || ' ' || {_word('g', 1)} || ' #' || g"
    overview = (
        "t.overview || CASE WHEN g % 20011 = 7 THEN ' The " + RARE_WORD + " gateway.' "
        "WHEN g % 499 = 3 THEN ' Clock skew between devices reorders edits.' "
        "WHEN g % 50 = 1 THEN ' The clock drifts.' WHEN g % 50 = 2 THEN ' A skew of tables.' "
        "ELSE '' END || ' ' || " + _word("g * 7") + " || ' ' || " + _word("g * 13", 1)
    )
    version = f"1 + (g * 7) % {cycle}"
    created = f"now() - interval '30 days' - ({n} - g) * interval '10 minutes'"
    inner = {
        "title": title,
        "overview": f"{overview} || ' Revised in version ' || ({version}) || '.'",
        "version": version,
        "created_at": created,
        "updated_at": f"{created} + ({version}) * interval '1 hour'",
        "team_id": f"{team0} + g % {t}",
        "author_id": f"{user0} + g % {t} + {t} * ((g / {t}) % {max(1, u // t)})",
        "status": f"CASE (g / {t}) % 10 WHEN 0 THEN 'in_review' WHEN 1 THEN 'in_review' "
        "WHEN 2 THEN 'changes_requested' WHEN 3 THEN 'approved' WHEN 4 THEN 'approved' "
        "ELSE 'draft' END",
    }
    outer = {
        **{name: f"s.{name}" for name in inner},
        "archived_at": "CASE WHEN s.g % 20 = 19 THEN s.updated_at END",
        "search_sections": "jsonb_set(jsonb_set(t.search_sections, '{title}', "
        "to_jsonb(s.title)), '{overview}', to_jsonb(s.overview))",
        # plans.search.SEARCHED: the title's and the overview's vectors first, then the rest
        # as the template plan's (search_text is empty on PostgreSQL).
        "section_vectors": f"ARRAY[{parsed('s.title')}, {parsed('s.overview')}] "
        "|| t.section_vectors[3:]",
        "search_vector": f"{parsed('s.title')} || {parsed('s.overview')} || "
        + " || ".join(f"t.section_vectors[{i}]" for i in range(3, len(SEARCHED) + 1)),
    }
    columns = [str(f.column) for f in plan_fields]
    _sql(
        f"INSERT INTO plans_plan ({', '.join(columns)}) "
        f"SELECT {', '.join(outer.get(c, f't.{c}') for c in columns)} FROM ("
        f"SELECT g, {', '.join(f'{v} AS {k}' for k, v in inner.items())} "
        f"FROM generate_series(1, {n - 1}) g, plans_plan t WHERE t.id = {tid}) s, "
        f"plans_plan t WHERE t.id = {tid} ORDER BY s.g"
    )
    clones = f"p.id > {tid}"
    step(f"{n - 1} plans cloned from plan {tid}")

    # Every version's plan record and PlanVersion; the last of an approved plan says so.
    history = Plan.history.model
    tracked = [f.column for f in history.tracked_fields]
    at = "p.created_at + v * interval '1 hour'"
    values = {
        "version": "v",
        "overview": "replace(p.overview, 'Revised in version ' || p.version || '.', "
        "'Revised in version ' || v || '.')",
        "status": "CASE WHEN v = p.version THEN p.status ELSE 'draft' END",
        "archived_at": "CASE WHEN v = p.version THEN p.archived_at END",
    }
    _sql(
        f"INSERT INTO {history._meta.db_table} ({', '.join(tracked)}, history_date, "
        "history_user_id, history_change_reason, history_type, plan_version) "
        f"SELECT {', '.join(values.get(c, f'p.{c}') for c in tracked)}, {at}, p.author_id, "
        "CASE WHEN v = 1 THEN 'Initial implementation plan' "
        "WHEN v = p.version AND p.status = 'approved' THEN 'Approved by every role' END, "
        "CASE WHEN v = 1 THEN '+' ELSE '~' END, v "
        f"FROM plans_plan p, generate_series(1, p.version) v WHERE {clones}"
    )
    _sql(
        "INSERT INTO plans_planversion (plan_id, team_id, number, author_id, created_at, "
        "summary, changed_sections) "
        f"SELECT p.id, p.team_id, v, p.author_id, {at}, CASE WHEN v = 1 "
        "THEN 'Initial implementation plan' WHEN v % 4 = 0 THEN 'Bench edit ' || v ELSE '' END, "
        f"CASE WHEN v = 1 THEN (SELECT changed_sections FROM plans_planversion WHERE plan_id = "
        f"{tid}) ELSE '[\"overview\"]'::jsonb END "
        f"FROM plans_plan p, generate_series(1, p.version) v WHERE {clones}"
    )
    step("plan history and versions")

    # Rows: the template's, for every clone, recorded as version 1 wrote them.
    for model in ROW_MODELS.values():
        table = model._meta.db_table
        own = [str(f.column) for f in model._meta.concrete_fields]
        own = [c for c in own if c not in ("id", "plan_id")]
        quoted = ", ".join(f'"{c}"' for c in own)  # a column may be a keyword: "default"
        _sql(
            f"INSERT INTO {table} (plan_id, {quoted}) "
            f"SELECT p.id, {', '.join(f'r.{c}' for c in own)} FROM plans_plan p, {table} r "
            f"WHERE r.plan_id = {tid} AND {clones} ORDER BY p.id, r.position"
        )
    _sql(
        "INSERT INTO plans_task (plan_id, position, phase_id, text, done) "
        "SELECT ph.plan_id, r.position, ph.id, r.text, r.done FROM plans_phase ph, plans_task r "
        f"WHERE r.plan_id = {tid} AND ph.plan_id > {tid} ORDER BY ph.plan_id, r.position"
    )
    every_row_model: list[Any] = [*ROW_MODELS.values(), Task]
    for row_model in every_row_model:
        _record_history(
            row_model,
            clones,
            "p.created_at + interval '1 hour'",
            "p.author_id",
            "'Initial implementation plan'",
            "1",
        )
    step("rows and their history")

    # Review: roles on every plan past draft (boss leads the first role of his teams' plans),
    # a decision of every role on approved plans, a named version of each.
    _sql(
        "INSERT INTO plans_namedversion (plan_id, team_id, number, label, summary, author_id, "
        "created_at) "
        f"SELECT p.id, p.team_id, p.version, '1.0', 'Ready for review', p.author_id, p.updated_at "
        f"FROM plans_plan p WHERE {clones} AND p.status <> 'draft'"
    )
    _sql(
        "INSERT INTO approvals_signoffrole (plan_id, name, position, assignee_id, removed_at) "
        "SELECT p.id, (ARRAY['Product Owner','Technical Lead','QA Lead'])[k], k, "
        f"CASE WHEN k = 1 AND p.team_id < {team0} + 3 THEN {boss} "
        f"ELSE {user0} + (p.team_id - {team0}) + {t} * ((p.id + k) % {max(1, u // t)}) END, "
        "NULL FROM plans_plan p, generate_series(1, 3) k "
        f"WHERE {clones} AND p.status <> 'draft' ORDER BY p.id, k"
    )
    _record_history(SignoffRole, clones, "p.updated_at", "p.author_id", "NULL", "NULL")
    _sql(
        "INSERT INTO approvals_signoff (plan_id, team_id, role_id, user_id, decision, comment, "
        "created_at, plan_version, content_hash, named_version_id) "
        "SELECT p.id, p.team_id, r.id, r.assignee_id, 'approved', 'Looks right.', "
        "p.updated_at + interval '5 minutes', p.version, repeat('0', 64), NULL "
        "FROM approvals_signoffrole r JOIN plans_plan p ON p.id = r.plan_id "
        f"WHERE {clones} AND p.status = 'approved'"
    )
    _sql(
        "UPDATE approvals_signoffrole r SET latest_id = s.id FROM approvals_signoff s "
        "WHERE s.role_id = r.id"
    )
    step("named versions, sign-off roles and decisions")

    # Threads and comments, on plans spread over every team.
    _sql(
        "INSERT INTO threads_thread (plan_id, section_key, row_model, row_id, row_label, "
        "version, commented_version, created_by_id, created_at, resolved_at, resolved_by_id) "
        "SELECT p.id, 'overview', '', NULL, '', p.version, p.version, p.author_id, "
        "p.updated_at, CASE WHEN g % 2 = 0 THEN p.updated_at + interval '1 minute' END, "
        "CASE WHEN g % 2 = 0 THEN p.author_id END "
        f"FROM generate_series(0, {size.threads - 1}) g JOIN plans_plan p "
        f"ON p.id = {tid} + 1 + (g * 19) % {n - 1} ORDER BY g"
    )
    _sql(
        "INSERT INTO threads_comment (thread_id, team_id, author_id, body, version, created_at, "
        "edited_at, deleted_at) "
        "SELECT th.id, p.team_id, th.created_by_id, 'Should the ' || "
        + _word("th.id + k")
        + " || ' step come first? Comment ' || k || '.', th.version, "
        "th.created_at + k * interval '10 seconds', NULL, NULL "
        f"FROM threads_thread th JOIN plans_plan p ON p.id = th.plan_id, "
        f"generate_series(1, {size.comments_per_thread}) k"
    )
    step(f"{size.threads} threads, {size.threads * size.comments_per_thread} comments")

    # Notifications: each user's, on their first team's plans; boss has fifty times more.
    _sql(
        "INSERT INTO notifications_notification (recipient_id, kind, plan_id, actor_id, text, "
        "url, created_at, read_at) "
        "SELECT m.user_id, 'review_requested', p.id, p.author_id, "
        "'You are asked to sign off ' || p.title, '/plans/' || p.id || '/#approval', "
        "p.updated_at, CASE WHEN k % 10 < 7 THEN p.updated_at + interval '1 hour' END "
        "FROM (SELECT user_id, min(team_id) AS team_id, "
        f"CASE WHEN user_id = {boss} THEN 50 ELSE 1 END AS times "
        "FROM plans_membership GROUP BY user_id) m, "
        f"generate_series(0, {size.notifications_per_user} * 50 - 1) k, "
        f"LATERAL (SELECT id, title, author_id, updated_at FROM plans_plan "
        f"WHERE id = {tid} + 1 + ((m.team_id - {team0}) + {t} * k) % {n - 1}) p "
        f"WHERE k < {size.notifications_per_user} * m.times"
    )
    step("notifications")

    # As autovacuum leaves a database that has been in use: statistics for the planner, and the
    # visibility map that lets an index answer alone (without it, a walk over the newest
    # events of some teams read every row it passed in the table as well).
    _sql("VACUUM (ANALYZE)")
    step("vacuumed and analyzed")


def describe() -> Data:
    from django.db.models import Max

    from plans.models import Plan, PlanVersion, Team
    from plans.sections import SECTIONS

    big = Plan.objects.get(team__name="Bench team")
    typical = Plan.objects.filter(title__contains=" #").order_by("pk")[100:101].get()
    data = Data(
        typical_id=typical.pk,
        big_id=big.pk,
        big_versions=big.version,
        team_id=Team.objects.filter(name="Team 1").values_list("pk", flat=True).get(),
        sections=[s.key for s in SECTIONS if s.editable],
    )
    data.counts = {
        "plans": Plan.objects.count(),
        "versions": PlanVersion.objects.count(),
        "max versions": PlanVersion.objects.aggregate(m=Max("number"))["m"],
    }
    for label, table in (
        ("users", "auth_user"),
        ("teams", "plans_team"),
        ("plan history rows", "plans_historicalplan"),
        ("threads", "threads_thread"),
        ("comments", "threads_comment"),
        ("sign-offs", "approvals_signoff"),
        ("notifications", "notifications_notification"),
    ):
        data.counts[label] = _one(f"SELECT count(*) FROM {table}")
    return data


# --- Pages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    label: str
    kind: str  # a key of TARGETS
    path: str
    who: str = "boss"
    htmx: bool = False


def pages(data: Data, with_editors: bool) -> list[Page]:
    big, typical = data.big_id, data.typical_id
    listed = [
        Page("plan list, first page", "list", "/plans/"),
        Page("plan list, team filter", "list", f"/plans/?team={data.team_id}"),
        Page("plan list, status filter", "list", "/plans/?status=in_review"),
        Page("plan list, page 200", "list", "/plans/?page=200"),
        Page("plan list, member of 3 teams", "list", "/plans/", who="mia"),
        Page("dashboard", "dashboard", "/"),
        Page(f"search, rare word ({RARE_WORD})", "search", f"/plans/?q={RARE_WORD}"),
        Page("search, common word (offline)", "search", "/plans/?q=offline"),
        Page("search, phrase (clock skew)", "search", "/plans/?q=clock+skew"),
        Page("search, ten words no plan holds", "search", f"/plans/?q={UNKNOWN_WORDS}"),
        Page("activity", "activity", "/plans/activity/"),
        Page("approvals waiting", "approvals", "/approvals/"),
        Page("inbox", "inbox", "/inbox/"),
        Page("plan page (typical plan)", "plan", f"/plans/{typical}/"),
        Page("plan page (long-lived, 100 rows a section)", "plan", f"/plans/{big}/"),
        Page(f"history ({data.big_versions} versions)", "history", f"/plans/{big}/history/"),
        Page(
            f"compare 1 vs {min(2000, data.big_versions)}",
            "compare",
            f"/plans/{big}/compare/?from=1&to={min(2000, data.big_versions)}",
        ),
        Page("export.md (long-lived)", "export", f"/plans/{big}/export.md"),
    ]
    if with_editors:
        listed += [
            Page(f"editor: {key}", "editor", f"/plans/{big}/sections/{key}/edit/", htmx=True)
            for key in data.sections
        ]
    return listed


# --- Measuring ------------------------------------------------------------------------------

# wrk runs with no Lua script: a `response` hook makes wrk copy every answer's body into Lua,
# which took wrk itself (on the same cores as the server) half as fast again on the 321 KB plan
# page (0.24-0.37 of the bare view with it, 0.43-0.48 without; wg/wrk#506). wrk counts the
# answers other than 2xx and 3xx itself; a redirect (to sign in: a lost session) is told by its
# size instead, see _wrk.
UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    not_ok: int
    requests: int
    sequential: bool = False


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(url: str, headers: list[str], args: argparse.Namespace, size: int) -> Run:
    """One wrk run; a page so slow that fewer than two requests a connection finish in
    --seconds is timed instead with three GETs one after another (after one that waits for
    the server to finish what wrk left queued): its rate is then workers / median time."""
    run = _wrk(url, headers, args, size, args.seconds)
    if run.requests >= 2 * args.connections:
        return run
    from server import Session

    parts = url.split("/", 3)
    session = Session("/".join(parts[:3]), timeout=600)
    sent = dict(h.split(": ", 1) for h in headers)
    # The session keeps the cookies (a page may set one); a Cookie header would give way.
    session.cookies.update(dict(c.split("=", 1) for c in sent.pop("Cookie", "").split("; ") if c))
    path = "/" + parts[3]
    session.get(path, headers=sent)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        session.get(path, headers=sent)
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    return Run(args.workers / median, median * 1000, max(times) * 1000, 0, 3, sequential=True)


def _wrk(url: str, headers: list[str], args: argparse.Namespace, size: int, seconds: int) -> Run:
    """`size`: the bytes of the page's body as checked before the run. Answers far smaller
    are not the page: wrk's bytes per answer under half of it count every answer as not OK."""
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "60s"]
    command += ["--latency"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    latency = {
        m["pct"]: _ms(m["value"], m["unit"])
        for m in re.finditer(
            r"^\s+(?P<pct>50|99)(?:\.0+)?%\s+(?P<value>[\d.]+)(?P<unit>us|ms|s|m)\b", output, re.M
        )
    }
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)([KMG]?B) read", output)
    if not (rate and total):
        raise RuntimeError(f"Could not read wrk's output:\n{output}")
    requests = int(total[1])
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    not_ok = int(failed[1]) if failed else 0
    if requests and float(total[2]) * UNITS[total[3]] / requests < size / 2:
        not_ok = requests
    return Run(float(rate[1]), latency.get("50", 0.0), latency.get("99", 0.0), not_ok, requests)


@dataclass
class Result:
    page: Page
    rps: float
    p50_ms: float
    ratio: float
    not_ok: int
    bare_rps: float = 0.0  # the bare view's, in the same rounds: how fast the machine was
    queries: int | None = None


def query_counts(data: Data, listed: list[Page]) -> dict[tuple[str, str], int]:
    """Queries per page, counted in this process with Django's test client."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {}
    for who in {p.who for p in listed}:
        clients[who] = Client()
        clients[who].force_login(get_user_model().objects.get(username=who))
    counts = {}
    for page in listed:
        headers = {"HX-Request": "true"} if page.htmx else {}
        client = clients[page.who]
        client.get(page.path, headers=headers)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path, headers=headers)
        if response.status_code != 200:
            print(f"  ! {page.path} answered {response.status_code} in process")
        counts[(page.path, page.who)] = len(queries)
    return counts


def profile(listed: list[Page]) -> None:
    """A cProfile of each page rendered in this process (warm), and its SQL time."""
    import cProfile
    import pstats

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    clients: dict[str, Client] = {}
    sql = [0.0]

    def timed(execute: Any, *a: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(*a)
        finally:
            sql[0] += time.perf_counter() - t

    for page in listed:
        if page.who not in clients:
            clients[page.who] = Client()
            clients[page.who].force_login(get_user_model().objects.get(username=page.who))
        client = clients[page.who]
        headers = {"HX-Request": "true"} if page.htmx else {}
        client.get(page.path, headers=headers)
        sql[0] = 0.0
        profiler = cProfile.Profile()
        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            profiler.enable()
            for _ in range(3):
                client.get(page.path, headers=headers)
            profiler.disable()
        total = (time.perf_counter() - started) / 3 * 1000
        print(f"\n=== {page.label}: {total:.1f} ms per GET, SQL {sql[0] / 3 * 1000:.1f} ms ===")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)


def measure(
    data: Data, listed: list[Page], args: argparse.Namespace
) -> tuple[list[Result], dict[str, tuple[float, float, float, float, int]]]:
    from server import Session, login, running_gunicorn

    env = {"DJANGO_SETTINGS_MODULE": "bench.scale_settings"}
    results = []
    with running_gunicorn(workers=args.workers, port=args.port, env=env) as server:
        cookies = {who: login(server.url, who, PASSWORD).cookie_header for who in ("boss", "mia")}
        for page in listed:
            headers = [f"Cookie: {cookies[page.who]}"]
            if page.htmx:
                headers.append("HX-Request: true")
            check = Session(server.url, timeout=600)
            check.cookies.update(dict(c.split("=", 1) for c in cookies[page.who].split("; ")))
            answer = check.get(page.path, headers=dict(h.split(": ", 1) for h in headers[1:]))
            if answer.status != 200:
                print(f"  ! GET {page.path} answered {answer.status}")
            ratios, runs, bares, not_ok = [], [], [], 0
            for _ in range(args.rounds):
                # The bare view is not checked by size: a redirect there would only lower
                # the ratio.
                bare = wrk(server.url + "/bench/bare/", headers[:1], args, 0)
                run = wrk(server.url + page.path, headers, args, len(answer.text.encode()))
                ratios.append(run.rps / bare.rps if bare.rps else 0.0)
                runs.append(run)
                bares.append(bare.rps)
                not_ok += run.not_ok + bare.not_ok
            if any(r.sequential for r in runs):
                page = Page(
                    f"{page.label} (timed one at a time)", page.kind, page.path, page.who, page.htmx
                )
            result = Result(
                page,
                statistics.median(r.rps for r in runs),
                statistics.median(r.p50_ms for r in runs),
                statistics.median(ratios),
                not_ok,
                statistics.median(bares),
            )
            results.append(result)
            print(
                f"  {page.label:<44} {result.rps:8.1f} req/s  p50 {result.p50_ms:8.1f} ms  "
                f"ratio {result.ratio:.3f}  non-200 {not_ok}  (bare {result.bare_rps:.0f} req/s)",
                flush=True,
            )
        saves = save_loop(server.url, cookies["boss"], data, args)
    return results, saves


class FormReader(html.parser.HTMLParser):
    """The fields of the first form posting to `action` in a page, as a browser submits them."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.done = False
        self.fields: list[list[str]] = []
        self._textarea: list[str] | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and a.get("action", "").endswith(self.action):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file"):
                return
            self.fields.append([a["name"], a.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "textarea" and self._textarea is not None:
            value = self._textarea[1]
            self.fields.append([self._textarea[0], value[1:] if value.startswith("\n") else value])
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, s in self._options if s] or [v for v, _ in self._options[:1]]
            self.fields.append([self._select, chosen[0] if chosen else ""])
            self._select = None
        elif tag == "form":
            self.inside, self.done = False, True


def save_loop(
    url: str, cookie: str, data: Data, args: argparse.Namespace
) -> dict[str, tuple[float, float, float, float, int]]:
    """Each save: GET the editor (untimed), change one field, POST the form (timed)."""
    from server import Session

    session = Session(url)
    session.cookies.update(dict(c.split("=", 1) for c in cookie.split("; ")))
    figures = {}
    for key, name_end in (("overview", "overview"), ("risks", "-mitigation")):
        path = f"/plans/{data.big_id}/sections/{key}/edit/"
        times, server = [], []
        for i in range(args.saves):
            page = session.get(path, headers={"HX-Request": "true"})
            reader = FormReader(path)
            reader.feed(page.text)
            target = next((f for f in reader.fields if f[0].endswith(name_end)), None)
            if target is None:
                print(f"  ! no field ending {name_end!r} in {path}")
                break
            target[1] = f"{re.sub(r' Saved in loop \d+\.$', '', target[1])} Saved in loop {i}."
            started = time.perf_counter()
            answer = session.post(path, [(k, v) for k, v in reader.fields])
            times.append((time.perf_counter() - started) * 1000)
            timing = re.search(r"app;dur=([\d.]+)", answer.headers.get("Server-Timing", ""))
            server.append(float(timing.group(1)) if timing else float("nan"))
            if answer.status != 302:
                print(f"  ! POST {path} answered {answer.status}")
                break
        if times:
            q = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
            s = statistics.quantiles(server, n=100) if len(server) > 1 else server * 99
            trip = statistics.median(times)
            figures[key] = (statistics.median(server), s[98], trip, q[98], len(times))
            print(
                f"  save {key}: server p50 {figures[key][0]:.1f} ms, p99 {figures[key][1]:.1f} ms;"
                f" round trip p50 {figures[key][2]:.1f} ms, p99 {figures[key][3]:.1f} ms"
            )
    return figures


# --- Report ---------------------------------------------------------------------------------


def report(results: list[Result], saves: dict[str, tuple[float, float, float, float, int]]) -> None:
    print("\n| page | req/s | p50 ms | bare req/s | ratio to bare | target | met? | queries |")
    print("|---|---:|---:|---:|---:|---:|---|---:|")
    for r in results:
        target = TARGETS[r.page.kind]
        met = "" if target is None else ("yes" if r.ratio >= target else "**no**")
        shown = "" if target is None else f"≥ {target}"
        queries = "" if r.queries is None else str(r.queries)
        print(
            f"| {r.page.label} | {r.rps:.1f} | {r.p50_ms:.1f} | {r.bare_rps:.0f} | {r.ratio:.3f} | "
            f"{shown} | {met} | {queries} |"
        )
    for key, (p50, p99, trip50, trip99, runs) in saves.items():
        met = "yes" if p50 < 50 else "**no**"
        print(
            f"| save {key} ({runs} saves): server p50 / p99 ms (round trip) | | {p50:.1f} / "
            f"{p99:.1f} ({trip50:.1f} / {trip99:.1f}) | | | p50 < 50 ms | {met} | |"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("bench/scale.py needs wrk: apt-get install -y wrk")
    started = time.perf_counter()
    setup_django(args.reuse)
    if not args.reuse:
        print(f"Building size {args.size}: {SIZES[args.size]}")
        build(SIZES[args.size])
    data = describe()
    print(f"Data ({time.perf_counter() - started:.0f} s): {data.counts}")
    if args.build_only:
        return 0
    listed = pages(data, with_editors=not args.no_editors)
    if args.only:
        kinds = set(args.only.split(","))
        listed = [p for p in listed if p.kind in kinds]
    if args.profile:
        profile(listed)
        return 0
    counts = {} if args.no_queries else query_counts(data, listed)
    print(
        f"gunicorn: {args.workers} sync workers; wrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"{args.rounds} rounds of (bare, page)"
    )
    results, saves = measure(data, listed, args)
    for r in results:
        r.queries = counts.get((r.page.path, r.page.who))
    report(results, saves)
    return 1 if any(r.not_ok for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
