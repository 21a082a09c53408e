"""Hostile input over HTTP: pathological Markdown, repetitive diffs, oversized imports and page
numbers sent to Plansign behind gunicorn (production settings, PostgreSQL); the worst time of
each endpoint, as a table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansign_hostile \\
        .venv/bin/python bench/hostile.py [--size small|full] [--limit 5]

Each Markdown input (runs of "[", "![a", setext lines, quotes…, deep lists and quotes, long
tables, one long line, mixed runs; full size is the form's limit, 100,000 characters) is
previewed, saved into the Overview of a plan of its own, shown on the plan and version pages,
saved again from a stale form (the 409 merge page), exported and imported (in every section
of a document). Pairs of repetitive texts are compared and merged; a Risks section is saved
with the most rows a form takes, each Markdown cell a run of "[a"; imports over the row and
size limits must be refused with a message; absurd page numbers must be clamped or 404.
`--size small` is about a tenth of all sizes (for CI). The exit status is 1 when a request
took longer than `--limit` seconds, answered 5xx, or answered other than expected (a save 302,
a stale save 409, an import over the limits 422…). A 429 from the preview's rate limit is not a
failure: the preview is sent again as another user.

The database is migrated, not dropped: users, team and plans carry a name unique to the run.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
import time
from collections.abc import Collection
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "hostile-bench-" + secrets.token_hex(8)
RUN = secrets.token_hex(3)  # names users, team and plans of this run

# Runs of one pattern up to the field's limit. The first line is the review's list; the others
# were measured super-linear with markdown.markdown(text, extensions=[fenced_code, tables,
# sane_lists, smarty]) in Python-Markdown 3.11 (seconds at 8,000 → 64,000 characters, e.g.
# "- a\n" 0.2 → 6.8, "# a\n" 0.35 → 19, "<a " 0.9 → 18 at 32,000, "[a][" 4.6 at 8,000).
RUNS = ["[a", "![a", "a\n=\n", "* * *\n", '"', "*", "_", "`", "<", "&", "|"]
RUNS += ["- a\n", "# a\n", "a\n-\n", "*a* ", "*a", "**a", "`a", "<a", "<a ", "'", "\\"]
RUNS += ["[](", "[a](", "[a][", "|\n", "a|b\n-|-\n", "<http://", "<a@", "- > ", "> - ", "*_"]
RUNS += ["😀", "e\u0301"]  # four UTF-8 bytes a character; a combining accent
# Pairs of repetitive texts whose word diff (difflib, autojunk off) grows fast: "a / b" took
# 128 s at 2,000 characters, "a b / b a" 50 s at 20,000.
DIFFS = {
    "a b / b a": ("a b ", "b a "),
    "a / b": ("a ", "b "),
    "x_ / _x": ("x ", " x"),
    "a\\nb / b\\na": ("a\nb\n", "b\na\n"),
    "., / ,.": (".,", ",."),
    "a b c / c b a": ("a b c ", "c b a "),
    "list / shifted list": ("- a\n", "- b\n- a\n"),
}


def fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def markdown_inputs(scale: float, limit: int) -> dict[str, str]:
    n, depth = int(limit * scale), int(1000 * scale)
    inputs = {f"{int(20_000 * scale):,} '['": "[" * int(20_000 * scale)}
    inputs |= {f"run of {unit!r}": fill(unit, n) for unit in RUNS}
    inputs |= {
        f"'- ' * {depth} + 'x'": "- " * depth + "x",
        f"'> ' * {depth} + 'x'": "> " * depth + "x",
        f"'1. ' * {depth}": "1. " * depth,
        "'- ' to the limit": fill("- ", n - 1) + "x",
        "'[' then ']' halves": "[" * (n // 10) + "]" * (n // 10),
        "'(' then '[' halves": "(" * (n // 4) + "[" * (n // 4),
        f"table of {depth} rows": "|a|b|\n|-|-|\n" + "|a|b|\n" * depth,
        "table to the limit": "|a|b|\n|-|-|\n" + fill("|a|b|\n", n - 12),
        "one line, no space": "x" * n,
        "one line of words": fill("word ", n),
        "mixed runs": "".join(fill(u, n // len(RUNS)) for u in RUNS),
        "alternating patterns": fill("".join(RUNS), n),
    }
    return inputs


# --- HTTP ---------------------------------------------------------------------------------


class FormReader(HTMLParser):
    """The fields of each <form> of a page, as a browser would post them unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({})
        elif self.forms and tag == "input" and a.get("name"):
            if a.get("type") not in ("submit", "button", "checkbox", "radio") or "checked" in a:
                self.forms[-1][a["name"]] = a.get("value", "")
        elif self.forms and tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            self.forms[-1][self.textarea] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea:  # a browser drops the newline right after <textarea>
            value = self.forms[-1][self.textarea]
            self.forms[-1][self.textarea] = value + (data if value else data.removeprefix("\n"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None


def edit_form(html: str) -> dict[str, str]:
    reader = FormReader()
    reader.feed(html)
    return next(f for f in reader.forms if "edit-version" in f)


@dataclass
class Result:
    endpoint: str
    label: str
    seconds: float
    status: int  # 0: no answer (gunicorn killed the worker, or the connection timed out)
    ok: bool


class Bench:
    def __init__(self, url: str, limit: float, team: int) -> None:
        from server import login

        self.url, self.limit, self.team = url, limit, team
        self.results: list[Result] = []
        self.users = iter(range(1, 10_000))
        self.main = login(url, f"hostile-{RUN}-0", PASSWORD)
        self.previewer = login(url, f"hostile-{RUN}-{next(self.users)}", PASSWORD)

    def call(self, endpoint: str, label: str, expected: Collection[int], send: Any) -> Any:
        started = time.perf_counter()
        try:
            answer = send()
            status = answer.status
        except OSError:
            answer, status = None, 0
        seconds = time.perf_counter() - started
        ok = status in expected and seconds <= self.limit
        self.results.append(Result(endpoint, label, seconds, status, ok))
        if not ok:
            print(f"  FAILED {endpoint} {label}: {status} in {seconds:.2f} s", flush=True)
        return answer

    def get(self, endpoint: str, label: str, path: str, expected: Collection[int] = (200,)) -> Any:
        return self.call(endpoint, label, expected, lambda: self.main.get(path))

    def preview(self, label: str, text: str) -> None:
        from server import login

        path = "/plans/preview/?field=overview"
        for _ in range(5):  # past the rate limit, sign in the next user and send it again
            answer = self.call(
                "preview", label, {200, 429}, lambda: self.previewer.post(path, {"overview": text})
            )
            if answer is None or answer.status != 429:
                return
            self.results.pop()  # a 429 measures the limit, not the rendering
            self.previewer = login(self.url, f"hostile-{RUN}-{next(self.users)}", PASSWORD)

    def save(self, label: str, plan: int, key: str, change: dict, form: Any = None) -> Any:
        """Post the section's edit form changed: as opened now, or `form` opened earlier (a
        stale form, which must meet the 409 conflict page). Returns the form as opened."""
        from plans.models import Plan

        path = f"/plans/{plan}/sections/{key}/edit/"
        if form is None:
            page = self.get("edit form", label, path)
            form = edit_form(page.text) if page and page.status == 200 else {}
        stale = form.get("edit-version") != str(Plan.objects.get(pk=plan).version)
        data = form | change
        send = lambda: self.main.post(path, data)  # noqa: E731
        self.call("stale save (409)" if stale else "save", label, (409 if stale else 302,), send)
        return form

    def upload(self, label: str, document: str, expected: Collection[int]) -> Any:
        boundary = secrets.token_hex(16)
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="team"\r\n\r\n{self.team}\r\n'
        head += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="h.md"\r\n'
        body = (head + "Content-Type: text/markdown\r\n\r\n").encode()
        body += document.encode() + f"\r\n--{boundary}--\r\n".encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-CSRFToken": self.main.csrf_token,
            "Origin": self.url,
        }
        answer = self.call(
            "import",
            label,
            expected,
            lambda: self.main.request("POST", "/plans/import/", body, headers),
        )
        said = ("invalid-feedback", "alert-danger")  # a field's error, or the form's
        if answer is not None and answer.status == 422 and not any(s in answer.text for s in said):
            self.results[-1].ok = False  # refused, but without saying why
            print(f"  FAILED import {label}: 422 without an error message", flush=True)
        return answer


# --- The corpus through every endpoint ----------------------------------------------------


def new_plan(bench: Bench, title: str) -> int:
    from django.contrib.auth.models import User

    from plans.content import PlanContent
    from plans.models import Plan, Team
    from plans.services import create_plan

    team, author = Team.objects.get(pk=bench.team), User.objects.get(username=f"hostile-{RUN}-0")
    plan = create_plan(team=team, author=author, content=PlanContent(plan=Plan(title=title[:200])))
    return int(plan.pk)


def document(text: str, budget: int = 950_000) -> str:
    """A plan document with `text` under every heading of the template, under 1 MB in all."""
    from plans.sections import SECTIONS

    share = budget // (len(SECTIONS) + 1)
    cut = text.encode()[:share].decode(errors="ignore")
    body = [f"# Implementation Plan: Hostile {RUN}", "", cut]
    for s in SECTIONS:
        body += ["", "#" * s.level + " " + s.title, "", cut]
    return "\n".join(body) + "\n"


def markdown_through_everything(bench: Bench, label: str, text: str) -> None:
    plan = new_plan(bench, f"Hostile {RUN}: {label}")
    form = bench.save(label, plan, "overview", {"overview": text})
    bench.get("plan page", label, f"/plans/{plan}/")
    bench.get("version page", label, f"/plans/{plan}/versions/2/")
    mine = text[:-6] + "\n\nmine"  # as long as the text: the limit must not refuse it first
    bench.save(label, plan, "overview", {"overview": mine}, form)  # from version 1
    bench.get("export", label, f"/plans/{plan}/export.md")
    bench.preview(label, text)
    imported = bench.upload(label, document(text), {302, 422})
    if imported is not None and imported.status == 302:
        bench.get("import report", label, imported.location)
        bench.get(
            "plan page", f"imported {label}", re.sub(r"import-report/$", "", imported.location)
        )


def diff_through_compare(bench: Bench, label: str, old: str, new: str) -> None:
    plan = new_plan(bench, f"Hostile {RUN}: {label}")
    bench.save(label, plan, "overview", {"overview": old})
    form = bench.save(label, plan, "overview", {"overview": new})
    bench.get("compare", label, f"/plans/{plan}/compare/?from=2&to=3")
    bench.save(label, plan, "overview", {"overview": old + " mine"}, form)  # from version 2


def rows_through_everything(bench: Bench, rows: int) -> None:
    """The Risks section full of rows, each of its two Markdown cells a run of "[a" as long
    as the cell takes: every cell is a Markdown text of its own on the page."""
    from plans.models import Risk

    label = f"{rows} risks of '[a' runs"
    plan = new_plan(bench, f"Hostile {RUN}: {label}")
    change = {"risks-TOTAL_FORMS": str(rows)}
    for i in range(rows):
        cells = {"impact": "high", "likelihood": "low", "ORDER": str(i + 1)}
        for name in ("risk", "mitigation"):
            length = getattr(Risk._meta.get_field(name), "max_length", 0)
            cells[name] = fill("[a", length - 6) + f" {i}"
        change |= {f"risks-{i}-{name}": value for name, value in cells.items()}
    bench.save(label, plan, "risks", change)
    bench.get("plan page", label, f"/plans/{plan}/")
    bench.get("version page", label, f"/plans/{plan}/versions/2/")
    bench.get("compare", label, f"/plans/{plan}/compare/?from=1&to=2")
    bench.get("export", label, f"/plans/{plan}/export.md")


def limits(bench: Bench, max_rows: int, scale: float) -> None:
    def table(n: int) -> str:
        lines = "".join(f"| Person {i} | Dev |\n" for i in range(n))
        return f"# Plan: Big {RUN}\n\n### Team\n\n| Name | Role |\n|---|---|\n{lines}"

    bench.upload(f"table of {max_rows + 1} rows", table(max_rows + 1), {422})
    bench.upload(f"table of {int(250_000 * scale):,} rows", table(int(250_000 * scale)), {422})
    goals = "".join(f"- Goal {i}\n" for i in range(max_rows + 1))
    bench.upload(
        f"{max_rows + 1} goals", f"# Plan: Goals {RUN}\n\n### Primary Goals\n\n{goals}", {422}
    )
    plan, huge = new_plan(bench, f"Hostile {RUN}: pages"), "1" + "0" * 30
    for path, expected in [
        (f"/plans/?page={huge}", {200}),
        ("/plans/?page=-7", {200}),
        (f"/plans/?page={'9' * 4000}", {200}),  # under gunicorn's 4094-byte line
        (f"/plans/{plan}/history/?page={huge}", {200}),
        (f"/plans/activity/?page={huge}", {200}),
        (f"/plans/{plan}/versions/{huge}/", {404}),
        (f"/plans/{plan}/compare/?from={huge}&to=1", {404}),
        (f"/plans/{plan}/export.md?version={huge}", {404}),
    ]:
        bench.get("page numbers", re.sub(r"/plans/\d+/", "/plans/<id>/", path)[:50], path, expected)


# --- Setup and report ---------------------------------------------------------------------


def set_up_database() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is migrated, not dropped).")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def create_people(users: int) -> int:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    from plans.models import Membership, Team

    team = Team.objects.create(name=f"Hostile {RUN}")
    hashed = make_password(PASSWORD)  # one hash for all: hashing is slow on purpose
    for n in range(users):
        user = User.objects.create(username=f"hostile-{RUN}-{n}", password=hashed)
        Membership.objects.create(team=team, user=user, role=Membership.Role.EDITOR)
    return int(team.pk)


def report(results: list[Result]) -> bool:
    print(f"\n{'endpoint':<18} {'requests':>8} {'worst s':>8} {'status':>6}  worst input")
    for endpoint in dict.fromkeys(r.endpoint for r in results):
        mine = [r for r in results if r.endpoint == endpoint]
        worst = max(mine, key=lambda r: r.seconds)
        print(
            f"{endpoint:<18} {len(mine):>8} {worst.seconds:>8.2f} {worst.status:>6}  {worst.label}"
        )
    failed = [r for r in results if not r.ok]
    print(f"\n{len(results)} requests, {len(failed)} failed")
    for r in failed:
        print(f"  {r.endpoint}: {r.label}: {r.status or 'no answer'} in {r.seconds:.2f} s")
    return not failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["small", "full"], default="full")
    parser.add_argument("--limit", type=float, default=5.0, help="slowest answer allowed, s")
    args = parser.parse_args(argv)
    scale = 0.1 if args.size == "small" else 1.0
    set_up_database()
    from server import running_gunicorn

    from plans.forms import MARKDOWN_MAX_CHARS
    from plans.sections import MAX_ROWS  # the row limit of the forms and the importer

    inputs = markdown_inputs(scale, MARKDOWN_MAX_CHARS)
    team = create_people(100)
    print(f"{args.size}: {len(inputs)} Markdown inputs, {len(DIFFS)} diffs; limit {args.limit} s")
    with running_gunicorn(workers=2) as server:
        bench = Bench(server.url, args.limit, team)
        for label, text in inputs.items():
            print(f"{label} ({len(text):,} characters)", flush=True)
            markdown_through_everything(bench, label, text)
        for label, (a, b) in DIFFS.items():
            print(f"diff {label}", flush=True)
            size = int(20_000 * scale)
            diff_through_compare(bench, label, fill(a, size), fill(b, size))
        rows_through_everything(bench, max(1, int(MAX_ROWS * scale)))
        limits(bench, MAX_ROWS, scale)
        errors = re.findall(r"^.*(?:\w+Error\b|WORKER TIMEOUT).*$", server.log_text(), re.M)
    if errors:
        print("\nserver log errors:\n  " + "\n  ".join(sorted(set(errors))[:20]))
    return 0 if report(bench.results) else 1


if __name__ == "__main__":
    sys.exit(main())
