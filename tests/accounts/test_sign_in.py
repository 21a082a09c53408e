"""Signing in, on the site and the admin: wrong passwords are limited per account and client
address together (django-axes), with a clear message on the sign-in page."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import PASSWORD, make_user

LIMITED = "Too many failed sign-ins for this account from your address"
HOME = "203.0.113.5"


def sign_in(
    client: Client, username: str, password: str, address: str = HOME, url: str = "/accounts/login/"
):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(times: int, username: str = "alice", address: str = HOME, url: str = "/accounts/login/"):
    for _ in range(times):
        sign_in(Client(), username, "guess", address, url)


@pytest.fixture
def root(db):
    return make_user("root", is_staff=True, is_superuser=True)


def test_a_right_password_signs_in(alice):
    response = sign_in(Client(), "alice", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_wrong_password_says_so_next_to_the_form_and_keeps_the_username(alice):
    response = sign_in(Client(), "alice", "not-it")

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
    assert 'value="alice"' in response.text


def test_the_sign_in_page_offers_a_password_reset(db):
    assert 'href="/accounts/password_reset/"' in Client().get("/accounts/login/").text


def test_four_wrong_passwords_still_let_the_fifth_try_through(alice):
    fail(4)

    assert sign_in(Client(), "alice", PASSWORD).status_code == 302


def test_the_fifth_wrong_password_locks_that_account_from_that_address(alice):
    fail(4)

    response = sign_in(Client(), "alice", "guess")

    assert response.status_code == 429
    assert LIMITED in response.text
    assert "Wait 15 minutes and try again" in response.text


def test_a_locked_account_is_refused_its_right_password_on_the_sign_in_page(alice):
    fail(5)
    client = Client()

    refused = sign_in(client, "alice", PASSWORD)

    assert refused.status_code == 429
    assert "Sign in to Plansign" in refused.text
    assert LIMITED in refused.text
    assert 'value="alice"' in refused.text
    assert "_auth_user_id" not in client.session


def test_failures_are_rows_in_the_database_shared_by_every_server(alice):
    fail(3)

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == ("alice", HOME)
    assert attempt.failures_since_start == 3
    assert "guess" not in attempt.post_data


def test_the_lock_ignores_the_username_case(alice):
    for name in ["alice", "ALICE", "Alice", "aLice", "alicE"]:
        sign_in(Client(), name, "guess")

    assert LIMITED in sign_in(Client(), "alice", PASSWORD).text


def test_the_owner_signs_in_from_another_address_while_a_guesser_is_locked_out(alice):
    fail(6, address="198.51.100.66")

    assert sign_in(Client(), "alice", PASSWORD, address=HOME).status_code == 302


def test_another_account_signs_in_from_the_address_of_a_locked_one(alice, victor):
    fail(6, "alice")

    assert sign_in(Client(), "victor", PASSWORD).status_code == 302


def test_fifty_made_up_names_from_one_address_lock_no_real_account_out(alice):
    for i in range(50):
        sign_in(Client(), f"made-up-{i}", "guess")

    assert sign_in(Client(), "alice", PASSWORD).status_code == 302


def test_a_successful_sign_in_forgets_earlier_failures(alice):
    fail(4)
    assert sign_in(Client(), "alice", PASSWORD).status_code == 302

    fail(4)
    assert sign_in(Client(), "alice", PASSWORD).status_code == 302


def test_the_admin_sign_in_counts_and_locks_like_the_site(root):
    fail(5, "root", url="/admin/login/")
    client = Client()

    refused = sign_in(client, "root", PASSWORD, url="/admin/login/")

    assert refused.status_code == 429
    assert LIMITED in refused.text
    assert 'name="next" value="/admin/"' in refused.text
    assert "_auth_user_id" not in client.session


def test_failures_on_the_site_lock_the_admin_sign_in_too(root):
    fail(5, "root")

    assert LIMITED in sign_in(Client(), "root", PASSWORD, url="/admin/login/").text


def test_the_admin_sign_in_works_with_the_right_password(root):
    response = sign_in(Client(), "root", PASSWORD, url="/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def through_proxy(username: str, password: str, forwarded: str):
    return Client().post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.1",  # the proxy
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_without_proxies_x_forwarded_for_is_ignored(alice, settings):
    settings.PROXY_COUNT = 0
    for i in range(5):
        through_proxy("alice", "guess", f"198.51.100.{i}")

    assert LIMITED in through_proxy("alice", PASSWORD, "192.0.2.1").text


def test_behind_one_proxy_the_address_it_saw_is_the_clients(alice, settings):
    settings.PROXY_COUNT = 1
    for _ in range(5):
        through_proxy("alice", "guess", "198.51.100.3")

    assert LIMITED in through_proxy("alice", PASSWORD, "198.51.100.3").text
    assert through_proxy("alice", PASSWORD, "192.0.2.1").status_code == 302


def test_behind_one_proxy_what_the_client_forged_in_front_is_ignored(alice, settings):
    settings.PROXY_COUNT = 1
    for i in range(5):
        through_proxy("alice", "guess", f"192.0.2.{i}, 198.51.100.3")

    assert LIMITED in through_proxy("alice", PASSWORD, "192.0.2.99, 198.51.100.3").text


def test_behind_two_proxies_the_second_from_the_right_is_the_client(alice, settings):
    settings.PROXY_COUNT = 2
    for i in range(5):
        through_proxy("alice", "guess", f"198.51.100.3, 172.16.0.{i}")

    assert LIMITED in through_proxy("alice", PASSWORD, "198.51.100.3, 172.16.0.9").text
    assert through_proxy("alice", PASSWORD, "192.0.2.1, 172.16.0.1").status_code == 302
