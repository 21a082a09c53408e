"""Titles, names and row cells are single lines: a line break typed or pasted becomes a space,
and other control characters are refused next to the field, with what was typed kept."""

from __future__ import annotations

from django.urls import reverse

from plans.models import Goal, Plan
from tests.plans.editing import edit_url, form_data


def test_a_title_with_a_line_break_is_saved_on_one_line(team, as_alice):
    response = as_alice.post(reverse("plans:create"), {"title": "Offline\r\nSync", "team": team.pk})
    assert response.status_code == 302
    assert Plan.objects.get().title == "Offline Sync"


def test_a_title_with_a_control_character_is_refused_next_to_the_field(team, as_alice):
    response = as_alice.post(
        reverse("plans:create"), {"title": "Offline\x1b[31m Sync", "team": team.pk}
    )
    assert response.status_code == 422
    assert "without control characters" in response.text
    assert not Plan.objects.exists()


def test_a_row_cell_refuses_control_characters_and_keeps_the_input(plan, as_alice):
    data = {**form_data(plan, "goals"), "goals-0-text": "Ship\x07 it"}
    response = as_alice.post(edit_url(plan, "goals"), data)
    assert response.status_code == 422
    assert "without control characters" in response.text
    assert Goal.objects.get(plan=plan).text == "Goal 1"


def test_pressing_enter_in_a_long_cell_gives_a_space(plan, as_alice):
    data = {**form_data(plan, "risks"), "risks-0-mitigation": "Retry\nthen alert"}
    as_alice.post(edit_url(plan, "risks"), data)
    from plans.models import Risk

    assert Risk.objects.get(plan=plan).mitigation == "Retry then alert"
