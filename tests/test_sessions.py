"""Sessions live in the database: an expired or signed-out session signs nobody in."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD


def signed_in(alice) -> Client:
    client = Client()
    assert client.login(username=alice.username, password=PASSWORD)
    return client


def test_a_session_signs_its_user_in(alice):
    client = signed_in(alice)

    response = client.get("/")

    assert response.status_code == 200
    assert response.context["user"] == alice


def test_an_expired_session_signs_nobody_in(alice):
    client = signed_in(alice)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_signed_out_session_cannot_be_used_again(alice):
    client = signed_in(alice)
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")

    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get("/")

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=cookie).exists()
