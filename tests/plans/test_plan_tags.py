"""Template filters every page uses."""

from __future__ import annotations

import re
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


def test_an_avatar_shows_a_persons_initials_in_a_colour_that_is_theirs_on_every_page():
    from django.contrib.auth.models import User

    from plans.templatetags.plan_tags import avatar

    alice = User(username="alice", first_name="Alice", last_name="Author")
    html = str(avatar(alice))
    assert html == str(avatar(User(username="alice", first_name="Alice", last_name="Author")))
    assert re.fullmatch(
        r'<span class="avatar avatar-[0-7]" aria-hidden="true" title="Alice Author">AA</span>',
        html,
    )
    assert ">B</span>" in str(avatar(User(username="bob")))
    assert str(avatar(None)) == ""


def test_an_avatar_escapes_a_name_typed_as_markup():
    from django.contrib.auth.models import User

    from plans.templatetags.plan_tags import avatar

    html = str(avatar(User(username="x", first_name='<b onmouseover="x()">', last_name="Z")))
    assert "<b " not in html and "&lt;b onmouseover=&quot;x()&quot;&gt; Z" in html
