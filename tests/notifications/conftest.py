from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://plans.example.com"
