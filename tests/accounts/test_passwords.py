"""verify_password: a signed-in person's password asked again (the sign-off), through the same
limits as signing in, and counted whatever the caller's transaction does afterwards."""

from __future__ import annotations

import contextlib

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.test import Client, RequestFactory, override_settings

from accounts.passwords import PasswordRefused, verify_password
from tests.factories import PASSWORD, make_user

HOME = "203.0.113.5"
WRONG = "That password is not right."
LOCKED = "Too many wrong passwords. Wait 15 minutes and try again."
DB_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "plansign_test_cache",
    }
}


def signoff_request(address: str = HOME):
    return RequestFactory().post("/approvals/", {"password": "typed"}, REMOTE_ADDR=address)


def refusal(user, password: str, address: str = HOME) -> str:
    with pytest.raises(PasswordRefused) as refused:
        verify_password(signoff_request(address), user, password)
    return str(refused.value)


def failures() -> int:
    return AccessAttempt.objects.aggregate(n=Sum("failures_since_start"))["n"] or 0


def test_the_right_password_passes(alice):
    assert verify_password(signoff_request(), alice, PASSWORD) is None


def test_a_wrong_password_is_refused_and_counted(alice):
    assert refusal(alice, "guess") == WRONG
    assert failures() == 1


def test_an_inactive_user_is_refused_even_their_right_password(alice):
    alice.is_active = False
    alice.save()

    assert refusal(alice, PASSWORD) == WRONG


def test_the_fifth_wrong_password_locks_and_then_the_right_one_is_refused(alice):
    for _ in range(4):
        assert refusal(alice, "guess") == WRONG

    assert refusal(alice, "guess") == LOCKED
    assert refusal(alice, PASSWORD) == LOCKED


def test_the_lock_is_per_address(alice):
    for _ in range(5):
        refusal(alice, "guess", address="198.51.100.66")

    assert verify_password(signoff_request(HOME), alice, PASSWORD) is None


def test_it_shares_its_count_with_signing_in(alice):
    for _ in range(4):
        Client().post(
            "/accounts/login/", {"username": "alice", "password": "guess"}, REMOTE_ADDR=HOME
        )

    assert refusal(alice, "guess") == LOCKED


def test_a_lock_from_wrong_sign_off_passwords_stops_signing_in(alice):
    for _ in range(5):
        refusal(alice, "guess")

    response = Client().post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=HOME
    )

    assert response.status_code == 429


def test_the_right_password_forgets_earlier_failures(alice):
    for _ in range(4):
        refusal(alice, "guess")

    verify_password(signoff_request(), alice, PASSWORD)

    assert failures() == 0


def test_a_refusal_leaves_the_callers_page_alone(alice):
    """Axes flags a locked-out request for its middleware to answer with the sign-in page; the
    sign-off page shows the refusal itself."""
    request = signoff_request()
    for _ in range(5):
        with pytest.raises(PasswordRefused):
            verify_password(request, alice, "guess")

    assert request.axes_locked_out is False


def test_another_users_password_does_not_pass(alice, victor):
    assert refusal(alice, "not-alices") == WRONG
    victor.set_password("victors-own")
    victor.save()

    assert refusal(alice, "victors-own") == WRONG


# The sign-off's failure must outlive the decision's transaction on every cache backend, the
# database cache included: counted in a cache written inside that transaction, it was rolled
# back with it and the limit never triggered.


@pytest.fixture
def db_cache(transactional_db):
    with override_settings(CACHES=DB_CACHE):
        call_command("createcachetable")
        assert isinstance(caches["default"], DatabaseCache)
        yield


@pytest.fixture
def bob(transactional_db):
    return make_user("bob")


def a_failed_transaction(then: str) -> None:
    """The decision's transaction, opened after the password was checked, and rolled back."""
    with contextlib.suppress(RuntimeError), transaction.atomic():
        make_user("written-then-rolled-back")
        if then == "set_rollback":
            transaction.set_rollback(True)
        else:
            raise RuntimeError("the decision failed")


@pytest.mark.parametrize("then", ["set_rollback", "exception"])
def test_a_failure_is_still_counted_after_the_callers_transaction_rolls_back(db_cache, bob, then):
    for _ in range(5):
        with pytest.raises(PasswordRefused):
            verify_password(signoff_request(), bob, "guess")
        a_failed_transaction(then)

    assert not User.objects.filter(username="written-then-rolled-back").exists()
    assert failures() == 5
    assert refusal(bob, PASSWORD) == LOCKED
