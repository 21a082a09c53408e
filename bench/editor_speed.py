"""In-process timing of a 100-row section's editors and of a section save on it.

Builds one plan with --rows rows in every row set (--tasks tasks per phase), then, through
Django's test client with htmx's header, times GETs of the Risks, Implementation Phases and
Primary Goals editors, and saves of one Risks field, printing the p50 of each with its
queries. Server time only (no HTTP, no gunicorn): a quick before/after figure for the editor
and the save. Each editor is also given as a ratio of bench/scale.py's bare signed-in view
timed the same way (a ratio of server times; bench/scale.py's are of wrk throughput).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansign_bench_perf \\
        .venv/bin/python bench/editor_speed.py [--rows 100] [--repeat 15]

The database named in DATABASE_URL is dropped and created again, so its name must contain
"bench".
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_bench_database

EDITORS = ("risks", "phases", "goals")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    fresh_bench_database()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from tests.factories import make_plan, make_team, make_user
    from tests.plans.editing import edit_url, form_data

    alice = make_user("alice")
    plan = make_plan(make_team("Payments", alice="editor"), alice, rows=args.rows, tasks=args.tasks)
    client = Client()
    client.force_login(alice)

    def timed(call: object) -> tuple[float, int, object]:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = call()  # type: ignore[operator]
            elapsed = (time.perf_counter() - start) * 1000
        return elapsed, len(captured), response

    failed = False
    with override_settings(ROOT_URLCONF="bench.scale_urls"):  # bench/scale.py's bare view
        bare = []
        for _ in range(args.repeat * 3):
            ms, _queries, response = timed(lambda: client.get("/bench/bare/"))
            bare.append(ms)
            failed |= response.status_code != 200  # type: ignore[attr-defined]
    bare_p50 = statistics.median(bare)
    print(f"bare signed-in view: p50 {bare_p50:6.1f} ms")
    for key in EDITORS:
        times, queries = [], 0
        for _ in range(args.repeat):
            ms, queries, response = timed(
                lambda key=key: client.get(edit_url(plan, key), HTTP_HX_REQUEST="true")
            )
            times.append(ms)
            failed |= response.status_code != 200  # type: ignore[attr-defined]
        print(
            f"editor {key:8} ({args.rows} rows): p50 {statistics.median(times):6.1f} ms, "
            f"min {min(times):6.1f} ms, {queries} queries, {len(response.content) // 1024} KB, "  # type: ignore[attr-defined]
            f"{bare_p50 / statistics.median(times):.3f} of the bare view"
        )
    times, counts = [], []
    for n in range(args.repeat):
        data = form_data(plan, "risks")
        data["risks-0-mitigation"] = f"Test (save {n})"
        body = urlencode(data)  # as htmx posts a form without enctype (the test client's
        # default, multipart, costs a 100-row form tens of ms of parsing no browser causes)
        ms, queries, response = timed(
            lambda body=body: client.post(
                edit_url(plan, "risks"),
                body,
                content_type="application/x-www-form-urlencoded",
                HTTP_HX_REQUEST="true",
            )
        )
        times.append(ms)
        counts.append(queries)
        if response.status_code != 200 or b"Saved as version" not in response.content:  # type: ignore[attr-defined]
            print(f"save {n} failed: {response.status_code}", file=sys.stderr)  # type: ignore[attr-defined]
            failed = True
    print(
        f"save risks ({args.rows} rows, one field): p50 {statistics.median(times):6.1f} ms, "
        f"min {min(times):6.1f} ms, queries {min(counts)} to {max(counts)}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
