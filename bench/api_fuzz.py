"""schemathesis against the API: Plansign behind gunicorn (production settings, PostgreSQL),
fuzzed from its own OpenAPI schema as a signed-in token user. Zero 5xx, zero responses that
break the schema (status codes, content types, bodies).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansign_bench_fuzz \\
        .venv/bin/python bench/api_fuzz.py [--max-examples 15] [--max-time 100]

The database is dropped and created (its name must contain "bench"), then holds one team with
an editor (the token's user), a viewer, and plans in every state, some with threads. The exit
status is schemathesis's: 0 when every check passed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, fresh_bench_database

CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    )
)


def build() -> str:
    """The data the fuzzer reads and writes, and the secret of a read and write token."""
    from api.models import ApiToken
    from approvals.services import assign_roles, request_signoff
    from plans.models import Membership, OpenQuestion
    from tests.factories import make_plan, make_team, make_user
    from threads.services import start_thread

    alice, bob = make_user("alice"), make_user("bob")
    make_user("victor")
    team = make_team("Payments", alice="editor", bob="editor", victor="viewer")
    Membership.objects.filter(team=team, user__username="alice").update(role="maintainer")
    for i in range(3):
        plan = make_plan(team, alice, title=f"Plan {i}", rows=3)
        start_thread(plan=plan, user=bob, section_key="risks", body="What about **this**?")
    OpenQuestion.objects.filter(plan=plan).update(resolved=True)
    assign_roles(plan=plan, user=alice, assignments=[("Product Owner", bob)])
    request_signoff(plan=plan, user=alice)
    _, secret = ApiToken.issue(user=alice, name="fuzz", scope=ApiToken.Scope.WRITE)
    return secret


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=15)
    parser.add_argument("--max-time", type=int, default=100, help="seconds for the fuzzing")
    args = parser.parse_args(argv)
    fresh_bench_database()
    secret = build()
    from server import running_gunicorn

    # The fuzzer is one client sending fast: the per-token rate would only answer 429s.
    env = {"API_TOKEN_RATE_PER_MINUTE": "1000000", "CACHE_URL": "locmem://"}
    # Plan 1 exists and alice edits it: the writes get past the 404 to the checks of the body.
    config = Path(tempfile.mkstemp(suffix=".toml")[1])
    config.write_text('[parameters]\n"path.plan_id" = 1\n')
    # gunicorn answers a long request line itself (414, HTML): the fuzzer's long
    # query strings are let through to the app, which is what is tested here.
    extra = ["--limit-request-line", "0"]  # 0: no limit
    with running_gunicorn(workers=2, env=env, extra_args=extra) as server:
        command = [
            str(Path(sys.executable).parent / "st"),
            "--config-file",
            str(config),
            "run",
            f"{server.url}/api/openapi.json",
            "--header",
            f"Authorization: Bearer {secret}",
            "--checks",
            CHECKS,
            "--max-examples",
            str(args.max_examples),
            "--max-time",
            str(args.max_time),
            "--phases",
            "examples,coverage,fuzzing",
            "--request-timeout",
            "10",
            "--workers",
            "2",
            "--no-color",
        ]
        env_st = {**os.environ, "SCHEMATHESIS_HOOKS": ""}
        result = subprocess.run(command, cwd=ROOT, env=env_st, check=False)
        log = server.log_text()
    errors = [line for line in log.splitlines() if "Traceback" in line]
    if errors:
        print(f"\nthe server logged {len(errors)} traceback(s):\n{log[-6000:]}")
        return 1
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
