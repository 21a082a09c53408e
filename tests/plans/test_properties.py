"""Hostile input: generated values posted to every form and to the importer (hypothesis).

Every property has the same shape: the answer is never a 5xx, and the database either did not
change at all or changed by exactly what one accepted post means (one new version, one new plan,
one sign-off). The views say "refused" with 422 (invalid form) or 409 (edit conflict), "saved"
with a redirect or, for htmx, 200. All examples of a test share the test's database transaction,
so each example runs in a savepoint rolled back at its end: each starts from the fixtures' state.

Each bug found here has a test of its own with the shortest failing input as an explicit
example: a regression test once fixed, an xfail(strict) test while it is not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.http import QueryDict
from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, note, settings
from hypothesis import strategies as st

from approvals.models import Signoff, SignoffRole
from approvals.services import assign_roles, ensure_roles, request_signoff
from plans.content import ALL_ROW_MODELS, PLAN_FIELDS, ROW_MODELS, PhaseContent, PlanContent
from plans.forms import SectionForm
from plans.models import OpenQuestion, Phase, Plan, PlanRow, PlanVersion, Task
from plans.sections import SECTIONS, SECTIONS_BY_KEY, Section
from plans.services import own_fields, save_section
from plans.versions import content_at
from tests.conftest import client_for
from tests.factories import PASSWORD, make_plan, make_team, sign_as
from tests.fixtures import TEMPLATE
from tests.plans.editing import edit_url, form_data
from tests.plans.test_markdown_import import words

HTMX = {"HTTP_HX_REQUEST": "true"}
# The example database is off: a run writes nothing into the tree, and every run explores anew.
HOSTILE: dict[str, Any] = {
    "deadline": None,
    "database": None,
    "print_blob": True,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
EDIT_FORM_KEYS = [s.key for s in SECTIONS if s.editable and (s.fields or s.rows)]


# Fixtures --------------------------------------------------------------------------------


@pytest.fixture
def target(team, alice):
    """The plan the section forms edit: two rows in every row set, two tasks per phase."""
    return make_plan(team, alice, title="Hostile", rows=2, tasks=2)


@pytest.fixture
def viewer_team(alice):
    """A team alice only reads: she may create and import nothing in it."""
    return make_team("Audit", alice="viewer")


@contextmanager
def isolated(*objects: models.Model) -> Iterator[None]:
    """One generated example: starts from the fixtures' state and leaves nothing behind."""
    cache.clear()  # password attempts are counted in the cache
    for obj in objects:  # an earlier example may have changed them before its rollback
        obj.refresh_from_db()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# Generated values ------------------------------------------------------------------------

NASTY = (
    "",
    " ",
    "\t",
    "\x00",
    "a\x00b",
    "\x1b[2J",
    "\x7f\x85\x9f",
    "\u202e",
    "\ufeff",
    "\u200b",
    "\u2028",
    "\r\n",
    "\n\n",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "|",
    "\\|",
    "`",
    "```",
    "\\",
    "{{ plan }}",
    "{% csrf_token %}",
    "'; DROP TABLE plans_plan; --",
    "%s%n",
    "None",
    "null",
    "0",
    "-1",
    "1e400",
    "NaN",
    "Infinity",
    "9" * 40,
    "٣",
    "½",
    "\U0001d7d8",  # a double-struck zero
    "😀",
    "İ",
    "ß",
)
# Lengths either side of every limit: CharFields of 100, 200, 500 and 1000, a 5000-character
# comment, 100 000-character Markdown.
LENGTHS = (
    99,
    100,
    101,
    199,
    200,
    201,
    499,
    500,
    501,
    999,
    1000,
    1001,
    5000,
    5001,
    100_000,
    100_001,
)


def repeat(piece: str, length: int) -> str:
    return (piece * length)[:length]


SAFE_CHARS = st.characters(exclude_categories=("Cs", "Cc"))
plain_text = st.text(SAFE_CHARS, min_size=1, max_size=30).filter(str.strip)
huge_text = st.builds(
    repeat, st.sampled_from(["x", "é", "😀", "|", " a", "\x01", "\n"]), st.sampled_from(LENGTHS)
)
numbers_as_text = st.one_of(st.integers().map(str), st.floats().map(str), st.decimals().map(str))
any_text = st.one_of(st.text(max_size=40), st.sampled_from(NASTY), huge_text, numbers_as_text)

plausible_dates = st.one_of(
    st.just(""), st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)).map(dt.date.isoformat)
)
hostile_dates = st.one_of(
    plausible_dates,
    st.dates().map(dt.date.isoformat),  # years 1 to 9999
    st.sampled_from(
        [
            "2026-02-30",
            "2026-13-01",
            "0000-01-01",
            "10000-01-01",
            "-2026-01-01",
            "2026-1-5",
            "05/01/2026",
            "2026-01-05T10:00",
            "today",
            "\u0662\u0660\u0662\u0666-\u0660\u0661-\u0660\u0665",  # Arabic-Indic digits
        ]
    ),
    any_text,
)
plausible_efforts = st.one_of(
    st.just(""),
    st.decimals(min_value=0, max_value=99999, places=2).map(str),
    st.integers(0, 1000).map(str),
)
hostile_efforts = st.one_of(
    plausible_efforts,
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
    st.floats().map(str),
    st.sampled_from(["-0", "-0.01", "0.001", "99999.99", "100000", "1e5", "1E-2", " 2.5 ", "2,5"]),
    any_text,
)


def values_for(field: Any, hostile: bool) -> st.SearchStrategy[str]:
    """What a browser (or an attacker) posts for one model field."""
    if isinstance(field, models.BooleanField):
        plausible: st.SearchStrategy[str] = st.sampled_from(["on", ""])
        nasty: st.SearchStrategy[str] = st.one_of(
            st.sampled_from(["true", "false", "0", "1", "off", "False"]), any_text
        )
    elif field.choices:
        values = [str(value) for value, _ in field.choices]
        plausible = st.sampled_from(values)
        nasty = st.one_of(
            st.sampled_from([*(str(label) for _, label in field.choices), values[0].upper()]),
            any_text,
        )
    elif isinstance(field, models.DecimalField):
        plausible, nasty = plausible_efforts, hostile_efforts
    elif isinstance(field, models.DateField):
        plausible, nasty = plausible_dates, hostile_dates
        if hostile:  # valid, but from year 1 to 9999
            plausible = st.one_of(plausible, st.dates().map(dt.date.isoformat))
    elif isinstance(field, models.TextField):
        plausible = st.text(st.one_of(SAFE_CHARS, st.just("\n")), max_size=60)
        nasty = any_text
    else:
        size = min(30, field.max_length or 30)
        plausible = st.text(SAFE_CHARS, min_size=1, max_size=size).filter(str.strip)
        nasty = any_text
    return st.one_of(plausible, nasty) if hostile else plausible


JUNK_COUNTS = ["", "-1", "abc", "1.5", "9" * 30, "501", "100000"]
JUNK_IDS = ["0", "-1", "abc", "1.5", "9" * 30, "", " 1"]


# Section forms ---------------------------------------------------------------------------


def posted_rows(baseline: dict[str, str], prefix: str, fields: tuple[str, ...]) -> list[dict]:
    """The rows the unchanged form posts for one formset, each as {name: value}."""
    rows = []
    for i in range(int(baseline.get(f"{prefix}-INITIAL_FORMS", "0"))):
        row: dict[str, Any] = {n: baseline.get(f"{prefix}-{i}-{n}", "") for n in ("id", *fields)}
        if prefix == "phases":
            row["tasks"] = posted_rows(baseline, f"phases-{i}-tasks", ("text",))
        rows.append(row)
    return rows


@st.composite
def row_set(
    draw: Any,
    prefix: str,
    model: type[PlanRow],
    existing: list[dict],
    forged: list[str],
    hostile: bool,
) -> dict[str, str]:
    """One formset's post: rows kept, edited, removed, added and reordered; when hostile, rows
    missing or shuffled, ids forged and management counts wrong."""
    fields = model.content_fields
    actions = ("keep", "edit", "delete", "omit") if hostile else ("keep", "edit", "delete")
    entries = []
    for row in existing:
        action = draw(st.sampled_from(actions))
        if action == "omit":
            continue
        values = dict(row)
        if action == "edit":
            for name in fields:
                if draw(st.booleans()):
                    values[name] = draw(values_for(model._meta.get_field(name), hostile))
        if action == "delete":
            values["DELETE"] = "on"
        entries.append(values)
    for _ in range(draw(st.integers(0, 2))):
        values = {name: draw(values_for(model._meta.get_field(name), hostile)) for name in fields}
        forge = hostile and forged and draw(st.booleans())
        values["id"] = draw(st.sampled_from(forged)) if forge else ""
        if prefix == "phases":
            values["tasks"] = []
        entries.append(values)
    if hostile and draw(st.booleans()):
        entries = list(draw(st.permutations(entries)))
    # The page's drag and drop numbers the rows 1..n in the order the user left them.
    for values, order in zip(
        entries, draw(st.permutations(range(1, len(entries) + 1))), strict=True
    ):
        values["ORDER"] = str(order)
        if hostile and draw(st.integers(0, 4)) == 0:
            values["ORDER"] = draw(st.sampled_from(JUNK_COUNTS))
    post: dict[str, str] = {}
    for i, values in enumerate(entries):
        for name, value in values.items():
            if name != "tasks" and not (name == "resolved" and value == ""):
                post[f"{prefix}-{i}-{name}"] = value
        if prefix == "phases":
            # Forged task ids may name a task kept in another phase: the same task twice.
            post.update(draw(row_set(f"phases-{i}-tasks", Task, values["tasks"], forged, hostile)))
    counts = {"TOTAL_FORMS": str(len(entries)), "INITIAL_FORMS": str(len(existing))}
    counts |= {"MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "500"}
    for name in ("TOTAL_FORMS", "INITIAL_FORMS"):
        if hostile and draw(st.integers(0, 3)) == 0:
            counts[name] = draw(st.sampled_from([*JUNK_COUNTS, str(len(entries) + 1), "0"]))
    if not (hostile and draw(st.integers(0, 9)) == 0):  # a management form missing altogether
        post.update({f"{prefix}-{name}": value for name, value in counts.items()})
    return post


@st.composite
def section_posts(
    draw: Any, section: Section, baseline: dict[str, str], forged: list[str], opened: int
) -> dict[str, str]:
    hostile = draw(st.booleans(), label="hostile")
    post = {
        k: v for k, v in baseline.items() if not any(k.startswith(f"{r}-") for r in section.rows)
    }
    for name in own_fields(section):
        if draw(st.booleans()):
            post[name] = draw(values_for(Plan._meta.get_field(name), hostile))
    if "planning_start" in section.fields and not hostile and draw(st.booleans()):
        for phase, _ in Plan.TIMELINE_PHASES:  # a whole timeline, every end after its start
            start, end = sorted(draw(st.lists(plausible_dates, min_size=2, max_size=2)))
            post[f"{phase}_start"], post[f"{phase}_end"] = start, end  # "" sorts first
    for key in section.rows:
        model = ROW_MODELS[key]
        existing = posted_rows(baseline, key, model.content_fields)
        if key == "phases" and len(existing) > 1 and draw(st.booleans()):
            # A task moved to another phase keeps its id (and its history).
            origin, destination = draw(st.permutations(range(len(existing))))[:2]
            if existing[origin]["tasks"]:
                existing[destination]["tasks"].append(existing[origin]["tasks"].pop())
        post.update(draw(row_set(key, model, existing, forged, hostile)))
    long_summaries = st.builds(repeat, st.just("s"), st.sampled_from([100, 101, 200, 201]))
    post["edit-summary"] = draw(
        st.one_of(st.just(""), plain_text, long_summaries, any_text if hostile else plain_text)
    )
    if hostile:
        versions = [str(opened), str(opened - 1), str(opened + 1), *JUNK_IDS]
        post["edit-version"] = draw(st.sampled_from(versions))
        for name in draw(st.lists(st.sampled_from(sorted(post)), max_size=2, unique=True)):
            del post[name]
        if draw(st.integers(0, 5)) == 0:
            rows = [*section.rows, "phases-0-tasks", "phases-999-tasks", "overview", "x"]
            post["add_row"] = draw(st.sampled_from(rows))
    return post


# Rows a pre-edit adds, to put the plan one version ahead of the open form.
TOUCH_ROWS: dict[str, dict[str, Any]] = {
    "goals": {"text": "Touched"},
    "success_criteria": {"text": "Touched"},
    "user_stories": {"sentence": "As a nurse, I want to touch"},
    "api_endpoints": {"endpoint": "/touched", "method": "GET"},
    "feature_flags": {"name": "touched"},
    "risks": {"risk": "Touched", "impact": "low", "likelihood": "low"},
    "team_members": {"name": "Touched"},
    "documentation_updates": {"text": "Touched"},
    "open_questions": {"text": "Touched?"},
}


def touch(plan: Plan, section: Section, user: Any) -> None:
    """Someone else saves a change to this section (the form open here becomes out of date)."""
    fresh = Plan.objects.get(pk=plan.pk)
    content = PlanContent.from_plan(fresh)
    if section.rows:
        key = section.rows[0]
        if key == "phases":
            content.phases.append(PhaseContent(Phase(name="Touched"), [Task(text="Touched")]))
        else:
            content.rows(key).append(ROW_MODELS[key](**TOUCH_ROWS[key]))
    else:
        name = section.fields[0]
        setattr(content.plan, name, f"{getattr(content.plan, name)} touched")
    save_section(plan=fresh, section=section, new=content, user=user, opened_version=fresh.version)


def fingerprint(pk: int) -> tuple:
    """Everything a save may write about one plan: its row, its rows, their history, versions."""
    rows = tuple(
        tuple(
            model._default_manager.filter(plan_id=pk)
            .order_by("position", "pk")
            .values_list(*(f.attname for f in model._meta.concrete_fields))
        )
        for model in ALL_ROW_MODELS
    )
    history = tuple(model.history.filter(plan_id=pk).count() for model in ALL_ROW_MODELS)
    return (
        Plan.objects.filter(pk=pk).values().get(),
        rows,
        history,
        Plan.history.filter(id=pk).count(),
        tuple(PlanVersion.objects.filter(plan_id=pk).values_list("number", "summary")),
        tuple(SignoffRole.objects.filter(plan_id=pk).values_list("id", "name", "assignee_id")),
        tuple(Signoff.objects.filter(plan_id=pk).values_list("id", "decision")),
    )


def content_of(fp: tuple) -> tuple:
    """A fingerprint's plan content and version (the plan's other bookkeeping may change)."""
    plan = fp[0]
    return tuple(plan[name] for name in (*PLAN_FIELDS, "version")), fp[1], fp[2]


def everything() -> tuple:
    """Row and history counts of every content table: for the forms that create plans."""
    return (
        Plan.objects.count(),
        Plan.history.count(),
        PlanVersion.objects.count(),
        *(m._default_manager.count() for m in ALL_ROW_MODELS),
        *(m.history.count() for m in ALL_ROW_MODELS),
    )


def parts(content: PlanContent) -> dict[str, Any]:
    """The content by part (each plan field, each row set, the tasks), rows with their ids."""
    out: dict[str, Any] = {name: getattr(content.plan, name) for name in PLAN_FIELDS}
    for key, model in ROW_MODELS.items():
        out[key] = [
            (row.pk, *(getattr(row, f) for f in model.content_fields))
            for row in content.row_objects(key)
        ]
    out["tasks"] = [(p.phase.pk, [(t.pk, t.text) for t in p.tasks]) for p in content.phases]
    return out


def section_parts(section: Section) -> set[str]:
    keys = {*own_fields(section), *section.rows}
    return keys | {"tasks"} if "phases" in keys else keys


def shape(content: PlanContent, section: Section) -> tuple[list, list]:
    """A section's values in order without ids (new rows have none yet), and the ids apart."""
    values: list[Any] = [getattr(content.plan, name) for name in own_fields(section)]
    ids: list[Any] = []
    for key in section.rows:
        model = ROW_MODELS[key]
        for row in content.rows(key):
            obj = row.phase if isinstance(row, PhaseContent) else row
            tasks = [t.text for t in row.tasks] if isinstance(row, PhaseContent) else []
            values.append((key, *(getattr(obj, f) for f in model.content_fields), tasks))
            ids.append((obj.pk, [t.pk for t in row.tasks] if tasks else []))
    return values, ids


def same_ids(wanted: list, saved: list) -> bool:
    """Rows that existed keep their id and place; new rows (no id yet) may get any."""
    if len(wanted) != len(saved):
        return False
    for (pk, task_ids), (saved_pk, saved_task_ids) in zip(wanted, saved, strict=True):
        if pk is not None and pk != saved_pk:
            return False
        if len(task_ids) != len(saved_task_ids) or any(
            t is not None and t != s for t, s in zip(task_ids, saved_task_ids, strict=True)
        ):
            return False
    return True


def new_history_is_one_version(pk: int, before: tuple, number: int) -> bool:
    """Every historical row written by the save carries the new version's number."""
    added = [
        model.history.filter(plan_id=pk).count() - count
        for model, count in zip(ALL_ROW_MODELS, before[2], strict=True)
    ]
    stamped = [
        model.history.filter(plan_id=pk, plan_version=number).count() for model in ALL_ROW_MODELS
    ]
    plan_added = Plan.history.filter(id=pk).count() - before[3]
    plan_stamped = Plan.history.filter(id=pk, plan_version=number).count()
    return added == stamped and plan_added == plan_stamped == 1


@pytest.mark.parametrize("key", EDIT_FORM_KEYS)
@settings(max_examples=15, **HOSTILE)
@given(data=st.data())
def test_a_section_save_is_all_or_nothing_whatever_is_posted(
    key, as_alice, alice, target, plan, data
):
    section = SECTIONS_BY_KEY[key]
    # Ids of this plan's rows of every kind and of the other plan's (`plan`), and junk.
    ids = {
        str(pk) for m in ALL_ROW_MODELS for pk in m._default_manager.values_list("pk", flat=True)
    }
    forged = sorted(ids | set(JUNK_IDS))
    with isolated(target):
        baseline = form_data(target, key)  # the form as alice opened it
        opened = int(baseline["edit-version"])
        meanwhile = data.draw(st.sampled_from([None, "this section", "another section"]))
        if meanwhile == "this section":
            touch(target, section, alice)
        elif meanwhile == "another section":
            other = "overview" if key != "overview" else "goals"
            touch(target, SECTIONS_BY_KEY[other], alice)
        post = data.draw(section_posts(section, baseline, forged, opened), label="post")
        htmx = data.draw(st.booleans(), label="htmx")

        # What the form makes of the post, read before the save (the view reads the same).
        fresh = Plan.objects.get(pk=target.pk)
        current = PlanContent.from_plan(fresh)
        query = QueryDict(mutable=True)
        for name, value in post.items():
            query[name] = value
        try:
            form = SectionForm(fresh, current, section, query)
            wanted = form.desired_content() if form.is_valid() else None
        except Exception:  # the view meets the same error: its traceback is the one to read
            wanted = None
        before, before_parts = fingerprint(target.pk), parts(current)

        response = as_alice.post(edit_url(target, key), post, **(HTMX if htmx else {}))

        assert response.status_code < 500
        after = fingerprint(target.pk)
        if response.status_code == 302:
            assert response["Location"].startswith(target.get_absolute_url())
        if after == before:
            event(f"nothing saved ({response.status_code})")
            saved_nothing = response.status_code in (200, 302) and "add_row" not in post
            if saved_nothing:  # "No changes": then the post asked for none
                assert wanted is not None
                assert shape(wanted, section)[0] == shape(current, section)[0]
            return
        # Accepted: exactly one new version, holding exactly the posted section.
        event(f"saved as a new version ({response.status_code})")
        assert response.status_code in (200, 302)
        assert "add_row" not in post
        number = before[0]["version"] + 1
        assert after[0]["version"] == number
        assert [n for n, _ in after[4]] == [number, *(n for n, _ in before[4])]
        fresh.refresh_from_db()
        live = PlanContent.from_plan(fresh)
        assert parts(live) == parts(content_at(fresh, number))
        assert new_history_is_one_version(target.pk, before, number)
        assert wanted is not None
        wanted_values, wanted_ids = shape(wanted, section)
        saved_values, saved_ids = shape(live, section)
        assert saved_values == wanted_values
        assert same_ids(wanted_ids, saved_ids)
        untouched = set(parts(live)) - section_parts(section)
        assert {p: parts(live)[p] for p in untouched} == {p: before_parts[p] for p in untouched}
        assert as_alice.get(target.get_absolute_url()).status_code == 200


# Found here: version 0 passed the form and its conflict page read version 0 of the plan (a 500).
@settings(max_examples=10, **HOSTILE)
@example(key="overview", htmx=True)
@given(key=st.sampled_from(EDIT_FORM_KEYS), htmx=st.booleans())
def test_a_form_of_version_zero_is_refused(as_alice, target, key, htmx):
    with isolated(target):
        post = {**form_data(target, key), "edit-version": "0"}
        before = fingerprint(target.pk)
        response = as_alice.post(edit_url(target, key), post, **(HTMX if htmx else {}))
        assert response.status_code in (409, 422)
        assert fingerprint(target.pk) == before


# Found here: a task posted in two phases was saved once, the first phase silently losing it.
@settings(max_examples=10, **HOSTILE)
@example(text="Also here", htmx=True)
@given(text=plain_text, htmx=st.booleans())
def test_a_task_posted_in_two_phases_is_not_half_saved(as_alice, target, text, htmx):
    with isolated(target):
        post = form_data(target, "phases")
        posted_tasks = [
            [post[f"phases-{p}-tasks-{t}-text"] for t in range(2)] + ([text.strip()] if p else [])
            for p in range(2)
        ]
        post |= {"phases-1-tasks-TOTAL_FORMS": "3", "phases-1-tasks-2-text": text}
        post["phases-1-tasks-2-id"] = post["phases-0-tasks-0-id"]  # the first phase's task
        before = fingerprint(target.pk)
        response = as_alice.post(edit_url(target, "phases"), post, **(HTMX if htmx else {}))
        if fingerprint(target.pk) == before:
            assert response.status_code == 422
        else:  # saved: then as posted, the task in both phases
            saved = PlanContent.from_plan(target).phases
            assert [[t.text for t in p.tasks] for p in saved] == posted_tasks


# Found here (on PostgreSQL): a summary is also simple-history's change reason, a varchar(100);
# a longer edit summary, import file name or role name in "Changes requested (…)" was a 500.
@settings(max_examples=15, **HOSTILE)
@example(way="edit summary", length=150)
@example(way="import file name", length=150)
@example(way="role name", length=100)
@given(
    way=st.sampled_from(["edit summary", "import file name", "role name"]),
    length=st.integers(80, 200),
)
def test_a_long_summary_is_saved_whole_or_refused(
    as_alice, alice, team, target, review, clients, way, length
):
    with isolated(target, review):
        before, old = everything(), set(Plan.objects.values_list("pk", flat=True))
        if way == "edit summary":
            summary = repeat("s", length)
            post = {**form_data(target, "overview"), "overview": "Changed", "edit-summary": summary}
            response = as_alice.post(edit_url(target, "overview"), post)
            assert response.status_code in (302, 422)
            if response.status_code == 302:
                assert target.versions.get(number=2).summary == summary
        elif way == "import file name":
            name = repeat("n", length - 3) + ".md"
            response = post_import(as_alice, team, "# Plan: Long\n", "upload", name)
            check_import(as_alice, team, alice, response, before, old, deep=False)
        else:
            role = review.signoff_roles.get(name="Product Owner")
            SignoffRole.objects.filter(pk=role.pk).update(name=repeat("r", min(length, 100)))
            bob, client = clients["bob"]
            post = {"decision": "changes_requested", "comment": "Fix it", "password": PASSWORD}
            post |= {"version": str(review.version), "seen": "0"}
            response = client.post(reverse("approvals:decide", args=[review.pk, role.pk]), post)
            assert response.status_code == 302
            assert Signoff.objects.filter(role=role, user=bob).count() == 1


# Plan create -----------------------------------------------------------------------------


@settings(max_examples=40, **HOSTILE)
@given(data=st.data())
def test_creating_a_plan_makes_one_plan_at_version_one_or_nothing(
    as_alice, alice, team, viewer_team, victor, data
):
    title = data.draw(st.one_of(plain_text, any_text), label="title")
    team_value = data.draw(
        st.sampled_from([str(team.pk), str(team.pk), str(viewer_team.pk), *JUNK_IDS]),
        label="team",
    )
    forged = data.draw(
        st.dictionaries(
            st.sampled_from(["author", "version", "status", "id", "archived_at"]),
            st.sampled_from([str(victor.pk), "99", "approved", "1", "2020-01-01"]),
        ),
        label="forged fields",
    )
    with isolated():
        before = everything()
        old = set(Plan.objects.values_list("pk", flat=True))
        response = as_alice.post(
            reverse("plans:create"), {"title": title, "team": team_value, **forged}
        )

        assert response.status_code in (302, 422)
        event(f"status {response.status_code}")
        if response.status_code == 422:
            assert response.context["form"].errors
            assert everything() == before
            return
        created = Plan.objects.exclude(pk__in=old).get()
        assert (created.title, created.team, created.author) == (title.strip(), team, alice)
        assert (created.version, created.status, created.archived_at) == (1, "draft", None)
        assert list(created.versions.values_list("number", flat=True)) == [1]
        assert list(Plan.history.filter(id=created.pk).values_list("plan_version", flat=True)) == [
            1
        ]
        assert everything()[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)
        assert as_alice.get(response["Location"]).status_code == 200


# Sign-off roles --------------------------------------------------------------------------


@st.composite
def role_posts(
    draw: Any, initial: list[tuple[str, Any]], people: list[str], junk_people: list[str]
) -> tuple[dict[str, str], list[tuple[str, str]] | None]:
    """The roles formset's post, and (for an honest post) the roles it asks for."""
    hostile = draw(st.booleans(), label="hostile")
    names = st.one_of(plain_text, st.sampled_from(["Product Owner", "QA Lead", " QA Lead "]))
    name_values = st.one_of(names, any_text) if hostile else names
    assignees = st.sampled_from(["", *people, *junk_people] if hostile else ["", *people])
    entries = []
    for name, assignee in initial:
        action = draw(st.sampled_from(["keep", "edit", "delete"]))
        entry = {"name": name, "assignee": str(assignee or "")}
        if action == "edit":
            entry = {"name": draw(name_values), "assignee": draw(assignees)}
        if action == "delete":
            entry["DELETE"] = "on"
        entries.append(entry)
    entries.append({"name": "", "assignee": ""})  # the blank extra row the page always shows
    for _ in range(draw(st.integers(0, 2))):
        entries.append({"name": draw(name_values), "assignee": draw(assignees)})
    if hostile and draw(st.booleans()):
        entries = list(draw(st.permutations(entries)))
    post = {f"roles-{i}-{k}": v for i, e in enumerate(entries) for k, v in e.items()}
    counts = {"TOTAL_FORMS": str(len(entries)), "INITIAL_FORMS": str(len(initial))}
    if hostile:
        for name in counts:
            if draw(st.booleans()):
                counts[name] = draw(st.sampled_from([*JUNK_COUNTS, "21", "0"]))
    post |= {f"roles-{k}": v for k, v in counts.items()}
    post |= {"roles-MIN_NUM_FORMS": "0", "roles-MAX_NUM_FORMS": "20"}
    if hostile:
        return post, None
    wanted = [
        (e["name"].strip(), e["assignee"])
        for i, e in enumerate(entries)
        if "DELETE" not in e and (i < len(initial) or e["name"] or e["assignee"])
    ]
    return post, wanted


@settings(max_examples=40, **HOSTILE)
@given(data=st.data())
def test_saving_sign_off_roles_replaces_them_all_or_changes_nothing(
    as_alice, alice, bob, victor, carol, plan, data
):
    with isolated(plan):
        before_state = data.draw(st.sampled_from(["team's roles", "assigned", "in review"]))
        if before_state != "team's roles":
            assignments = [("Product Owner", bob), ("Technical Lead", bob), ("QA Lead", bob)]
            assign_roles(plan=plan, user=alice, assignments=assignments)
        if before_state == "in review":
            request_signoff(plan=plan, user=alice)
        roles = list(plan.signoff_roles.current())
        initial = [(r.name, r.assignee_id) for r in roles] or [
            (name, None) for name in plan.team.signoff_roles
        ]
        people = [str(alice.pk), str(bob.pk)]
        junk = [str(victor.pk), str(carol.pk), *JUNK_IDS]
        post, wanted = data.draw(role_posts(initial, people, junk), label="post")
        before = fingerprint(plan.pk)

        response = as_alice.post(reverse("approvals:roles", args=[plan.pk]), post)

        assert response.status_code in (302, 400, 422)
        event(f"status {response.status_code}")
        if response.status_code != 302 or before_state == "in review":  # refused, or frozen
            assert fingerprint(plan.pk) == before
            return
        current = plan.signoff_roles.current()
        saved = list(current.order_by("position").values_list("name", "assignee_id"))
        assert [n for n, _ in saved] == [n.strip() for n, _ in saved]
        assert all(saved_name for saved_name, _ in saved)
        assert len({n for n, _ in saved}) == len(saved)
        assert {a for _, a in saved} <= {None, alice.pk, bob.pk}  # the team's editors only
        assert list(current.values_list("position", flat=True).order_by("position")) == [
            *range(1, len(saved) + 1)
        ]
        if wanted is not None:
            assert saved == [(name, int(a) if a else None) for name, a in wanted]
        after = fingerprint(plan.pk)
        assert content_of(after) == content_of(before)
        assert after[6] == before[6]  # and no sign-off


# Sign-off decisions ----------------------------------------------------------------------


@pytest.fixture
def review(plan, alice, bob):
    """The plan in review: bob leads two of its roles."""
    assign_roles(
        plan=plan, user=alice, assignments=[("Product Owner", bob), ("Technical Lead", bob)]
    )
    request_signoff(plan=plan, user=alice)
    return plan


@pytest.fixture
def foreign_role(team, alice):
    """A role of another plan of the team."""
    other = make_plan(team, alice, title="Other")
    ensure_roles(other)
    return other.signoff_roles.first()


@pytest.fixture
def clients(alice, bob, victor, carol):
    return {u.username: (u, client_for(u)) for u in (alice, bob, victor, carol)}


@settings(max_examples=50, **HOSTILE)
@given(data=st.data())
def test_a_decision_records_one_sign_off_with_the_password_or_nothing(
    alice, bob, review, foreign_role, clients, data
):
    roles = {r.name: r for r in review.signoff_roles.all()}
    with isolated(review):
        if data.draw(st.booleans(), label="questions resolved"):
            OpenQuestion.objects.filter(plan=review).update(resolved=True)
        if data.draw(st.booleans(), label="technical lead approved already"):
            sign_as(roles["Technical Lead"], bob, read_version=review.version)
        if data.draw(st.booleans(), label="edited since the request"):
            touch(review, SECTIONS_BY_KEY["overview"], alice)
        review.refresh_from_db()
        # Honest: bob signs the role he leads, on the version he read; hostile: anything.
        hostile = data.draw(st.booleans(), label="hostile")
        versions = [str(review.version), str(review.version - 1), str(review.version + 1)]
        passwords = st.sampled_from(
            [PASSWORD, PASSWORD, PASSWORD, f" {PASSWORD}", f"{PASSWORD} ", "wrong", ""]
        )
        if hostile:
            username = data.draw(st.sampled_from(["bob", "alice", "victor", "carol"]))
            role_ids = [*(r.pk for r in roles.values()), foreign_role.pk, 0, 10**20]
            role_id = data.draw(st.sampled_from(role_ids), label="role id")
            decisions = st.one_of(st.sampled_from(["approved", "changes_requested"]), any_text)
            comments = st.one_of(st.just(""), plain_text, any_text)
            passwords = st.one_of(passwords, any_text)
            version = st.sampled_from([*versions, *JUNK_IDS])
        else:
            username, role_id = "bob", roles["Product Owner"].pk
            decisions = st.sampled_from(["approved", "changes_requested"])
            comments = st.one_of(st.just(""), plain_text)
            version = st.just(versions[0])
        user, client = clients[username]
        post = {
            "decision": data.draw(decisions),
            "comment": data.draw(comments),
            "password": data.draw(passwords),
            "version": data.draw(version),
            "seen": "0",
        }
        if hostile:
            for name in data.draw(st.lists(st.sampled_from(sorted(post)), max_size=2, unique=True)):
                del post[name]
        note(f"{username} posts {post!r}")
        before = fingerprint(review.pk)
        url = f"/approvals/plans/{review.pk}/roles/{role_id}/decide/"

        response = client.post(url, post)

        assert response.status_code in (302, 404)
        after = fingerprint(review.pk)
        signoffs = list(
            Signoff.objects.filter(plan=review).exclude(pk__in=[s for s, _ in before[6]])
        )
        event("signed" if signoffs else "refused")
        if not signoffs:
            assert after == before
            return
        [signoff] = signoffs
        assert (signoff.user, signoff.role_id, signoff.decision) == (
            user,
            role_id,
            post["decision"],
        )
        assert signoff.comment == post.get("comment", "").strip()
        assert signoff.plan_version == review.version == int(post["version"])
        assert user.check_password(post["password"])  # exactly the password, nothing like it
        assert user == roles["Product Owner"].assignee == roles["Technical Lead"].assignee
        assert content_of(after) == content_of(before)
        assert after[0]["version"] == review.version
        review.refresh_from_db()
        if signoff.decision == "changes_requested":
            assert signoff.comment
            assert review.status == "changes_requested"
        else:
            in_order = Signoff.objects.filter(plan=review).order_by("created_at", "id")
            latest = {s.role_id: s for s in in_order}  # each role's last decision
            every_role = all(  # approved on this very version: older approvals are stale
                r.pk in latest
                and (latest[r.pk].decision, latest[r.pk].plan_version)
                == ("approved", review.version)
                for r in roles.values()
            )
            assert review.status == ("approved" if every_role else "in_review")


# Found here: the password field stripped what was typed, so " password" signed as "password".
@settings(max_examples=10, **HOSTILE)
@example(padded=f" {PASSWORD}")
@given(padded=st.sampled_from([f" {PASSWORD}", f"{PASSWORD} ", f"\t{PASSWORD}\n"]))
def test_only_the_exact_password_signs(review, clients, padded):
    _, client = clients["bob"]
    role = review.signoff_roles.get(name="Product Owner")
    with isolated(review):
        post = {"decision": "approved", "password": padded, "version": str(review.version)}
        client.post(reverse("approvals:decide", args=[review.pk, role.pk]), post)
        assert not Signoff.objects.filter(plan=review).exists()


# Markdown import -------------------------------------------------------------------------

TEMPLATE_HEADINGS = [
    line for line in TEMPLATE.read_text(encoding="utf-8").split("\n") if line.startswith("#")
]
VARIANT_HEADINGS = [
    "# Plan: Variants",
    "# Implementation Plan:",
    "## Summary",
    "## 1.2 Overview",
    "## Risk Assessment",
    "## Testing Plan",
    "### Unit Testing",
    "## Rollout Strategy",
    "### Rollback",
    "### Feature Toggles",
    "## Change Log",
    "## Sign-off",
    "## Glossary",
    "## Additional Notes",
    "### Team",
    "### Timeline",
    "## Milestones",
    "### Phase 2: Build",
    "### Phase 10b) Odd",
    "## Phase 3",
    "#### Tasks",
    "#### Deliverables",
    "###### Deep",
    "##",
    "## Open Questions ##",
]
TABLE_HEADERS = [
    ["Endpoint", "Method", "Request Body", "Response", "Description"],
    ["Risk", "Impact", "Likelihood", "Mitigation"],
    ["Mitigation", "Likelihood", "Risk", "Impact"],
    ["Name", "Role"],
    ["Flag", "Description"],
    ["Role", "Name", "Date", "Signature"],
    ["Date", "Version", "Changes", "Author"],
]
CELLS = [
    "`code`",
    "`/api/resource/:id`",
    "a | b",
    "a \\| b",
    "<script>alert(1)</script>",
    "<b>bold</b>",
    "High",
    "low",
    "Med",
    "GET",
    "WebSocket",
    "/api/x",
    "N/A",
    "",
    " ",
    "x<br>y",
    "\\",
]

inline_chars = st.one_of(
    SAFE_CHARS, st.sampled_from(list("|`*_[]<>#\\-:!~ ")), st.sampled_from(["\t", "\x0b", "\x0c"])
)
inline = st.text(inline_chars, max_size=25)
word = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=10)
doc_dates = st.one_of(
    st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["TBD", "[Start date]", "2026-02-30", "soon", "?"]),
)


# Normalisations the importer makes on purpose, which the strict "no word lost" property would
# also count: level and method spellings ("med" becomes Medium, "WebSocket" WS), placeholders
# for no date ("TBD"), list and phase numbers (the export numbers rows itself), empty tables.
# A faithful document makes none of them; the others are only for "never a 5xx".
NORMALISED_CELLS = {"low", "Med", "WebSocket"}


@st.composite
def tables(draw: Any, faithful: bool = False) -> list[str]:
    headers = draw(
        st.one_of(st.sampled_from(TABLE_HEADERS), st.lists(inline, min_size=1, max_size=4))
    )
    known = [c for c in CELLS if not (faithful and c in NORMALISED_CELLS)]
    cells = st.one_of(st.sampled_from(known), inline, word)
    separator = draw(st.sampled_from(["|{}|", "{}", "|{}"]))
    dashes = draw(st.sampled_from(["---", ":---:", "----------", "--"]))
    lines = [
        "| " + " | ".join(headers) + " |",
        separator.format("|".join(dashes for _ in headers)),
    ]
    for _ in range(draw(st.integers(1 if faithful else 0, 3))):
        row = draw(st.lists(cells, min_size=len(headers) - 1, max_size=len(headers) + 1))
        lines.append("| " + " | ".join(row) + " |")
    return lines


@st.composite
def bodies(draw: Any, faithful: bool = False) -> list[str]:
    """A few lines of what plans hold: lists, tables, phase labels, dates, code, HTML, prose."""
    marks = ["- ", "* ", "+ ", "- [ ] ", "- [x] ", "  - "]
    marks += [] if faithful else ["1. ", "2) ", "    1. "]
    dates = doc_dates.filter(lambda d: d != "TBD") if faithful else doc_dates
    pieces = st.one_of(
        st.builds(lambda mark, text: [mark + text], st.sampled_from(marks), inline),
        tables(faithful),
        st.builds(lambda a, b, c: [f"- As a {a}, I want to {b} so that {c}"], word, inline, inline),
        st.builds(lambda t: ["- **Tasks:**", f"  1. {t}", "  2. [Task 2]"], inline),
        st.builds(
            lambda e: [f"- **Estimated Effort:** {e}"],
            st.one_of(st.sampled_from(["3 person-days", "2.5 days", "[X person-days]"]), inline),
        ),
        st.builds(lambda d: [f"- **Deliverables:** {d}"], inline),
        st.builds(
            lambda phase, a, b: [f"- {phase}: {a} to {b}"],
            st.sampled_from(["Planning", "Development", "Testing"]),
            dates,
            dates,
        ),
        st.builds(lambda d: [f"- Deployment: {d}"], dates),
        st.builds(
            lambda fence, lang, code: [fence + lang, *code, fence],
            st.sampled_from(["```", "~~~"]),
            st.sampled_from(["", "typescript", "python"]),
            st.lists(inline, max_size=3),
        ),
        st.builds(lambda text: ["```", text], inline),  # never closed
        st.builds(
            lambda t: [t],
            st.sampled_from(
                [
                    "<script>alert(1)</script>",
                    "<div><b>html</b></div>",
                    "<!-- a comment -->",
                    "> [!note] Careful",
                    "---",
                    "***",
                    "\\",
                ]
            ),
        ),
        st.builds(lambda t: [t], inline),
        st.just([""]),
    )
    return [line for piece in draw(st.lists(pieces, max_size=5)) for line in piece]


def renumber_phases(lines: list[str]) -> list[str]:
    """Phase headings numbered 1, 2, 3… in order, as the export numbers them."""
    count = 0

    def next_number(match: re.Match) -> str:
        nonlocal count
        count += 1
        return f"{match.group(1)}{count}"

    return [re.sub(r"^(#+\s+phase\s+)\d+[a-z]?", next_number, line, flags=re.I) for line in lines]


@st.composite
def documents(draw: Any, faithful: bool = False) -> str:
    """A Markdown plan: template headings, their variants and random ones, over random bodies."""
    lines: list[str] = []
    if draw(st.booleans()):
        lines += ["---", f"status: {draw(inline)}", f"owner: {draw(word)}", "---"]
    if draw(st.booleans()):
        lines.append(
            draw(st.sampled_from(["# Implementation Plan: ", "# Plan: ", "# "])) + draw(inline)
        )
    headings = st.one_of(
        st.sampled_from(TEMPLATE_HEADINGS),
        st.sampled_from(VARIANT_HEADINGS),
        st.builds(lambda level, text: "#" * level + " " + text, st.integers(1, 6), inline),
    )
    for _ in range(draw(st.integers(0, 6))):
        lines += [draw(headings), "", *draw(bodies(faithful)), ""]
    if faithful:
        lines = renumber_phases(lines)
    text = "\n".join(lines)
    if draw(st.integers(0, 9)) == 0:
        text += "\n" + draw(st.text(max_size=60))  # anything at all, control characters too
    return text.replace("\n", draw(st.sampled_from(["\n", "\n", "\r\n"])))


fillers = st.lists(
    st.one_of(
        word,
        st.sampled_from(
            [
                "`code`",
                "**bold**",
                "_it_",
                "snake_case",
                "x-y",
                "1.5",
                "<b>b</b>",
                "<script>s</script>",
            ]
        ),
    ),
    min_size=1,
    max_size=4,
).map(" ".join)


@st.composite
def template_documents(draw: Any) -> str:
    """The plan template with its placeholders filled in, and rows repeated or dropped."""
    out: list[str] = []
    task = 0
    for line in TEMPLATE.read_text(encoding="utf-8").split("\n"):
        repeatable = line.startswith(("- [", "- As a", "  1. [", "  2. [", "  3. [", "| [Risk"))
        # At least one risk: the export writes no table, so no column names, for none.
        fewest = 1 if line.startswith("| [Risk 1]") else 0
        for _ in range(draw(st.integers(fewest, 3)) if repeatable else 1):
            filled = line
            if "date]" in line and draw(st.booleans()):  # dated (in order), or left as it is
                dates = sorted(draw(st.lists(st.dates(), min_size=2, max_size=2)))
                filled = re.sub(r"\[Start date\]|\[Target date\]", dates[0].isoformat(), filled)
                filled = filled.replace("[End date]", dates[1].isoformat())
            for placeholder in re.findall(r"\[[^\]]+\]", filled):
                if placeholder == "[High/Medium/Low]":
                    value = draw(st.sampled_from(["High", "Medium", "Low"]))
                elif placeholder.endswith("date]"):
                    value = placeholder
                elif placeholder == "[X person-days]":
                    value = draw(st.sampled_from([placeholder, "3 person-days", "2.5 days", "4"]))
                else:
                    value = draw(fillers)
                filled = filled.replace(placeholder, value, 1)
            if re.match(r"^  \d\. ", filled):  # tasks stay numbered in order
                task += 1
                filled = f"  {task}. {filled[5:]}"
            elif filled.startswith("### Phase"):
                task = 0
            out.append(filled)
    return "\n".join(out)


random_bytes = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda t: t.encode("utf-16"), documents()),
    st.builds(lambda t: t.encode("utf-8") + b"\xff\xfe", documents()),
    st.builds(lambda t: "\ufeff".encode() + t.encode("utf-8"), documents()),
    st.sampled_from([b"\x89PNG\r\n\x1a\n\x00\x00", "café".encode("latin-1"), b"\xef\xbb\xbf", b""]),
)
filenames = st.one_of(
    st.sampled_from(["plan.md", "offline_sync.md", "notes.txt", "x", "a b.markdown", "..md"]),
    st.text(SAFE_CHARS, min_size=1, max_size=20).map(
        lambda s: s.replace("/", "_").replace("\\", "_") + ".md"
    ),
    st.builds(repeat, st.sampled_from(["n", "é"]), st.sampled_from([80, 150, 250])).map(
        lambda s: s + ".md"
    ),
)


def post_import(client: Any, team: Any, payload: str | bytes, how: str, filename: str) -> Any:
    if how == "upload":
        raw = payload.encode("utf-8") if isinstance(payload, str) else payload
        file = SimpleUploadedFile(filename, raw, content_type="text/markdown")
        return client.post(reverse("plans:import"), {"team": team.pk, "file": file})
    return client.post(reverse("plans:import"), {"team": team.pk, "text": payload})


def check_import(
    client: Any, team: Any, alice: Any, response: Any, before: tuple, old: set, deep: bool = True
) -> Plan | None:
    """Either a clear form error and nothing created, or exactly one new plan at version 1."""
    assert response.status_code in (302, 422)
    event(f"status {response.status_code}")
    if response.status_code == 422:
        assert response.context["form"].errors
        assert everything() == before
        return None
    plan = Plan.objects.exclude(pk__in=old).get()
    assert (plan.team, plan.author, plan.version, plan.status) == (team, alice, 1, "draft")
    assert list(plan.versions.values_list("number", flat=True)) == [1]
    assert set(Plan.history.filter(id=plan.pk).values_list("plan_version", flat=True)) == {1}
    for model in ALL_ROW_MODELS:
        history = model.history.filter(plan_id=plan.pk)
        assert set(history.values_list("plan_version", flat=True)) <= {1}
    if deep:
        assert parts(PlanContent.from_plan(plan)) == parts(content_at(plan, 1))
        assert client.get(response["Location"]).status_code == 200  # the import report
        assert client.get(plan.get_absolute_url()).status_code == 200
    return plan


@settings(max_examples=50, **HOSTILE)
@given(
    payload=st.one_of(documents(), random_bytes, any_text),
    how=st.sampled_from(["upload", "paste"]),
    filename=filenames,
)
def test_an_import_makes_one_plan_at_version_one_or_a_clear_error(
    as_alice, alice, team, payload, how, filename
):
    with isolated():
        before, old = everything(), set(Plan.objects.values_list("pk", flat=True))
        response = post_import(as_alice, team, payload, how, filename)
        check_import(as_alice, team, alice, response, before, old)


def words_lost(client: Any, alice: Any, team: Any, document: str, how: str) -> list[str]:
    """Import through the page, export through the page: the source's words missing there."""
    before, old = everything(), set(Plan.objects.values_list("pk", flat=True))
    response = post_import(client, team, document, how, "plan.md")
    plan = check_import(client, team, alice, response, before, old, deep=False)
    if plan is None:  # nothing to read back: empty, or not text
        return []
    exported = client.get(reverse("plans:export", args=[plan.pk]))
    assert exported.status_code == 200
    # The normalisation of test_no_word_of_a_real_plan_is_lost, exactly.
    source, export = document, exported.content.decode()
    return [w for w in set(words(source)) if w not in set(words(export))]


@settings(max_examples=30, **HOSTILE)
@given(document=template_documents(), how=st.sampled_from(["upload", "paste"]))
def test_no_word_of_a_document_in_the_template_shape_is_lost(as_alice, alice, team, document, how):
    with isolated():
        assert words_lost(as_alice, alice, team, document, how) == []


# Each explicit example is one way the importer loses words today, the shortest found.
LOSSES = [
    # A table column the row model has no field for (an "Owner" of a risk, a member's
    # "Email", a cell split in two by an unescaped "|") is dropped, cells and all.
    "## Risks and Mitigations\n\n| Risk | Impact | Likelihood | Mitigation | Owner |\n"
    "|---|---|---|---|---|\n| Outage | High | Low | Retry | Priya |\n",
    # So are a changelog's columns after the fourth, and its own header.
    "## Changelog\n\n| Date | Version | Changes | Author | Reviewer |\n|---|---|---|---|---|\n"
    "| 2025-01-02 | 0.9 | Draft | Sam | Kim |\n",
    # An alias heading whose section ends up empty is missing from the note of renamed
    # headings (the note lists only headings that made a report line).
    "## Milestones\n\n### Phase 1: Build\n",
    "### Feature Toggles\n",
    # The roles of an Approval table that nobody signed are replaced by the team's.
    "## Approval\n\n| Role | Name | Date | Signature |\n|---|---|---|---|\n"
    "| Security Officer | | | |\n",
    # A ticked box is dropped from every list but Open Questions.
    "### Success Criteria\n\n- [x] Fast sync\n",
    # A second line for the same date (or effort) silently replaces the first.
    "### Timeline\n\n- Deployment: 2027-08-04\n- Deployment: 2027-09-01\n",
]


@settings(max_examples=40, **HOSTILE)
@example(document=LOSSES[0], how="paste")
@example(document=LOSSES[1], how="paste")
@example(document=LOSSES[2], how="paste")
@example(document=LOSSES[3], how="paste")
@example(document=LOSSES[4], how="paste")
@example(document=LOSSES[5], how="paste")
@example(document=LOSSES[6], how="paste")
@given(document=documents(faithful=True), how=st.sampled_from(["upload", "paste"]))
def test_no_word_of_an_imported_document_is_lost(as_alice, alice, team, document, how):
    with isolated():
        assert words_lost(as_alice, alice, team, document, how) == []
