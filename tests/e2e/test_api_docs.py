"""Browser test: the API's docs page works from static files under the site's CSP, and a
person makes a token and sees it once."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import make_plan


def test_the_docs_page_renders_its_operations_without_csp_violations(
    open_as, alice, team, live_server
):
    make_plan(team, alice)
    page = open_as("alice")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    # A request the previous page left (its favicon) is aborted by the navigation: not ours.
    def failed(request) -> None:
        if "ERR_ABORTED" not in (request.failure or ""):
            problems.append(f"failed {request.url}")

    page.on("requestfailed", failed)
    external: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url)
    )
    page.goto("/api/docs")
    expect(page.get_by_text("Plansign API").first).to_be_visible()
    expect(page.get_by_text("/api/plans/{plan_id}/sections/{key}").first).to_be_visible()
    assert [p for p in problems if "Content Security Policy" in p or "failed" in p] == []
    assert external == []


def test_a_token_is_shown_once_then_listed_by_its_prefix(open_as, alice):
    page = open_as("alice")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("release pipeline")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Your new token").input_value()
    assert re.fullmatch(r"pst_[\w-]{40,}", secret)
    page.reload()
    expect(page.get_by_label("Your new token")).to_have_count(0)
    expect(page.get_by_role("cell", name=f"{secret[:12]}…")).to_be_visible()
