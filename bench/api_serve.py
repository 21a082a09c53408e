"""The API's speed: the JSON of the 500-row plan against its HTML page, under wrk, and the plan
list's queries at 2,000 plans against 20.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansign_bench_api \\
        .venv/bin/python bench/api_serve.py [--seconds 10] [--plans 2000] [--smoke]

Builds a plan of about 500 rows (bench/history.py's builder) and --plans more plans, starts
gunicorn on 127.0.0.1 with DEBUG off (bench/server.py), and runs wrk (bench/serve.py's runner)
on the plan page as its signed-in editor and on GET /api/plans/<id> with the editor's token.
Targets: the JSON at least as many requests/s as the HTML page; GET /api/plans/ (a search)
running no more queries at --plans plans than at 20; no answer other than 200. The exit status
is 1 when one is missed (with --smoke, the speed is not judged). The database named in
DATABASE_URL is dropped and created again, so its name must contain "bench".
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import fresh_bench_database
from serve import HEADER, WRK_SCRIPT, Result, _row, run_wrk

PASSWORD = "bench-api-password"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (-c)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--rows", type=int, default=500, help="rows of the big plan")
    parser.add_argument("--plans", type=int, default=2000, help="plans for the list's queries")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, 2 s per page")
    args = parser.parse_args(argv)
    if args.smoke:
        args.seconds, args.plans, args.rows = 2, 100, 60
    return args


def add_plans(team: Any, author: Any, count: int) -> None:
    """Plans with a title and searchable words, written in bulk: the list reads only them."""
    from django.contrib.postgres.search import SearchVector

    from plans.models import Plan

    made = Plan.objects.bulk_create(
        Plan(
            team=team,
            author=author,
            title=f"Offline plan {n}",
            version=1,
            search_text=f"Offline plan {n} sync",
        )
        for n in range(count)
    )
    Plan.objects.filter(pk__in=[p.pk for p in made]).update(
        search_vector=SearchVector("search_text", config="english")
    )


def list_queries(secret: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers={"Authorization": f"Bearer {secret}"})
    client.get("/api/plans/")  # warm: the first request sets the token's last use
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/plans/", {"q": "offline sync"})
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("bench/api_serve.py needs wrk: apt-get install -y wrk")
    started = time.perf_counter()
    fresh_bench_database()
    from django.conf import settings
    from history import build as build_history
    from serve import row_count

    from api.models import ApiToken
    from plans.content import PlanContent
    from plans.models import Team

    settings.API_TOKEN_RATE_PER_MINUTE = 10**9
    big, editor, _, _ = build_history(args.rows, 5)
    editor.set_password(PASSWORD)
    editor.save()
    _, secret = ApiToken.issue(user=editor, name="bench", scope=ApiToken.Scope.READ)
    rows = row_count(PlanContent.from_plan(big))
    team = Team.objects.get(pk=big.team_id)
    add_plans(team, editor, 20)
    few = list_queries(secret)
    add_plans(team, editor, args.plans - 20)
    many = list_queries(secret)
    print(f"Built in {time.perf_counter() - started:.0f} s: plan of {rows} rows, {args.plans} more")
    print(f"GET /api/plans/?q=offline+sync: {few} queries at 20 plans, {many} at {args.plans}")

    from server import login, running_gunicorn

    env = {"API_TOKEN_RATE_PER_MINUTE": str(10**9)}
    results: list[Result] = []
    with (
        running_gunicorn(workers=args.workers, env=env) as server,
        tempfile.NamedTemporaryFile("w", suffix=".lua") as page_script,
        tempfile.NamedTemporaryFile("w", suffix=".lua") as api_script,
    ):
        page_script.write(WRK_SCRIPT)
        page_script.flush()
        api_script.write(f'wrk.headers["Authorization"] = "Bearer {secret}"\n{WRK_SCRIPT}')
        api_script.flush()
        cookie = login(server.url, editor.username, PASSWORD).cookie_header
        print(f"\n{HEADER}")
        for label, path, who, script in (
            (f"plan page ({rows} rows)", f"/plans/{big.pk}/", cookie, page_script),
            (f"GET /api/plans/{big.pk} ({rows} rows)", f"/api/plans/{big.pk}", "", api_script),
        ):
            results.append(run_wrk(server.url + path, who, args, Path(script.name), label))
            print(_row(results[-1]), flush=True)
    page, api = results
    ratio = api.requests_per_s / page.requests_per_s if page.requests_per_s else float("inf")
    bad = page.not_ok + api.not_ok
    checks = [
        ("API JSON / HTML page, requests/s", f"{ratio:.2f}", "≥ 1", ratio >= 1 or args.smoke),
        ("list queries, many plans / 20", f"{many} / {few}", "equal", many <= few),
        ("answers other than 200", str(bad), "0", bad == 0),
    ]
    print()
    for label, value, target, met in checks:
        print(f"{label:<40} {value:>9}   target {target}   {'met' if met else 'MISSED'}")
    return 0 if all(met for *_, met in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
