"""The plans as data: the list, one plan, its versions and their comparison, export, import."""

from __future__ import annotations

from plans.models import Plan
from tests.factories import make_plan, make_team, make_user


def test_it_lists_the_plans_one_may_see(alice_api, plan, mallory):
    hidden = make_plan(make_team("Secret ops", mallory="editor"), mallory, title="Hidden")
    body = alice_api.get("/api/plans/").json()
    assert [p["id"] for p in body["results"]] == [plan.pk]
    assert hidden.pk not in [p["id"] for p in body["results"]]


def test_a_member_of_several_teams_lists_every_plan_of_theirs_and_no_other(
    alice_api, plan, alice, mallory
):
    make_plan(make_team("Search", alice="viewer"), mallory, title="Search plan")
    hidden = make_plan(make_team("Secret ops", mallory="editor"), mallory, title="Hidden")
    body = alice_api.get("/api/plans/").json()
    assert sorted(p["title"] for p in body["results"]) == ["Offline Sync", "Search plan"]
    assert body["count"] == 2 and hidden.pk not in [p["id"] for p in body["results"]]


def test_it_searches_and_filters_like_the_web_list(alice_api, plan, team, alice):
    make_plan(team, alice, title="Billing Export", overview="Monthly invoices as CSV.")
    found = alice_api.get("/api/plans/", {"q": "invoices", "status": "draft"}).json()
    assert [p["title"] for p in found["results"]] == ["Billing Export"]
    assert alice_api.get("/api/plans/", {"status": "approved"}).json()["count"] == 0


def test_a_search_of_several_words_counts_every_match(alice_api, plan, team, alice):
    for i in range(3):
        make_plan(team, alice, title=f"Billing export {i}", rows=0)
    make_plan(team, alice, title="Billing alone", rows=0)
    found = alice_api.get("/api/plans/", {"q": "billing export"}).json()
    assert found["count"] == 4 and found["pages"] == 1
    assert found["results"][-1]["title"] == "Billing alone"


def test_a_bad_filter_is_a_problem_naming_the_field(alice_api, plan):
    response = alice_api.get("/api/plans/", {"status": "lost", "page": "x"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in response.json()["errors"]} == {"status", "page"}


def test_a_team_one_is_not_in_is_a_bad_filter(alice_api, plan, mallory):
    other = make_team("Secret ops", mallory="editor")
    response = alice_api.get("/api/plans/", {"team": other.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "team"


def test_detail_has_every_section_as_structured_json(alice_api, plan):
    response = alice_api.get(f"/api/plans/{plan.pk}")
    body = response.json()
    assert response["ETag"] == '"1"'
    sections = {s["key"]: s for s in body["content"]["sections"]}
    assert sections["overview"]["fields"]["title"] == "Offline Sync"
    assert sections["risks"]["rows"]["risks"][0]["impact"] in {"high", "medium", "low"}
    assert sections["phases"]["rows"]["phases"][0]["tasks"][0]["text"]
    assert len(body["content"]["sha256"]) == 64


def test_an_outsider_gets_404_not_the_plan(mallory_api, plan):
    response = mallory_api.get(f"/api/plans/{plan.pk}")
    assert response.status_code == 404
    assert "Offline Sync" not in response.content.decode()


def test_anonymous_gets_401_as_json(client, plan):
    response = client.get(f"/api/plans/{plan.pk}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "Bearer" in response["WWW-Authenticate"]


def test_an_unknown_address_under_api_is_json(alice_api):
    response = alice_api.get("/api/nothing-here/")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_a_wrong_method_is_json(alice_api, plan):
    response = alice_api.delete(f"/api/plans/{plan.pk}")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"


def test_versions_list_and_one_version(alice_api, plan, alice):
    from tests.conftest import client_for
    from tests.plans.editing import edit_url, form_data

    data = form_data(plan, "overview") | {"title": "Offline Sync v2"}
    client_for(alice).post(edit_url(plan, "overview"), data)
    versions = alice_api.get(f"/api/plans/{plan.pk}/versions/").json()
    assert [v["number"] for v in versions["results"]] == [2, 1]
    old = alice_api.get(f"/api/plans/{plan.pk}/versions/1").json()
    assert old["content"]["sections"][0]["fields"]["title"] == "Offline Sync"
    assert alice_api.get(f"/api/plans/{plan.pk}/versions/9").status_code == 404


def test_compare_lists_field_changes_of_changed_sections(alice_api, plan, alice):
    from tests.conftest import client_for
    from tests.plans.editing import edit_url, form_data

    data = form_data(plan, "overview") | {"title": "Offline Sync v2"}
    client_for(alice).post(edit_url(plan, "overview"), data)
    body = alice_api.get(f"/api/plans/{plan.pk}/compare", {"from": 1, "to": 2}).json()
    assert [s["key"] for s in body["sections"]] == ["overview"]
    change = body["sections"][0]["fields"][0]
    assert (change["old"], change["new"]) == ("Offline Sync", "Offline Sync v2")


def test_export_is_the_markdown_document(alice_api, plan):
    response = alice_api.get(f"/api/plans/{plan.pk}/export")
    assert response["Content-Type"].startswith("text/markdown")
    assert response.content.decode().startswith("# Implementation Plan: Offline Sync")


def test_import_returns_the_report(alice_api, team):
    markdown = "# Implementation Plan: Kiosk Mode\n\n## Overview\n\nLock it.\n\n## Weird\n\nx\n"
    body = {"team": team.pk, "markdown": markdown}
    response = alice_api.post("/api/plans/import", body, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert Plan.objects.get(pk=body["plan"]["id"]).title == "Kiosk Mode"
    assert any(line["heading"] == "Weird" for line in body["report"])


def test_import_into_a_team_one_only_views_names_the_field(victor, team):
    from tests.api.conftest import bearer, token_for

    response = bearer(token_for(victor)).post(
        "/api/plans/import", {"team": team.pk, "markdown": "# x"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "team"


def test_a_filename_with_control_characters_is_refused_by_name(alice_api, team):
    body = {"team": team.pk, "markdown": "# Implementation Plan: X\n", "filename": "a\x00.md"}
    response = alice_api.post("/api/plans/import", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "filename"


def test_a_body_that_is_not_json_is_a_problem(alice_api, team):
    response = alice_api.post("/api/plans/import", "{nope", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/plans/{plan_id}/sections/{key}" in schema["paths"]
    docs = client.get("/api/docs").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()


def test_unused_make_user_keeps_imports(db):
    assert make_user("zed").username == "zed"


def test_a_body_over_the_upload_limit_is_413(alice_api, team, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"team": team.pk, "markdown": "x" * 2000}
    response = alice_api.post("/api/plans/import", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


def test_the_list_costs_the_same_queries_for_many_plans(
    alice_api, team, alice, django_assert_max_num_queries
):
    from plans.models import Plan

    Plan.objects.bulk_create(
        Plan(team=team, author=alice, title=f"Plan {n}", version=1) for n in range(40)
    )
    # The token (and its last use), the user's permissions (two), the filter form's people and
    # teams (a count and the rows), the page with its count: none of them grows with the plans.
    with django_assert_max_num_queries(8):
        body = alice_api.get("/api/plans/", {"sort": "title", "page": 2}).json()
    assert (body["count"], len(body["results"])) == (40, 15)


def test_the_detail_costs_the_same_queries_for_many_rows(
    alice_api, team, alice, django_assert_max_num_queries
):
    small, big = make_plan(team, alice, rows=1), make_plan(team, alice, title="Big", rows=30)
    alice_api.get("/api/plans/")  # the token's last use is written once a minute
    with django_assert_max_num_queries(25) as small_queries:
        alice_api.get(f"/api/plans/{small.pk}")
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        alice_api.get(f"/api/plans/{big.pk}")
    with django_assert_max_num_queries(3):  # a version is kept once read: the plan, the token
        assert alice_api.get(f"/api/plans/{big.pk}").json()["title"] == "Big"


def test_the_plan_list_takes_a_person_by_id(alice_api, team, alice, bob):
    # The web list takes a typed user name; the API keeps its documented user ids.
    make_plan(team, bob, title="Dark Mode")
    make_plan(team, alice, title="Offline Sync")

    body = alice_api.get("/api/plans/", {"author": bob.pk}).json()

    assert [p["title"] for p in body["results"]] == ["Dark Mode"]
