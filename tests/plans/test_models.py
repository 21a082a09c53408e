from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from plans.content import ROW_MODELS, PlanContent
from plans.models import Phase, Plan, PlanVersion, Risk, Task, Team
from tests.factories import make_plan


def test_creating_a_plan_is_version_1_with_every_row_recorded(plan, alice):
    assert plan.version == 1
    version = PlanVersion.objects.get(plan=plan)
    assert (version.number, version.author) == (1, alice)
    assert plan.history.get().plan_version == 1
    for model in (*ROW_MODELS.values(), Task):
        records = model.history.filter(plan_id=plan.pk)
        assert records.count() >= 1
        assert {r.plan_version for r in records} == {1}
        assert {r.history_user_id for r in records} == {alice.pk}


@pytest.mark.parametrize("model", [Plan, Team, *ROW_MODELS.values(), Task, PlanVersion])
def test_every_model_is_recorded_by_simple_history(model):
    assert hasattr(model, "history")


def test_rows_keep_their_explicit_order(team, alice):
    plan = make_plan(team, alice, rows=5)
    content = PlanContent.from_plan(plan)
    assert [g.text for g in content.goals] == [f"Goal {i}" for i in range(1, 6)]
    assert [g.position for g in content.goals] == [1, 2, 3, 4, 5]
    assert [t.text for t in content.phases[2].tasks] == ["Task 3.1", "Task 3.2"]


def test_a_save_outside_the_services_is_still_recorded(plan):
    Risk.objects.filter(plan=plan).first().save()
    assert Risk.history.filter(plan_id=plan.pk, plan_version__isnull=True).count() == 1


def _violates(callable_) -> bool:
    try:
        with transaction.atomic():
            callable_()
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_an_end_before_its_start(plan):
    assert _violates(
        lambda: Plan.objects.filter(pk=plan.pk).update(
            testing_start=dt.date(2026, 5, 2), testing_end=dt.date(2026, 5, 1)
        )
    )


def test_the_database_refuses_a_negative_effort(plan):
    assert _violates(lambda: Phase.objects.filter(plan=plan).update(effort=Decimal("-1")))


def test_the_database_refuses_unknown_choices(plan):
    assert _violates(lambda: Risk.objects.filter(plan=plan).update(impact="huge"))
    assert _violates(lambda: Plan.objects.filter(pk=plan.pk).update(status="shipped"))


def test_the_database_accepts_open_ended_dates(plan):
    assert not _violates(
        lambda: Plan.objects.filter(pk=plan.pk).update(
            testing_start=None, testing_end=dt.date(2026, 1, 1)
        )
    )
