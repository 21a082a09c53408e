"""Asking a signed-in person for their password again (a signature, a password change), through
the same limits as signing in."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_credentials
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest

from accounts.limits import cool_off_minutes


class PasswordRefused(Exception):
    """The password was not accepted; the message says why, for the person who typed it."""


WRONG = "That password is not right."


def locked_message() -> str:
    return f"Too many wrong passwords. Wait {cool_off_minutes()} minutes and try again."


def verify_password(request: HttpRequest, user: AbstractBaseUser, password: str) -> None:
    """Return if `password` is `user`'s, or raise PasswordRefused.

    A wrong password counts as a failed sign-in of that account from the request's address
    (django-axes, in the database); once that pair has too many, even the right password is
    refused until the cool-off ends. A right one clears the pair's failures, as a sign-in does.

    The failure must outlive whatever the caller does next, a rollback included: call this
    before opening the transaction of what the password allows (approvals.services.decide
    does), so that the failure is committed before this returns."""
    with transaction.atomic():
        signed = authenticate(request, username=user.get_username(), password=password)
        if signed is not None and signed.pk == user.pk:
            if settings.AXES_RESET_ON_SUCCESS:
                AxesProxyHandler.reset_attempts(
                    ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
                    username=get_client_username(request, get_credentials(user.get_username())),
                )
            return
    # Axes flags the request so that its middleware answers with the sign-in page; the caller
    # shows this message in its own page instead.
    locked = getattr(request, "axes_locked_out", False)
    request.axes_locked_out = False  # type: ignore[attr-defined]
    raise PasswordRefused(locked_message() if locked else WRONG)
