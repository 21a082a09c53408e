"""Changing one's password: the old password is limited like a sign-in, on the site and the
admin, so a borrowed session cannot guess it."""

from __future__ import annotations

from django.test import Client

from tests.conftest import client_for
from tests.factories import PASSWORD, make_user

HOME = "203.0.113.5"
NEW = "a-brand-new-passphrase"
LOCKED = "Too many wrong passwords. Wait 15 minutes and try again."


def change(client: Client, old: str, url: str = "/accounts/password_change/"):
    return client.post(
        url,
        {"old_password": old, "new_password1": NEW, "new_password2": NEW},
        REMOTE_ADDR=HOME,
    )


def test_the_right_old_password_changes_it(alice, as_alice):
    response = change(as_alice, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/done/"
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert "Password changed" in as_alice.get(response["Location"]).text


def test_a_wrong_old_password_says_so(alice, as_alice):
    response = change(as_alice, "guess")

    assert response.status_code == 200
    assert "That password is not right." in response.text
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_five_wrong_old_passwords_lock_even_the_right_one(alice, as_alice):
    for _ in range(5):
        change(as_alice, "guess")

    response = change(as_alice, PASSWORD)

    assert response.status_code == 200  # the change page, not the sign-in page
    assert LOCKED in response.text
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_wrong_old_passwords_lock_signing_in_from_that_address(alice, as_alice):
    for _ in range(5):
        change(as_alice, "guess")

    response = Client().post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=HOME
    )

    assert response.status_code == 429


def test_the_admins_password_change_is_limited_too(db):
    root = make_user("root", is_staff=True, is_superuser=True)
    client = client_for(root)
    for _ in range(5):
        change(client, "guess", url="/admin/password_change/")

    response = change(client, PASSWORD, url="/admin/password_change/")

    assert LOCKED in response.text
    root.refresh_from_db()
    assert root.check_password(PASSWORD)


def test_the_admins_password_change_works_and_ends_on_the_admins_done_page(db):
    root = make_user("root", is_staff=True, is_superuser=True)

    response = change(client_for(root), PASSWORD, url="/admin/password_change/")

    assert response["Location"] == "/admin/password_change/done/"
    root.refresh_from_db()
    assert root.check_password(NEW)


def test_the_admins_password_change_sends_non_staff_to_the_admins_sign_in(as_alice):
    response = as_alice.get("/admin/password_change/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
