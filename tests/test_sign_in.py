"""Signing in: wrong passwords are limited per account and client address, with a clear message."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD

LIMITED = "Too many failed sign-ins for this account from your address"


def sign_in(client: Client, username: str, password: str, address: str = "203.0.113.5"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_a_right_password_signs_in(alice):
    response = sign_in(Client(), "alice", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_wrong_password_says_so_next_to_the_form_and_keeps_the_username(alice):
    response = sign_in(Client(), "alice", "not-it")

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
    assert 'value="alice"' in response.text


def test_five_wrong_passwords_lock_that_account_from_that_address(alice):
    client = Client()
    for _ in range(5):
        assert LIMITED not in sign_in(client, "alice", "guess").text

    refused = sign_in(client, "alice", PASSWORD)

    assert refused.status_code == 200
    assert LIMITED in refused.text
    assert "Wait 15 minutes" in refused.text
    assert "_auth_user_id" not in client.session


def test_the_lock_ignores_the_username_case(alice):
    client = Client()
    for name in ["alice", "ALICE", "Alice", "aLice", "alicE"]:
        sign_in(client, name, "guess")

    assert LIMITED in sign_in(client, "alice", PASSWORD).text


def test_the_owner_signs_in_from_another_address_while_a_guesser_is_locked_out(alice):
    for _ in range(6):
        sign_in(Client(), "alice", "guess", address="198.51.100.66")

    assert sign_in(Client(), "alice", PASSWORD, address="203.0.113.5").status_code == 302


def test_a_successful_sign_in_forgets_earlier_failures(alice):
    client = Client()
    for _ in range(4):
        sign_in(client, "alice", "guess")
    assert sign_in(client, "alice", PASSWORD).status_code == 302

    client = Client()
    for _ in range(4):
        sign_in(client, "alice", "guess")
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_slowed_down(db):
    client = Client()
    for i in range(50):
        sign_in(client, f"user{i}", "guess")

    assert LIMITED in sign_in(client, "someone-else", "guess").text


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected_locked"),
    [
        (0, "192.0.2.1", True),  # no proxy: X-Forwarded-For is the client's to forge, ignored
        (1, "192.0.2.1", False),  # one proxy: its view of the client counts
    ],
)
def test_the_address_behind_a_proxy(alice, settings, proxies, forwarded, expected_locked):
    settings.PROXY_COUNT = proxies
    for i in range(5):
        Client().post(
            "/accounts/login/",
            {"username": "alice", "password": "guess"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        )

    response = Client().post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded,
    )

    assert (LIMITED in response.text) is expected_locked
