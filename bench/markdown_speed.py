"""Markdown speed: export of a 1,000-row plan (target < 100 ms), import of a 1 MB real-shaped
plan (target < 500 ms), the preview of it (target < 300 ms), and documents made to be slow to
parse (deep nesting, 20,000 '[', a 100,000-row table…) refused or read within 2 s; measured as
server time (the view, through Django's test client), the pathological ones on the reader.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansign_reader_bench \
        .venv/bin/python bench/markdown_speed.py

Without DATABASE_URL it runs on a new SQLite file (the embedded default). Prints the database,
medians and PASS/FAIL lines.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_bench_database

RUNS = 15


def setup() -> None:
    fresh_bench_database(sqlite=True)
    from django.db import connection

    print(f"on {connection.vendor}: {connection.settings_dict['NAME']}")


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    setup()
    from django.test import Client

    from plans.models import Plan
    from plans.services import create_plan
    from tests.factories import make_content, make_team, make_user

    alice = make_user("alice")
    team = make_team("Bench", alice="editor")
    # 10 row sets x 50 rows + 50 phases x 10 tasks = 1,000 rows.
    content = make_content(title="Thousand rows", rows=50, tasks=10)
    plan = create_plan(team=team, author=alice, content=content)
    client = Client()
    client.force_login(alice)
    url = f"/plans/{plan.pk}/export.md"
    from django.core.cache import caches

    client.get(url)
    export_times, kept_times = [], []
    for _ in range(RUNS):
        caches["template_fragments"].clear()  # written anew, not served from the cache
        start = time.perf_counter()
        response = client.get(url)
        export_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        client.get(url)
        kept_times.append(time.perf_counter() - start)
    document = response.content.decode()
    print(
        f"export of a 1,000-row plan: {len(document):,} bytes, median "
        f"{median_ms(export_times):.1f} ms written, {median_ms(kept_times):.1f} ms once kept"
    )

    from django.core.files.uploadedfile import SimpleUploadedFile

    def time_import(document: str, label: str) -> float:
        times = []
        refused = ""
        for i in range(3):
            data = document.encode()
            upload = SimpleUploadedFile(f"big-{i}.md", data, content_type="text/markdown")
            start = time.perf_counter()
            response = client.post("/plans/import/", {"team": team.pk, "file": upload})
            times.append(time.perf_counter() - start)
            assert response.status_code in (302, 422), response.status_code
            if response.status_code == 422:  # refused, with its reason next to the field
                refused = (
                    "refused: "
                    + response.content.decode()
                    .split("invalid-feedback")[1][:160]
                    .split("</")[0]
                    .split(">")[-1]
                )
        newest = Plan.objects.order_by("-pk").first()
        assert newest is not None
        rows = sum(len(qs) for qs in _rows(newest))
        outcome = refused or f"{rows:,} rows"
        print(
            f"import of {label}: {len(data):,} bytes, {outcome}, median {median_ms(times):.0f} ms"
        )
        return median_ms(times)

    def time_preview(document: str) -> float:
        upload = SimpleUploadedFile("big.md", document.encode(), content_type="text/markdown")
        response = client.post("/plans/import/", {"team": team.pk, "file": upload, "preview": "1"})
        assert response.status_code == 302, response.status_code
        url = response["Location"]
        times = []
        for _ in range(5):
            start = time.perf_counter()
            page = client.get(url)
            times.append(time.perf_counter() - start)
            assert page.status_code == 200
        print(
            f"preview of the 1 MB plan: {len(page.content):,} bytes of HTML, median "
            f"{median_ms(times):.0f} ms"
        )
        return median_ms(times)

    body = document.split("\n## Approval")[0]
    # A: one large plan: the 1,000-row plan plus long prose sections (the realistic case).
    prose = "\n\n".join(
        f"### Design note {i}\n\n" + ("The sync engine batches operations and retries. " * 40)
        for i in range(600)
    )
    large = (body + "\n\n## Appendix\n\n" + prose).encode()[:1_000_000].decode("utf-8", "ignore")
    prose_ms = time_import(large, "one 1 MB plan (1,000 rows and prose)")
    preview_ms = time_preview(large)
    # B: forty plans pasted into one file: tens of thousands of rows (the worst case).
    many = body
    n = 0
    while len(many.encode()) < 990_000:
        n += 1
        many += f"\n\n## Appendix {n}\n\n" + body.split("## Overview", 1)[1][:20_000]
    many = many.encode()[:1_000_000].decode("utf-8", "ignore")
    rows_ms = time_import(many, "1 MB of forty plans pasted together")

    from plans.markdown.reader import ImportError_, parse_plan

    hostile = {
        "20,000 '['": "# P\n\n## Overview\n\n" + "[" * 20_000,
        "2,000 nested '>'": "# P\n\n" + "\n".join(">" * i + " a" for i in range(1, 2_000)),
        "900 nested lists": "# P\n\n" + "\n".join("  " * i + "- a" for i in range(900)),
        "49,000 '>' lines": "# P\n\n" + "> x\n" * 49_000,
        "4,900 headings with lists": "# a\n- b\n" * 4_900,
        "7,900 list items": "# P\n\n## Goals\n\n" + "- x\n" * 7_900,
        "7,900-row table": "# P\n\n## Risks\n\n| Risk | Impact |\n|---|---|\n"
        + "| x | High |\n" * 7_900,
        "100,000-row table": "| a | b |\n|---|---|\n" + "| x | y |\n" * 100_000,
        "30,000 '*a '": "# P\n\n## Overview\n\n" + "*a " * 30_000,
    }
    worst = 0.0
    for label, text in hostile.items():
        start = time.perf_counter()
        try:
            parse_plan(text)
            outcome = "read"
        except ImportError_ as error:
            outcome = f"refused: {error}"
        took = (time.perf_counter() - start) * 1000
        worst = max(worst, took)
        print(f"hostile {label} ({len(text):,} chars): {took:.0f} ms, {outcome}")

    ok = True
    for label, value, target in (
        ("export of 1,000 rows", median_ms(export_times), 100),
        ("import of a 1 MB plan", prose_ms, 500),
        ("preview of a 1 MB plan", preview_ms, 300),
        ("import of 1 MB of forty plans (worst case)", rows_ms, 2000),
        ("slowest hostile document", worst, 2000),
    ):
        verdict = "PASS" if value < target else "FAIL"
        ok &= verdict == "PASS"
        print(f"{verdict}: {label} {value:.1f} ms (target < {target} ms)")
    return 0 if ok else 1


def _rows(plan: Any) -> list[Any]:
    from plans.content import ALL_ROW_MODELS

    return [model._default_manager.filter(plan=plan) for model in ALL_ROW_MODELS]


if __name__ == "__main__":
    sys.exit(main())
