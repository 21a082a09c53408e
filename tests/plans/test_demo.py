from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from plans.content import PlanContent
from plans.models import Plan
from plans.sections import SECTIONS


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo")


def test_it_loads_every_demo_user_with_the_demo_password(demo):
    for username in ("alice", "bob", "quinn", "carol", "mallory"):
        assert authenticate(username=username, password="plansign-demo") is not None


def test_it_is_idempotent(demo):
    before = Plan.objects.count()
    call_command("load_demo")
    assert Plan.objects.count() == before >= 2


def test_every_demo_plan_fills_every_section(demo):
    for plan in Plan.objects.all():
        content = PlanContent.from_plan(plan)
        empty = [s.key for s in SECTIONS if s.editable and not content.section_filled(s)]
        assert empty == [], plan.title


def test_the_demo_roles_see_what_they_should(demo):
    mallory = Plan.objects.visible_to(_user("mallory"))
    assert not mallory.exists()
    assert Plan.objects.visible_to(_user("carol")).count() == Plan.objects.count()
    assert Plan.objects.all()[0].can_edit(_user("alice"))


def test_it_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
