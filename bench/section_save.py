"""Benchmark of a section save as the browser sends it: server time, p50 and p95 over --saves.

Loads the demo (its plans fill every section), then saves the Overview, Risks and Implementation
Phases of "Offline Sync" in turn through Django's test client with htmx's header, each save one
request whose response also carries the page's out-of-band updates (outline, status, review).
Every save changes the section, so each is a new version.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansign_authoring_bench \\
        .venv/bin/python bench/section_save.py [--saves 50]

The database named in DATABASE_URL is dropped and created again, so its name must contain
"bench". Prints the timings; exits 1 when a save fails.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_bench_database

SECTIONS = ("overview", "risks", "phases")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=50)
    args = parser.parse_args(argv)
    fresh_bench_database()

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from plans.models import Plan
    from tests.plans.editing import edit_url, form_data

    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    plan = Plan.objects.get(title="Offline Sync")
    client = Client()
    client.force_login(User.objects.get(username="alice"))

    times: list[float] = []
    cpu: list[float] = []  # this process's CPU time: less swayed by a busy machine
    queries: list[int] = []
    for n in range(args.saves):
        key = SECTIONS[n % len(SECTIONS)]
        data = form_data(plan, key)
        field = {"overview": "overview", "risks": "risks-0-mitigation", "phases": "phases-0-name"}
        data[field[key]] = f"{data[field[key]].split(' (save')[0]} (save {n})"
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.post(edit_url(plan, key), data, HTTP_HX_REQUEST="true")
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        queries.append(len(captured))
        if response.status_code != 200 or b"Saved as version" not in response.content:
            print(f"save {n} of {key} failed: {response.status_code}", file=sys.stderr)
            return 1
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(
        f"{len(times)} section saves on {connection.vendor}: "
        f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms "
        f"(CPU p50 {statistics.median(cpu):.1f} ms); "
        f"queries per save {min(queries)} to {max(queries)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
