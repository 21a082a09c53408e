from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.content import ROW_MODELS
from plans.models import Plan, Task
from tests.conftest import client_for
from tests.plans.editing import edit_url, form_data


@pytest.fixture
def as_admin(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")
    client.force_login(admin)
    return client


def test_the_plan_change_page_shows_every_row_read_only(as_admin, plan):
    response = as_admin.get(reverse("admin:plans_plan_change", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Goal 1" in html and "Task 1.1" in html
    assert 'name="_save"' not in html


def test_every_content_model_has_a_history_page(as_admin, plan):
    for model in (Plan, *ROW_MODELS.values(), Task):
        obj = (
            model.objects.get(pk=plan.pk)
            if model is Plan
            else model.objects.filter(plan=plan).first()
        )
        url = reverse(f"admin:plans_{model._meta.model_name}_history", args=[obj.pk])
        assert as_admin.get(url).status_code == 200, model


def test_the_admin_cannot_delete_a_plan(as_admin, plan):
    response = as_admin.post(reverse("admin:plans_plan_delete", args=[plan.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_teams_are_managed_in_the_admin(as_admin, team):
    assert as_admin.get(reverse("admin:plans_team_change", args=[team.pk])).status_code == 200


def test_a_teams_history_lists_each_change_with_who_made_it(as_admin, team, alice):
    team.allow_self_signoff = True
    team._change_reason = "Small team"
    team.save()
    team.history.filter(history_change_reason="Small team").update(history_user=alice)

    response = as_admin.get(reverse("admin:plans_team_history", args=[team.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Small team" in html and "alice" in html


def test_a_plans_history_reads_its_records_and_their_authors_in_a_bounded_number_of_queries(
    as_admin, plan, alice, django_assert_max_num_queries
):
    author = client_for(alice)
    for n in range(5):
        data = form_data(plan, "overview") | {"overview": f"Overview {n}"}
        assert author.post(edit_url(plan, "overview"), data).status_code == 302
    url = reverse("admin:plans_plan_history", args=[plan.pk])
    as_admin.get(url)
    with django_assert_max_num_queries(5):
        response = as_admin.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("alice") >= 5
