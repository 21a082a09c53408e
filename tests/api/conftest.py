from __future__ import annotations

import pytest
from django.test import Client

from api.models import ApiToken


def token_for(user, scope: str = "write", **fields) -> str:
    _, secret = ApiToken.issue(user=user, name="script", scope=scope, **fields)
    return secret


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def alice_api(alice) -> Client:
    return bearer(token_for(alice))


@pytest.fixture
def victor_api(victor) -> Client:
    return bearer(token_for(victor, "read"))


@pytest.fixture
def mallory_api(mallory) -> Client:
    return bearer(token_for(mallory))
