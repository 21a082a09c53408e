"""PUT /api/plans/{id}/sections/{key}: the edit page's rules and checks, with If-Match."""

from __future__ import annotations

import json

from plans.models import Plan, Risk
from tests.api.conftest import bearer, token_for


def put(client, plan, key, body, version="1"):
    headers = {} if version is None else {"If-Match": f'"{version}"'}
    return client.put(
        f"/api/plans/{plan.pk}/sections/{key}",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_it_saves_a_section_as_a_new_version(alice_api, plan):
    risk = Risk.objects.get(plan=plan)
    rows = [
        {"id": risk.pk, "risk": "Data loss", "impact": "high", "likelihood": "low"},
        {"risk": "Slow sync", "impact": "low", "likelihood": "medium", "mitigation": "Batch"},
    ]
    response = put(alice_api, plan, "risks", {"rows": {"risks": rows}, "summary": "Two risks"})
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert [r["risk"] for r in response.json()["section"]["rows"]["risks"]] == [
        "Data loss",
        "Slow sync",
    ]
    assert Plan.objects.get(pk=plan.pk).versions.get(number=2).summary == "Two risks"


def test_fields_left_out_stay_as_they_are(alice_api, plan):
    response = put(alice_api, plan, "testing", {"fields": {"unit_tests": "Every branch."}})
    plan.refresh_from_db()
    assert response.status_code == 200
    assert (plan.unit_tests, plan.integration_tests) == (
        "Every branch.",
        "Sync against a real server.",
    )


def test_without_if_match_it_is_428(alice_api, plan):
    response = put(alice_api, plan, "overview", {"fields": {"overview": "x"}}, version=None)
    assert response.status_code == 428
    assert response.json()["current_version"] == 1


def test_a_version_the_plan_never_had_is_412(alice_api, plan):
    assert put(alice_api, plan, "overview", {}, version="7").status_code == 412
    assert put(alice_api, plan, "overview", {}, version="abc").status_code == 412


def test_a_stale_version_of_this_section_is_409_with_the_current_version(alice_api, plan):
    assert put(alice_api, plan, "overview", {"fields": {"overview": "Mine"}}).status_code == 200
    response = put(alice_api, plan, "overview", {"fields": {"overview": "Theirs"}}, version="1")
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    plan.refresh_from_db()
    assert plan.overview == "Mine"


def test_a_stale_version_of_another_section_merges(alice_api, plan):
    put(alice_api, plan, "overview", {"fields": {"overview": "Mine"}})
    response = put(alice_api, plan, "testing", {"fields": {"unit_tests": "Also"}}, version="1")
    assert response.status_code == 200
    assert response.json()["version"] == 3


def test_validation_errors_name_the_field(alice_api, plan):
    rows = [{"risk": "", "impact": "huge", "likelihood": "low"}]
    response = put(alice_api, plan, "risks", {"rows": {"risks": rows}, "fields": {"nope": 1}})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"fields.nope"}
    response = put(alice_api, plan, "risks", {"rows": {"risks": rows}})
    assert {e["field"] for e in response.json()["errors"]} == {
        "rows.risks[0].risk",
        "rows.risks[0].impact",
    }


def test_a_task_error_names_its_phase_and_task(alice_api, plan):
    phases = [{"name": "One", "effort": "-1", "tasks": [{"text": "x" * 600}]}]
    response = put(alice_api, plan, "phases", {"rows": {"phases": phases}})
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"rows.phases[0].effort", "rows.phases[0].tasks[0].text"}


def test_a_row_id_of_another_plan_is_refused(alice_api, plan, team, alice):
    from tests.factories import make_plan

    other = make_plan(team, alice, title="Other")
    foreign = Risk.objects.get(plan=other)
    rows = [{"id": foreign.pk, "risk": "Stolen", "impact": "low", "likelihood": "low"}]
    response = put(alice_api, plan, "risks", {"rows": {"risks": rows}})
    assert response.status_code == 422
    assert Risk.objects.get(pk=foreign.pk).risk != "Stolen"


def test_a_reader_gets_403_and_an_outsider_404(victor, plan, mallory_api):
    reader = bearer(token_for(victor, "write"))
    assert put(reader, plan, "overview", {"fields": {"overview": "x"}}).status_code == 403
    assert put(mallory_api, plan, "overview", {"fields": {"overview": "x"}}).status_code == 404


def test_a_read_token_may_not_write(alice, plan):
    reader = bearer(token_for(alice, "read"))
    response = put(reader, plan, "overview", {"fields": {"overview": "x"}})
    assert response.status_code == 403
    assert "read" in response.json()["detail"]


def test_generated_sections_are_not_editable(alice_api, plan):
    response = put(alice_api, plan, "approval", {})
    assert response.status_code == 404
    assert "overview" in response.json()["detail"]


def test_a_session_writes_with_csrf_only(alice, plan):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = put(client, plan, "overview", {"fields": {"overview": "x"}})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    client.get("/api/docs")
    token = client.cookies["csrftoken"].value
    response = client.put(
        f"/api/plans/{plan.pk}/sections/overview",
        json.dumps({"fields": {"overview": "x"}}),
        content_type="application/json",
        headers={"If-Match": '"1"', "X-CSRFToken": token},
    )
    assert response.status_code == 200, response.content


def test_nested_values_are_refused_by_name(alice_api, plan):
    response = put(alice_api, plan, "overview", {"fields": {"overview": {"a": 1}}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "fields.overview"


def test_the_editable_sections_are_the_schemas_keys(client):
    from typing import get_args

    from api.schemas import SectionKey
    from plans.sections import SECTIONS

    assert list(get_args(SectionKey)) == [s.key for s in SECTIONS if s.editable]
