"""Benchmark of a plan's history: the history list, old versions and comparisons, at scale.

Builds one plan of about --rows rows (tasks included) and gives it --versions versions through the
real editing service (`save_section`, one call per version), then times the history pages with
Django's test client and checks the targets: the history page runs the same number of queries on
page 1 as deep in the list, and comparing two versions of a 500-row plan takes under 300 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansign_bench \\
        .venv/bin/python bench/history.py [--versions 5000] [--rows 500] [--smoke] [--profile]

The database named in DATABASE_URL is dropped and created again on every run, so its name must
contain "bench". Only PostgreSQL is supported. The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent

HISTORY_REQUESTS = 20
VERSION_REQUESTS = 20
COMPARE_REQUESTS = 10
COMPARE_TARGET_MS = 300.0
TASKS_PER_PHASE = 2

# The field of each row set that an edit rewords.
ROW_TEXT_FIELD = {
    "goals": "text",
    "success_criteria": "text",
    "user_stories": "sentence",
    "api_endpoints": "description",
    "phases": "deliverables",
    "feature_flags": "description",
    "risks": "mitigation",
    "team_members": "role",
    "documentation_updates": "text",
    "open_questions": "text",
}
_SUFFIX = re.compile(r" \(v\d+\)$")

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.test import Client

    from plans.content import PlanContent
    from plans.models import Plan
    from plans.sections import Section


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=5000, help="versions of the plan")
    parser.add_argument("--rows", type=int, default=500, help="rows of the plan, tasks included")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: 120 versions, 40 rows")
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of the slowest compare"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.versions, args.rows = 120, 40  # three history pages
    if args.versions < 2 or args.rows < 1:
        parser.error("--versions must be at least 2 and --rows at least 1")
    return args


# --- Database -------------------------------------------------------------------------------


def recreate_database(url: str) -> str:
    """Drop and create the database DATABASE_URL names; returns its name."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("bench/history.py: DATABASE_URL must be a postgres:// address.")
    name = str(config["NAME"])
    if "bench" not in name:
        sys.exit(
            f"bench/history.py: refusing to drop database {name!r}: "
            "the benchmark recreates its database, so its name must contain 'bench'."
        )
    params: dict[str, Any] = {
        "dbname": "postgres",
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(
        **{k: v for k, v in params.items() if v is not None}, autocommit=True
    ) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    # The test client calls itself "testserver". DEBUG stays as configured for the migration,
    # then goes off so that requests neither log every query nor render debug templates.
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0, interactive=False)
    settings.DEBUG = False


# --- Building the plan and its history ------------------------------------------------------


def _reword(value: str, number: int) -> str:
    return f"{_SUFFIX.sub('', value)} (v{number})"


def _edit_rows(new: PlanContent, key: str, number: int, visit: int) -> None:
    """Reword one or two rows; every fifth visit of a section, also remove one and add one."""
    from plans.content import ROW_MODELS, PhaseContent
    from plans.models import Phase, Task

    rows = new.rows(key)
    field = ROW_TEXT_FIELD[key]
    n = len(rows)
    first = (number * 7) % n
    targets = {first, (first + n // 2) % n} if number % 3 == 0 else {first}
    for index in targets:
        row = rows[index]
        if key == "phases" and number % 2 and row.tasks:
            task = row.tasks[number % len(row.tasks)]
            task.text = _reword(task.text, number)
        else:
            obj = row.phase if key == "phases" else row
            setattr(obj, field, _reword(getattr(obj, field), number))
    if visit % 5 == 4 and n > 1:
        del rows[(number * 3) % n]
        model = ROW_MODELS[key]
        source = rows[0].phase if key == "phases" else rows[0]
        added = model(**{f: getattr(source, f) for f in model.content_fields})
        setattr(added, field, f"Added in version {number}")
        if key == "phases":
            tasks = [Task(text=f"Task added in v{number}.{j}") for j in range(TASKS_PER_PHASE)]
            assert isinstance(added, Phase)
            rows.append(PhaseContent(added, tasks))
        else:
            rows.append(added)


def _edit_fields(new: PlanContent, section: Section, base: Plan, number: int, visit: int) -> None:
    """Change one of the plan's own fields of the section: reword a text, move a date."""
    name = section.fields[visit % len(section.fields)]
    if name.endswith("_start") or name.endswith("_end"):
        name = "deployment_date"  # the one date no start/end constraint ties to another
    value = getattr(base, name)
    if isinstance(value, dt.date):
        setattr(new.plan, name, value + dt.timedelta(days=1 + number % 28))
    else:
        setattr(new.plan, name, f"{value} Revised in version {number}.")


def build(rows: int, versions: int) -> tuple[Plan, User, float, float]:
    """A team, an editor and one plan with `versions` versions; returns the build times too."""
    from plans.content import PLAN_FIELDS, PlanContent
    from plans.models import Plan
    from plans.sections import SECTIONS
    from plans.services import create_plan, save_section
    from tests.factories import make_content, make_team, make_user

    user = make_user("bench-editor")
    team = make_team("Bench team", **{"bench-editor": "editor"})
    per_section = max(1, round(rows / (10 + TASKS_PER_PHASE)))
    started = time.perf_counter()
    plan = create_plan(
        team=team,
        author=user,
        content=make_content("Benchmark plan", rows=per_section, tasks=TASKS_PER_PHASE),
    )
    create_s = time.perf_counter() - started
    base = Plan(**{f: getattr(plan, f) for f in PLAN_FIELDS})
    editable = [s for s in SECTIONS if s.editable and (s.fields or s.rows)]

    started = time.perf_counter()
    for number in range(2, versions + 1):
        section = editable[number % len(editable)]
        visit = number // len(editable)
        new = PlanContent.from_plan(plan, only=section.rows)
        new.plan = Plan(**{f: getattr(plan, f) for f in PLAN_FIELDS})
        if section.fields:
            _edit_fields(new, section, base, number, visit)
        for key in section.rows:
            _edit_rows(new, key, number, visit)
        version = save_section(
            plan=plan,
            section=section,
            new=new,
            user=user,
            opened_version=plan.version,
            summary=f"Bench edit {number}" if number % 4 == 0 else "",
        )
        assert version is not None and version.number == number, (number, section.key)
        if number % 500 == 0:
            print(f"  … {number} versions ({time.perf_counter() - started:.1f} s)", flush=True)
    return plan, user, create_s, time.perf_counter() - started


# --- Measuring ------------------------------------------------------------------------------


class Figure:
    def __init__(self, label: str, times: list[float], queries: int | None, sql_ms: float | None):
        self.label = label
        self.median_ms = statistics.median(times) * 1000
        self.min_ms = min(times) * 1000
        self.max_ms = max(times) * 1000
        self.runs = len(times)
        self.queries = queries
        self.sql_ms = sql_ms

    def row(self) -> str:
        queries = "" if self.queries is None else str(self.queries)
        sql_ms = "" if self.sql_ms is None else f"{self.sql_ms:.1f}"
        return (
            f"{self.label:<44} {self.runs:>4} {self.median_ms:>10.1f} {self.min_ms:>9.1f} "
            f"{self.max_ms:>9.1f} {queries:>8} {sql_ms:>8}"
        )


HEADER = (
    f"{'measurement':<44} {'runs':>4} {'median ms':>10} {'min ms':>9} {'max ms':>9} "
    f"{'queries':>8} {'SQL ms':>8}"
)


class QueryTimer:
    """An execute wrapper adding up the time spent in the database driver (SQL and fetch)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: Any, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def measure_get(client: Client, label: str, url: str, runs: int) -> Figure:
    """Median wall time of `runs` GETs (after one warm-up), then one more GET to count queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    timer = QueryTimer()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
        client.get(url)
    return Figure(label, times, len(captured.captured_queries), timer.seconds * 1000)


def measure_call(label: str, func: Callable[[], Any], runs: int) -> Figure:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    func()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    timer = QueryTimer()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
        func()
    return Figure(label, times, len(captured.captured_queries), timer.seconds * 1000)


def profile_get(client: Client, url: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    print(f"\ncProfile of GET {url} (top 25 by cumulative time):")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        sys.exit(
            "bench/history.py needs PostgreSQL: set DATABASE_URL, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansign_bench"
        )
    started = time.perf_counter()
    name = recreate_database(url)
    setup_django()
    print(f"Database {name} recreated and migrated in {time.perf_counter() - started:.1f} s")

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from plans.content import ALL_ROW_MODELS
    from plans.diff import diff_plans
    from plans.history_views import VERSIONS_PER_PAGE
    from plans.models import Plan, PlanVersion
    from plans.versions import content_at

    print(f"Building a plan of ~{args.rows} rows with {args.versions} versions (save_section) …")
    plan, user, create_s, edits_s = build(args.rows, args.versions)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give them
    plan = Plan.objects.get(pk=plan.pk)
    latest = plan.version
    live_rows = sum(m._default_manager.filter(plan=plan).count() for m in ALL_ROW_MODELS)
    history_rows = sum(
        m.history.model.objects.filter(plan_id=plan.pk).count() for m in ALL_ROW_MODELS
    )
    edits = latest - 1
    print(
        f"Built: plan {plan.pk}, {live_rows} live rows, {history_rows} historical row records, "
        f"{PlanVersion.objects.filter(plan=plan).count()} versions, latest v{latest}"
    )
    print(
        f"Build time: create_plan {create_s * 1000:.0f} ms; {edits} save_section calls "
        f"{edits_s:.1f} s ({edits_s / edits * 1000:.1f} ms per version)"
    )

    client = Client()
    client.force_login(user)
    pages = -(-latest // VERSIONS_PER_PAGE)
    middle = min(pages, max(2, pages // 2))  # page 50 of 100; never page 1 unless alone
    history = reverse("plans:history", args=[plan.pk])
    compare = reverse("plans:compare", args=[plan.pk])
    old_number = min(10, latest)

    figures = [
        measure_get(client, "history page 1", history, HISTORY_REQUESTS),
        measure_get(
            client,
            f"history page {middle} of {pages}",
            f"{history}?page={middle}",
            HISTORY_REQUESTS,
        ),
        measure_get(
            client,
            f"version page v{old_number}",
            reverse("plans:version", args=[plan.pk, old_number]),
            VERSION_REQUESTS,
        ),
        measure_get(
            client,
            f"version page v{latest} (latest)",
            reverse("plans:version", args=[plan.pk, latest]),
            VERSION_REQUESTS,
        ),
        measure_get(
            client, f"compare v1 → v{latest}", f"{compare}?from=1&to={latest}", COMPARE_REQUESTS
        ),
        measure_get(
            client,
            f"compare v{latest - 1} → v{latest}",
            f"{compare}?from={latest - 1}&to={latest}",
            COMPARE_REQUESTS,
        ),
    ]
    old_content = content_at(plan, 1)
    new_content = content_at(plan, latest)
    figures += [
        measure_call("content_at(plan, 1)", lambda: content_at(plan, 1), COMPARE_REQUESTS),
        measure_call(
            f"content_at(plan, {latest})", lambda: content_at(plan, latest), COMPARE_REQUESTS
        ),
        measure_call(
            f"diff_plans(v1, v{latest}) alone",
            lambda: diff_plans(old_content, new_content),
            COMPARE_REQUESTS,
        ),
        measure_call(
            f"diff_plans(content_at(1), content_at({latest}))",
            lambda: diff_plans(content_at(plan, 1), content_at(plan, latest)),
            COMPARE_REQUESTS,
        ),
    ]

    print()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"PostgreSQL {connection.pg_version}, Django DEBUG off, "  # type: ignore[attr-defined]
        f"{os.cpu_count()} CPUs, load average {load}"
    )
    print(HEADER)
    print("-" * len(HEADER))
    for figure in figures:
        print(figure.row())
    print()

    first, deep = figures[0], figures[1]
    constant = first.queries == deep.queries
    compares = figures[4:6]
    fast = all(f.median_ms < COMPARE_TARGET_MS for f in compares)
    print(
        f"{'PASS' if constant else 'FAIL'}: history page queries constant "
        f"(page 1: {first.queries}, page {middle}: {deep.queries})"
    )
    print(
        f"{'PASS' if fast else 'FAIL'}: compare of a {live_rows}-row plan under "
        f"{COMPARE_TARGET_MS:.0f} ms ("
        + ", ".join(f"{f.label}: {f.median_ms:.1f} ms" for f in compares)
        + ")"
    )
    if args.profile:
        slowest = max(compares, key=lambda f: f.median_ms)
        frm, to = (1, latest) if slowest is compares[0] else (latest - 1, latest)
        profile_get(client, f"{compare}?from={frm}&to={to}")
    connection.close()
    return 0 if constant and fast else 1


if __name__ == "__main__":
    sys.exit(main())
