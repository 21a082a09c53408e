"""Search speed: 2,000 plans on PostgreSQL, one search (target: under 50 ms of server time) and
the list page's query count (target: the same with 20 plans and with 2,000).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansign_bench_search \\
        .venv/bin/python bench/search.py [--plans 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_bench_database

RUNS = 20
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
    "clock",
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
]


def setup() -> None:
    fresh_bench_database()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=2000)
    args = parser.parse_args()
    setup()
    import random

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from plans.models import Risk
    from plans.services import create_plan
    from tests.factories import make_content, make_team, make_user

    rng = random.Random(7)
    carol = make_user("carol")
    team = make_team("Bench", carol="editor")
    start = time.perf_counter()

    def text(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    list_queries = {}
    client = Client()
    client.force_login(carol)
    for i in range(args.plans):
        content = make_content(title=f"{text(2).title()} {i}", rows=3, overview=text(120))
        content.plan.architecture = text(200)
        for risk in content.risks:
            risk.risk = text(6)
        if i == args.plans // 2:
            content.risks[0].risk = "Clock skew between devices reorders edits"
        create_plan(team=team, author=carol, content=content)
        if i + 1 in (20, args.plans):
            with connection.cursor() as cursor:
                # What autovacuum does in a running database: each new plan's row was
                # written twice (the plan, then its search vector).
                cursor.execute("VACUUM ANALYZE")
            with CaptureQueriesContext(connection) as queries:
                client.get("/plans/")
            list_queries[i + 1] = len(queries)
    print(f"built {args.plans} plans in {time.perf_counter() - start:.1f} s")
    assert Risk.objects.filter(risk__startswith="Clock skew").exists()

    def timed(url: str) -> tuple[float, int]:
        client.get(url)
        times = []
        for _ in range(RUNS):
            t = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t)
        assert response.status_code == 200
        return statistics.median(times) * 1000, response.content.decode().count(
            'class="fw-semibold"'
        )

    for query in ("clock+skew", "offline+sync", "refund"):
        ms, shown = timed(f"/plans/?q={query}")
        print(f"search ?q={query}: median {ms:.1f} ms, {shown} plans on the first page")
    first = client.get("/plans/?q=clock+skew").content.decode()
    top = first.split('class="fw-semibold">', 1)[1].split("<", 1)[0]
    print(f"first result for 'clock skew': {top!r}")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM plans_plan "
            "WHERE search_vector @@ to_tsquery('english'::regconfig, 'clock & skew')"
        )
        plan_lines = [row[0] for row in cursor.fetchall()]
    uses_index = any("plan_search_vector_gin" in line for line in plan_lines)
    print("query plan:", "uses plan_search_vector_gin" if uses_index else plan_lines)
    print(f"list page queries: {list_queries}")
    ms, _ = timed("/plans/?q=clock+skew")
    ok_speed = ms < 50
    ok_queries = len(set(list_queries.values())) == 1
    print(f"{'PASS' if ok_speed else 'FAIL'}: search on {args.plans} plans {ms:.1f} ms (< 50 ms)")
    print(f"{'PASS' if ok_queries else 'FAIL'}: list page queries constant {list_queries}")
    return 0 if ok_speed and ok_queries else 1


if __name__ == "__main__":
    sys.exit(main())
