"""Concurrent writers: editors saving sections of one plan at the same time, through gunicorn.

Builds a realistic plan edited by a team of editors, serves it with gunicorn (DEBUG off), and runs
--clients threads for --seconds, each signed in as its own editor, each repeating what a person in
a browser does: open a section's edit form, change it, save. Even clients edit the Overview (a
Markdown field), odd ones the Risks (rows: a reworded mitigation, a new impact, now and then two
rows swapped or a row added). Clients alternate between the htmx form (the answer to a save is the
section, "Saved as version N.") and the plain form without JavaScript (302 to the plan, whose page
then says "saved as version N."; that page is part of the save's time). A 409 answer carries the
form merged with the newer version; the client changes it again and saves it, as the page asks a
person to. Clients never remove rows: a form still holding a row someone else removed is refused
with 422 ("no longer belongs to the plan"), not 409, so removals would fail the checks by design.

Then it checks what the product promises: every accepted save is exactly one version (the
versions are the accepted saves plus the first, numbered without gaps, each by the right author,
for the right section, with one historical plan record); every other answer was a 409; no 5xx
and no other error; at every version both sections read as the last save accepted before it,
and the plan now reads as the last accepted save of each section: nothing was lost.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plansign_bench_writers \\
        .venv/bin/python bench/concurrent_writers.py [--clients 8] [--seconds 20] [--workers 2]

The database named in DATABASE_URL is dropped and created again on every run, so its name must
contain "bench". Only PostgreSQL is supported. The exit status is 1 when a check fails.
tests/plans/test_concurrent_writers.py runs the same clients and checks in-process.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_bench_database
from server import login, running_gunicorn

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from plans.content import PlanContent
    from plans.models import Plan

TEXT_SECTION = "overview"
ROW_SECTION = "risks"
RISK_FIELDS = ("risk", "impact", "likelihood", "mitigation")
LEVELS = ("high", "medium", "low")
MAX_RISKS = 10  # clients add risks until the plan has this many
HTMX = {"HX-Request": "true"}

ACCEPTED, CONFLICT, SERVER_ERROR, OTHER, OK = "accepted", "409", "5xx", "other", "ok"

# A section as comparable values: Overview is ((title, overview),), Risks one tuple per row.
Snapshot = tuple[tuple[str, ...], ...]


# --- What a client sees and sends ---------------------------------------------------------


class Page(Protocol):
    @property
    def status(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def location(self) -> str: ...


class Browser(Protocol):
    """A signed-in client: server.Session over HTTP, or Django's test Client in the test."""

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Page: ...
    def post(
        self, path: str, data: Mapping[str, str], headers: Mapping[str, str] | None = None
    ) -> Page: ...


class SectionFormParser(HTMLParser):
    """The fields a browser would submit from a page's section form (the first one)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self.found = False
        self._inside = False
        self._templates = 0  # <template> holds the blank row the script clones: not submitted
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "template":
            self._templates += 1
        if self._templates:
            return
        if tag == "form" and not self.found and "section-form" in (attr.get("class") or ""):
            self.found = self._inside = True
        if not self._inside:
            return
        name = attr.get("name")
        if tag == "input" and name and "disabled" not in attr:
            kind = (attr.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in attr:
                    self.fields[name] = attr.get("value") or "on"
            elif kind not in {"submit", "button", "image", "reset", "file"}:
                self.fields[name] = attr.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((attr.get("value") or "", "selected" in attr))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._templates = max(0, self._templates - 1)
        elif self._templates:
            return
        elif tag == "form":
            self._inside = False
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            # As in a browser, a newline right after <textarea> is not part of the value.
            self.fields[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _ in self._options[:1]
            ]
            if chosen:
                self.fields[self._select] = chosen[0]
            self._select = None


def section_form(html: str) -> dict[str, str]:
    parser = SectionFormParser()
    parser.feed(html)
    parser.close()
    if not parser.found:
        raise ValueError("the page has no section form")
    return parser.fields


def risk_rows(data: Mapping[str, str]) -> list[dict[str, str]]:
    """The Risks formset's rows as posted, each a dict without the "risks-N-" prefix."""
    total = int(data["risks-TOTAL_FORMS"])
    prefix = "risks-{}-"
    return [
        {k[len(prefix.format(i)) :]: v for k, v in data.items() if k.startswith(prefix.format(i))}
        for i in range(total)
    ]


def posted_snapshot(section: str, data: Mapping[str, str]) -> Snapshot:
    """What a save of this form must leave in the section, computed from the form alone.

    Django strips one-line fields, not Markdown ones; the formset drops removed rows and keeps the
    others in the order of their Position (then in form order).
    """
    if section == TEXT_SECTION:
        return ((data["title"].strip(), data["overview"]),)
    kept = [
        (int(row["ORDER"]) if row.get("ORDER") else sys.maxsize, index, row)
        for index, row in enumerate(risk_rows(data))
        if "DELETE" not in row and (row.get("id") or row.get("risk", "").strip())
    ]
    return tuple(tuple(row.get(f, "").strip() for f in RISK_FIELDS) for _, _, row in sorted(kept))


def change(section: str, data: dict[str, str], *, username: str, number: int) -> None:
    """Edit the form as a person would, differently on every save (so it is never unchanged)."""
    data["edit-summary"] = f"{username} save {number}" if number % 3 == 0 else ""
    if section == TEXT_SECTION:
        data["overview"] = (
            f"Let people **edit offline** — written by {username}, save {number}.\n\n"
            "Edits made without a connection are queued on the device and synced later."
        )
        return
    rows = risk_rows(data)
    target = number % len(rows)
    data[f"risks-{target}-mitigation"] = f"Mitigation by {username}, save {number}."
    data[f"risks-{target}-impact"] = LEVELS[number % len(LEVELS)]
    if number % 5 == 0 and len(rows) > 1:  # swap two rows
        other = (target + 1) % len(rows)
        mine, theirs = f"risks-{target}-ORDER", f"risks-{other}-ORDER"
        data[mine], data[theirs] = data.get(theirs, ""), data.get(mine, "")
    if number % 7 == 0 and len(rows) < MAX_RISKS:  # add a risk at the end
        new = len(rows)
        data["risks-TOTAL_FORMS"] = str(new + 1)
        data.update(
            {
                f"risks-{new}-id": "",
                f"risks-{new}-risk": f"Risk added by {username}, save {number}",
                f"risks-{new}-impact": "low",
                f"risks-{new}-likelihood": "medium",
                f"risks-{new}-mitigation": "",
                f"risks-{new}-ORDER": str(
                    max((int(r["ORDER"]) for r in rows if r.get("ORDER")), default=0) + 1
                ),
            }
        )


# --- The clients --------------------------------------------------------------------------


@dataclass
class Answer:
    """One request of a client and what came of it."""

    client: int
    username: str
    section: str
    method: str
    status: int  # 0: no answer at all (the connection failed, or the client raised)
    outcome: str  # ACCEPTED, CONFLICT, SERVER_ERROR, OTHER (any other answer), OK (a good GET)
    seconds: float
    version: int | None = None  # the version an accepted save became
    posted: Snapshot | None = None  # what an accepted save must have written
    detail: str = ""


@dataclass
class Run:
    clients: int
    seconds: float  # measured: from the start signal until the last client stopped
    answers: list[Answer] = field(default_factory=list)

    def saves(self, outcome: str | None = None) -> list[Answer]:
        posts = [a for a in self.answers if a.method == "POST"]
        return posts if outcome is None else [a for a in posts if a.outcome == outcome]

    def count(self, outcome: str) -> int:
        return sum(a.outcome == outcome for a in self.answers)


_SAVED = re.compile(r"[Ss]aved as version (\d+)\.")


def edit_path(plan_id: int, section: str) -> str:
    return f"/plans/{plan_id}/sections/{section}/edit/"


def _path_of(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _outcome(status: int) -> str:
    if status >= 500:
        return SERVER_ERROR
    return OTHER


def edit_repeatedly(
    browser: Browser,
    *,
    client: int,
    username: str,
    plan_id: int,
    section: str,
    htmx: bool,
    until: Callable[[], bool],
) -> list[Answer]:
    """Open, change and save one section until `until()` says stop; every answer, in order."""
    answers: list[Answer] = []
    headers = HTMX if htmx else {}
    path = edit_path(plan_id, section)
    form: dict[str, str] | None = None
    number = 0

    def note(
        method: str,
        status: int,
        outcome: str,
        started: float,
        *,
        version: int | None = None,
        posted: Snapshot | None = None,
        detail: str = "",
    ) -> None:
        seconds = time.perf_counter() - started
        answers.append(
            Answer(
                client, username, section, method, status, outcome, seconds, version, posted, detail
            )
        )

    while not until():
        started = time.perf_counter()
        method, status = "GET", 0
        try:
            if form is None:
                page = browser.get(path, headers)
                status = page.status
                if status != 200:
                    note(method, status, _outcome(status), started, detail=page.text[:300])
                    continue
                form = section_form(page.text)
                note(method, status, OK, started)
                started = time.perf_counter()
            number += 1
            data = dict(form)
            change(section, data, username=username, number=number)
            method, status = "POST", 0
            page = browser.post(path, data, headers)
            status = page.status
            saved = _SAVED.search(page.text) if htmx and status == 200 else None
            if not htmx and status == 302:  # no JavaScript: the plan page says what happened
                plan_page = browser.get(_path_of(page.location))
                saved = _SAVED.search(plan_page.text) if plan_page.status == 200 else None
                if not saved:
                    note(
                        method,
                        status,
                        OTHER,
                        started,
                        detail=f"redirected to {page.location}, "
                        f"HTTP {plan_page.status}, no 'saved as version N.'",
                    )
                    form = None
                    continue
            if saved:
                version = int(saved.group(1))
                posted = posted_snapshot(section, data)
                note(method, status, ACCEPTED, started, version=version, posted=posted)
                form = None
            elif status == 409:
                note(method, status, CONFLICT, started)
                form = section_form(page.text)  # theirs with our change on top: change, save
            else:
                note(method, status, _outcome(status), started, detail=page.text[:300])
                form = None
        except Exception as error:  # a failed connection, an unreadable page: all reported
            note(method, status, OTHER, started, detail=repr(error))
            form = None
    return answers


def run_writers(
    open_browser: Callable[[int], Browser],
    *,
    plan_id: int,
    usernames: list[str],
    seconds: float,
    thread_done: Callable[[], None] | None = None,
) -> Run:
    """One thread per username: client i signs in (`open_browser(i)`), all start together, and
    each edits for `seconds`: even clients the Overview, odd ones the Risks; clients 0, 1, 4, 5…
    with htmx, 2, 3, 6, 7… without JavaScript."""
    clients = len(usernames)
    clock: dict[str, float] = {}

    def start() -> None:
        clock["start"] = time.monotonic()
        clock["stop"] = clock["start"] + seconds

    barrier = threading.Barrier(clients, action=start, timeout=600)
    results: list[list[Answer]] = [[] for _ in usernames]

    def work(i: int) -> None:
        section = TEXT_SECTION if i % 2 == 0 else ROW_SECTION
        try:
            try:
                browser = open_browser(i)
            except Exception as error:
                results[i] = [
                    Answer(i, usernames[i], section, "LOGIN", 0, OTHER, 0, None, None, repr(error))
                ]
                barrier.abort()
                return
            barrier.wait()
            results[i] = edit_repeatedly(
                browser,
                client=i,
                username=usernames[i],
                plan_id=plan_id,
                section=section,
                htmx=(i // 2) % 2 == 0,
                until=lambda: time.monotonic() >= clock["stop"],
            )
        except threading.BrokenBarrierError:
            pass  # another client could not sign in: its answer says why
        finally:
            if thread_done is not None:
                thread_done()

    threads = [threading.Thread(target=work, args=(i,), name=f"writer-{i}") for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - clock["start"] if "start" in clock else 0.0
    return Run(clients, elapsed, [a for answers in results for a in answers])


# --- Building the plan, checking the outcome ----------------------------------------------


def build_plan(editors: int, *, password: str | None) -> tuple[Plan, list[User]]:
    """A team of `editors` editors (editor-1…) and a plan of six rows per section, version 1.

    Every editor gets `password` (hashed once: hashing is slow on purpose); None leaves them
    without a usable password, for clients that sign in with force_login.
    """
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    from plans.services import create_plan
    from tests.factories import make_content, make_team

    hashed = make_password(password)
    users = [
        User.objects.create(
            username=f"editor-{i}", email=f"editor-{i}@example.com", password=hashed
        )
        for i in range(1, editors + 1)
    ]
    team = make_team("Field apps", **{u.username: "editor" for u in users})
    content = make_content(
        "Offline Sync",
        rows=6,
        tasks=3,
        overview="Let people **edit offline**.\n\nEdits are queued on the device and synced.",
    )
    plan = create_plan(team=team, author=users[0], content=content)
    return plan, users


def section_snapshot(content: PlanContent, section: str) -> Snapshot:
    if section == TEXT_SECTION:
        return ((content.plan.title, content.plan.overview),)
    return tuple(tuple(str(getattr(r, f)) for f in RISK_FIELDS) for r in content.risks)


def _listed(items: list) -> str:
    return f" (wrong: {', '.join(str(i) for i in items[:5])}…)" if items else ""


@dataclass
class Check:
    ok: bool
    text: str


def check(run: Run, plan_id: int) -> list[Check]:
    """The invariants of concurrent editing, each as a Check (see the module's docstring)."""
    from plans.content import PlanContent
    from plans.models import Plan, PlanVersion
    from plans.versions import content_at

    checks: list[Check] = []

    def expect(ok: bool, text: str) -> None:
        checks.append(Check(bool(ok), text))

    accepted = sorted(run.saves(ACCEPTED), key=lambda a: a.version or 0)
    failed = [a for a in run.answers if a.outcome in (SERVER_ERROR, OTHER)]
    expect(
        not [a for a in failed if a.outcome == SERVER_ERROR],
        f"no 5xx answer ({run.count(SERVER_ERROR)})",
    )
    expect(
        not [a for a in failed if a.outcome == OTHER],
        f"no other error: every save accepted or refused with 409 ({run.count(OTHER)} other)",
    )
    for answer in failed[:5]:
        print(
            f"  client {answer.client} {answer.method} {answer.section}: "
            f"HTTP {answer.status} {answer.detail[:200]!r}"
        )

    plan = Plan.objects.get(pk=plan_id)
    versions = list(
        PlanVersion.objects.filter(plan=plan).select_related("author").order_by("number")
    )
    numbers = [v.number for v in versions]
    expect(
        len(versions) == len(accepted) + 1,
        f"versions in history = accepted saves + 1 ({len(versions)} = {len(accepted)} + 1)",
    )
    expect(
        numbers == list(range(1, len(versions) + 1)) and plan.version == len(versions),
        f"versions numbered 1…{len(versions)} without gaps; the plan is at v{plan.version}",
    )
    reported = [a.version for a in accepted]
    expect(
        reported == list(range(2, len(accepted) + 2)),
        "every accepted save reported its own version, none twice",
    )
    written = {
        v.number: (v.author.username if v.author else "", v.changed_sections) for v in versions
    }
    mismatched = [
        a.version for a in accepted if written.get(a.version or 0) != (a.username, [a.section])
    ]
    expect(
        not mismatched,
        "each version by its save's editor, for its section" + _listed(mismatched),
    )
    records = Counter(Plan.history.filter(id=plan_id).values_list("plan_version", flat=True))
    expect(
        all(records[n] == 1 for n in numbers) and set(records) <= set(numbers),
        f"one historical plan record per version ({sum(records.values())} records)",
    )

    # Replay: at every version, both sections read as the last save accepted up to it.
    first = content_at(plan, 1)
    state = {s: section_snapshot(first, s) for s in (TEXT_SECTION, ROW_SECTION)}
    lost = []
    for answer in accepted:
        assert answer.version is not None and answer.posted is not None
        state[answer.section] = answer.posted
        at = content_at(plan, answer.version)
        for key, wanted in state.items():
            if section_snapshot(at, key) != wanted:
                lost.append(f"v{answer.version} {key}")
    expect(not lost, "at every version, each section as its last accepted save" + _listed(lost))
    now = PlanContent.from_plan(plan)
    expect(
        all(section_snapshot(now, key) == wanted for key, wanted in state.items()),
        "the plan now reads as the last accepted save of each section: nothing lost",
    )
    return checks


# --- The benchmark ------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="editing threads (≥ 2)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long they edit")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    args = parser.parse_args(argv)
    if args.clients < 2 or args.seconds <= 0 or args.workers < 1:
        parser.error("--clients must be at least 2, --seconds and --workers positive")
    return args


def _ms(answers: list[Answer], quantile: float) -> str:
    times = sorted(a.seconds * 1000 for a in answers)
    if not times:
        return "-"
    return f"{times[min(len(times) - 1, int(quantile * len(times)))]:.0f}"


def report(run: Run, versions: int) -> None:
    saves = run.saves()
    seconds = run.seconds or float("inf")  # no run at all if the clients could not sign in
    print(
        f"{'clients':>7} {'seconds':>7} {'saves':>6} {'accepted':>8} {'409':>5} {'5xx':>4} "
        f"{'other':>5} {'versions':>8} {'saves/s':>7} {'attempts/s':>10}"
    )
    print(
        f"{run.clients:>7} {run.seconds:>7.1f} {len(saves):>6} {run.count(ACCEPTED):>8} "
        f"{run.count(CONFLICT):>5} {run.count(SERVER_ERROR):>4} {run.count(OTHER):>5} "
        f"{versions:>8} {run.count(ACCEPTED) / seconds:>7.1f} "
        f"{len(saves) / seconds:>10.1f}"
    )
    print()
    print(
        f"{'section':<10} {'form':<6} {'saves':>6} {'accepted':>8} {'409':>5} "
        f"{'save ms p50':>11} {'p95':>6} {'GET ms p50':>10}"
    )
    for section in (TEXT_SECTION, ROW_SECTION):
        for htmx in (True, False):
            mine = [
                a
                for a in run.answers
                if a.section == section and ((a.client // 2) % 2 == 0) == htmx
            ]
            posts = [a for a in mine if a.method == "POST"]
            gets = [a for a in mine if a.method == "GET" and a.outcome == OK]
            print(
                f"{section:<10} {'htmx' if htmx else 'plain':<6} {len(posts):>6} "
                f"{sum(a.outcome == ACCEPTED for a in posts):>8} "
                f"{sum(a.outcome == CONFLICT for a in posts):>5} {_ms(posts, 0.5):>11} "
                f"{_ms(posts, 0.95):>6} {_ms(gets, 0.5):>10}"
            )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    fresh_bench_database()
    from django.db import connection

    from tests.factories import PASSWORD

    plan, users = build_plan(args.clients, password=PASSWORD)
    usernames = [u.username for u in users]
    connection.close()  # gunicorn's workers do the writing from now on
    print(
        f"Database {connection.settings_dict['NAME']} ready, plan {plan.pk} v1 with "
        f"{len(usernames)} editors ({time.perf_counter() - started:.1f} s)"
    )
    with running_gunicorn(workers=args.workers) as server:
        print(f"gunicorn at {server.url}, workers {server.worker_pids()}")
        run = run_writers(
            lambda i: login(server.url, usernames[i], PASSWORD),
            plan_id=plan.pk,
            usernames=usernames,
            seconds=args.seconds,
        )
        rss = server.worker_rss_kib()
        log = server.log_text()
    tracebacks = log.count("Traceback")

    from plans.models import PlanVersion

    versions = PlanVersion.objects.filter(plan=plan).count()
    print()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"gunicorn {args.workers} sync workers (RSS at the end: "
        + ", ".join(f"{kib / 1024:.0f} MiB" for kib in rss.values())
        + f"), {os.cpu_count()} CPUs, load average {load}"
    )
    report(run, versions)
    print()
    checks = check(run, plan.pk)
    checks.append(Check(tracebacks == 0, f"no traceback in the server's log ({tracebacks})"))
    checks.append(Check(run.count(ACCEPTED) > 0, "some saves were accepted"))
    for item in checks:
        print(f"{'PASS' if item.ok else 'FAIL'}: {item.text}")
    if tracebacks:
        start = log.find("Traceback")
        print("\nFirst traceback in the server's log:\n" + log[max(0, start - 300) : start + 4000])
    connection.close()
    return 0 if all(c.ok for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
