from __future__ import annotations

import pytest

from plans.models import Membership
from tests.factories import make_user


@pytest.fixture
def bob(team):
    """A lead of the Payments team."""
    bob = make_user("bob", first_name="Bob", last_name="Lead")
    Membership.objects.create(team=team, user=bob, role="editor")
    return bob


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://plans.example.com"
