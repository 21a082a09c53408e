"""Resetting a forgotten password: the flow works, and sends at most a few mails an hour per
client address and per account, without telling which addresses have an account."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from tests.factories import make_user

HOME = "203.0.113.5"
SENT_PAGE = "If an account has that address, we sent it a link"


@pytest.fixture(autouse=True)
def _mail_outbox(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture(params=["locmem", "db"])
def any_cache(request, settings, db):
    """The counts live in the default cache: each process's own, or the database's."""
    if request.param == "db":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "plansign_test_cache",
            }
        }
        call_command("createcachetable")


def ask(email: str, address: str = HOME):
    return Client().post(
        "/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address, follow=True
    )


def test_the_reset_page_asks_for_an_address(db):
    response = Client().get("/accounts/password_reset/")

    assert response.status_code == 200
    assert "Reset your password" in response.text


def test_a_known_address_gets_a_link_that_sets_a_new_password(alice):
    response = ask("alice@example.com")

    assert SENT_PAGE in response.text
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    client = Client()
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
        follow=True,
    )
    assert "Your new password is set" in done.text
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-passphrase")


def test_an_unknown_address_gets_the_same_page_and_no_mail(db):
    response = ask("nobody@example.com")

    assert SENT_PAGE in response.text
    assert mail.outbox == []


def test_one_account_gets_three_mails_an_hour(any_cache, alice):
    for i in range(5):
        assert SENT_PAGE in ask("alice@example.com", address=f"198.51.100.{i}").text

    assert len(mail.outbox) == 3


def test_one_address_gets_five_requests_an_hour_over_all_accounts(any_cache):
    for i in range(7):
        make_user(f"user{i}")

    for i in range(7):
        assert SENT_PAGE in ask(f"user{i}@example.com").text

    assert sorted(m.to[0] for m in mail.outbox) == [f"user{i}@example.com" for i in range(5)]


def test_unknown_addresses_use_up_the_address_limit_too(alice):
    """Otherwise the limit would answer differently for a known address."""
    for i in range(5):
        ask(f"nobody{i}@example.com")

    ask("alice@example.com")

    assert mail.outbox == []


def test_another_address_still_gets_its_mails(alice, victor):
    for _ in range(5):
        ask("victor@example.com")

    ask("alice@example.com", address="192.0.2.1")

    assert [m.to[0] for m in mail.outbox] == ["victor@example.com"] * 3 + ["alice@example.com"]
