from __future__ import annotations

import re

import pytest

from plans.markdown.render import render_markdown
from tests.factories import make_plan

HOSTILE = [
    "<script>alert('x')</script>",
    '<img src="x.png" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<iframe src="https://example.com"></iframe>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_it_strips_scripts_handlers_and_javascript_links(text):
    html = render_markdown(text).lower()
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html


def test_it_keeps_code_blocks_tables_lists_links_and_emphasis():
    text = (
        "Some *emphasis* and **strong** with a [link](https://example.com).\n\n"
        "- one\n- two\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "```python\nif a < b:\n    print('<tag>')\n```\n"
    )
    html = render_markdown(text)
    assert "<em>emphasis</em>" in html and "<strong>strong</strong>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">link</a>' in html
    assert "<li>one</li>" in html
    assert "<td>1</td>" in html
    assert "<code class=\"language-python\">if a &lt; b:\n    print('&lt;tag&gt;')" in html


@pytest.mark.parametrize(
    "field",
    [
        "overview", "architecture", "data_models", "dependencies", "unit_tests",
        "integration_tests", "acceptance_tests", "deployment_strategy", "rollback_plan",
        "additional_notes",
    ],
)  # fmt: skip
def test_no_text_field_lets_hostile_markup_reach_the_page(as_alice, team, alice, field):
    plan = make_plan(team, alice, **{field: "\n\n".join(HOSTILE)})
    html = as_alice.get(plan.get_absolute_url()).content.decode().lower()
    assert "alert(" not in html


def test_row_text_is_sanitized(as_alice, team, alice):
    from plans.models import Goal

    plan = make_plan(team, alice)
    Goal.objects.filter(plan=plan).update(text="<script>alert(1)</script> [x](javascript:alert(2))")
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    assert "alert(1)" not in html
    assert "javascript:" not in html


def test_row_text_renders_inline_markdown_without_a_paragraph(as_alice, team, alice):
    from plans.models import Goal

    plan = make_plan(team, alice)
    Goal.objects.filter(plan=plan).update(text="Ship `sync` **fast** <img src=x onerror=alert(1)>")
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    row = '<li>Ship <code>sync</code> <strong>fast</strong> <img src="x">'
    shown = re.escape(row) + r'(<a class="row-comment[^>]*></a>)?</li>'  # and its Comment link
    assert re.search(shown, html)


def test_task_list_items_render_as_disabled_boxes_saying_their_state():
    html = render_markdown("- [x] Write the runbook\n- [ ] Rehearse the rollback\n- plain [x]")
    done = '<li class="task-item"><input type="checkbox" disabled checked aria-label="done">'
    assert done in html
    assert '<input type="checkbox" disabled aria-label="not done"> Rehearse the rollback' in html
    assert "<li>plain [x]</li>" in html  # a box only where the item starts with one


def test_a_task_box_is_never_made_from_code_and_typed_inputs_are_dropped():
    html = render_markdown(
        "```\n- [x] in a code block\n```\n\n"
        '<input type="checkbox" onclick="alert(1)">\n\n- [x] <script>x()</script>'
    )
    assert html.count("<input") == 1  # the one list item's box; the typed input is dropped
    assert "- [x] in a code block" in html
    assert "onclick" not in html and "<script" not in html


def test_inline_markdown_in_a_table_cell_shows_code_emphasis_and_links_never_scripts(
    as_alice, team, alice
):
    from plans.models import Risk

    plan = make_plan(team, alice)
    Risk.objects.filter(plan=plan).update(
        mitigation="Retry, `backoff`, *jitter*, [docs](https://example.com) <script>x()</script>"
    )
    html = as_alice.get(plan.get_absolute_url()).content.decode()
    assert "<code>backoff</code>" in html and "<em>jitter</em>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">docs</a>' in html
    assert "<script>x()" not in html
