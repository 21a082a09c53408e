"""Template filters every page uses."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from plans.templatetags.plan_tags import ago


def test_a_moment_within_the_minute_is_just_now():
    assert ago(timezone.now() - timedelta(seconds=20)) == "just now"


def test_older_moments_say_how_long_ago():
    assert ago(timezone.now() - timedelta(hours=3, minutes=5)) == "3\xa0hours, 5\xa0minutes ago"


def test_no_moment_says_nothing():
    assert ago(None) == ""


def test_the_dashboard_and_the_list_say_just_now_for_a_fresh_plan(as_alice, plan):
    assert "changed just now" in as_alice.get("/").text
    assert "just now" in as_alice.get("/plans/").text
    assert "0\xa0minutes" not in as_alice.get("/").text
