"""Serving speed under load: Plansign behind gunicorn on PostgreSQL, measured with wrk against
its own ceiling (/healthz) and against the Django admin's change page of the same plans.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansign_bench_serve \\
        .venv/bin/python bench/serve.py [--seconds 10] [--connections 8] [--workers 2] [--smoke]

It builds a realistic database (the demo team and its plans, a few hundred more plans, a plan of
about 500 rows with thousands of versions), starts gunicorn on 127.0.0.1 with DEBUG off, signs
in, and runs `wrk` (Debian package `wrk`) for a fixed time on each page: /healthz, the demo-size
plan page, the 500-row plan page, its Markdown export and history page, and the admin change
page of both plans (with an inline per row table). It prints requests/s, p50 and p99 latency,
non-200 answers, the ratios the targets are set on, and each worker's memory after the run.

Targets: the demo-size plan page at least 15% of /healthz; the 500-row plan page at least 50
times the admin change page of the same plan; the export at least as fast as the plan page; no
answer other than 200. The exit status is 1 when one is missed (with --smoke, only when a page
answers something other than 200: the smoke run is too short to judge speed).

`--profile` skips wrk and prints a cProfile of each page rendered in this process instead.
The database named in DATABASE_URL is dropped and created again, so its name must contain "bench".
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import fresh_bench_database

if TYPE_CHECKING:
    from plans.content import PlanContent

DEMO_PASSWORD = "plansign-demo"
ADMIN_PASSWORD = "bench-admin-password"

# Counts every answer that is not a 200 (wrk itself only reports non-2xx/3xx: a redirect to
# the login page would pass unnoticed), summed over wrk's threads when the run is done.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not_ok") end
  io.write(string.format("NOT_OK %d\\n", total))
end
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (-c)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--plans", type=int, default=300, help="plans besides the measured ones")
    parser.add_argument("--rows", type=int, default=500, help="rows of the big plan")
    parser.add_argument("--versions", type=int, default=3000, help="versions of the big plan")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, 1 s per page")
    parser.add_argument("--profile", action="store_true", help="cProfile each page, no wrk")
    args = parser.parse_args(argv)
    if args.smoke:  # long enough for the slowest page (the admin's) to answer a few times
        args.seconds, args.plans, args.versions = 3, 10, 30
    return args


# --- Data -----------------------------------------------------------------------------------


@dataclass
class Data:
    demo_id: int
    demo_rows: int
    big_id: int
    big_rows: int
    big_versions: int
    plans: int


def build(args: argparse.Namespace) -> Data:
    from django.contrib.auth import get_user_model
    from history import build as build_history

    from plans.content import PlanContent
    from plans.demo import demo_plans
    from plans.management.commands.load_demo import DEMO_TEAM
    from plans.management.commands.load_demo import Command as LoadDemo
    from plans.models import Membership, Plan, Team
    from plans.services import create_plan

    LoadDemo().load()  # the demo team, its people and plans (the command refuses DEBUG off)
    users = get_user_model().objects
    alice = users.get(username="alice")
    users.create_superuser("admin", "admin@example.com", ADMIN_PASSWORD)

    big, _, _, _ = build_history(args.rows, args.versions)
    Membership.objects.create(team=big.team, user=alice, role="editor")

    teams = [Team.objects.create(name=f"Team {n}") for n in range(1, 6)]
    for team in teams:
        Membership.objects.create(team=team, user=alice, role="editor")
    for n in range(args.plans):
        content = demo_plans()[n % 3]
        content.plan.title = f"{content.plan.title} #{n + 1}"
        create_plan(team=teams[n % len(teams)], author=alice, content=content)

    demo = Plan.objects.filter(team__name=DEMO_TEAM).order_by("pk").first()
    assert demo is not None
    return Data(
        demo_id=demo.pk,
        demo_rows=row_count(PlanContent.from_plan(demo)),
        big_id=big.pk,
        big_rows=row_count(PlanContent.from_plan(big)),
        big_versions=big.version,
        plans=Plan.objects.count(),
    )


def row_count(content: PlanContent) -> int:
    from plans.content import ROW_MODELS

    return sum(len(content.rows(key)) for key in ROW_MODELS) + sum(
        len(phase.tasks) for phase in content.phases
    )


def pages(data: Data) -> list[tuple[str, str, str]]:
    """(label, path, who): who is "alice" (an editor of both plans) or "admin"."""
    return [
        ("/healthz (ceiling)", "/healthz", "anonymous"),
        (f"demo plan page ({data.demo_rows} rows)", f"/plans/{data.demo_id}/", "alice"),
        (f"big plan page ({data.big_rows} rows)", f"/plans/{data.big_id}/", "alice"),
        ("big plan export.md", f"/plans/{data.big_id}/export.md", "alice"),
        (
            f"big plan history ({data.big_versions} versions)",
            f"/plans/{data.big_id}/history/",
            "alice",
        ),
        ("admin change page, demo plan", f"/admin/plans/plan/{data.demo_id}/change/", "admin"),
        ("admin change page, big plan", f"/admin/plans/plan/{data.big_id}/change/", "admin"),
    ]


# --- Measuring ------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    not_ok: int


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run_wrk(url: str, cookie: str, args: argparse.Namespace, script: Path, label: str) -> Result:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s"]
    command += ["--latency", "-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    latency = {
        m["pct"]: _ms(m["value"], m["unit"])
        for m in re.finditer(
            r"^\s+(?P<pct>50|99)(?:\.0+)?%\s+(?P<value>[\d.]+)(?P<unit>us|ms|s|m)\b", output, re.M
        )
    }
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    not_ok = re.search(r"NOT_OK (\d+)", output)
    if not (rate and total and not_ok and "50" in latency and "99" in latency):
        raise RuntimeError(f"Could not read wrk's output:\n{output}")
    return Result(
        label,
        float(rate[1]),
        latency["50"],
        latency["99"],
        int(total[1]),
        int(not_ok[1]),
    )


def measure(data: Data, args: argparse.Namespace) -> tuple[list[Result], dict[int, int]]:
    from server import Session, login, running_gunicorn

    with (
        running_gunicorn(workers=args.workers) as server,
        tempfile.NamedTemporaryFile("w", suffix=".lua") as script,
    ):
        script.write(WRK_SCRIPT)
        script.flush()
        cookies = {
            "anonymous": "",
            "alice": login(server.url, "alice", DEMO_PASSWORD).cookie_header,
            "admin": login(server.url, "admin", ADMIN_PASSWORD).cookie_header,
        }
        results = []
        for label, path, who in pages(data):
            check = Session(server.url)
            if cookies[who]:
                check.cookies.update(dict(c.split("=", 1) for c in cookies[who].split("; ")))
            answer = check.get(path)
            if answer.status != 200:
                sys.exit(f"GET {path} as {who} answered {answer.status}, not 200.")
            results.append(run_wrk(server.url + path, cookies[who], args, Path(script.name), label))
            print(_row(results[-1]), flush=True)
        memory = server.worker_rss_kib()
    return results, memory


def profile(data: Data) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    clients = {"anonymous": Client(), "alice": Client(), "admin": Client()}
    clients["alice"].force_login(users.get(username="alice"))
    clients["admin"].force_login(users.get(username="admin"))
    for label, path, who in pages(data):
        client = clients[who]
        assert client.get(path).status_code == 200, path  # warm caches, as a server would be
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(5):
            client.get(path)
        profiler.disable()
        print(f"\n=== {label}: {(time.perf_counter() - started) / 5 * 1000:.1f} ms per GET ===")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(18)


# --- Report ---------------------------------------------------------------------------------

HEADER = f"{'page':<40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'non-200':>8}"


def _row(result: Result) -> str:
    return (
        f"{result.label:<40} {result.requests_per_s:>9.1f} {result.p50_ms:>8.2f} "
        f"{result.p99_ms:>8.2f} {result.requests:>9} {result.not_ok:>8}"
    )


def verdict(results: list[Result], smoke: bool) -> bool:
    ceiling, demo, big, export, _history, _admin_demo, admin_big = results

    def ratio(a: Result, b: Result) -> float:
        return a.requests_per_s / b.requests_per_s if b.requests_per_s else float("inf")

    checks = [
        ("demo plan page / healthz", ratio(demo, ceiling), 0.15),
        ("big plan page / admin big plan", ratio(big, admin_big), 50.0),
        ("export / big plan page", ratio(export, big), 1.0),
    ]
    ok = True
    print()
    for label, value, target in checks:
        met = value >= target
        ok = ok and met
        print(f"{label:<40} {value:>9.2f}   target ≥ {target:g}   {'met' if met else 'MISSED'}")
    bad = sum(r.not_ok for r in results)
    print(f"{'answers other than 200':<40} {bad:>9}   target 0   {'met' if not bad else 'MISSED'}")
    return bad == 0 if smoke else ok and bad == 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.profile and not shutil.which("wrk"):
        sys.exit("bench/serve.py needs wrk: apt-get install -y wrk")
    started = time.perf_counter()
    fresh_bench_database()
    data = build(args)
    print(
        f"Built in {time.perf_counter() - started:.0f} s: {data.plans} plans; demo plan "
        f"{data.demo_rows} rows; big plan {data.big_rows} rows, {data.big_versions} versions."
    )
    if args.profile:
        profile(data)
        return 0
    print(
        f"gunicorn: {args.workers} sync workers; wrk -t{args.threads} -c{args.connections} "
        f"-d{args.seconds}s per page\n\n{HEADER}"
    )
    results, memory = measure(data, args)
    print(
        "\nworker memory after the run: "
        + ", ".join(f"pid {pid}: {kib / 1024:.0f} MiB" for pid, kib in memory.items())
    )
    return 0 if verdict(results, args.smoke) else 1


if __name__ == "__main__":
    sys.exit(main())
