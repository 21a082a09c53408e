from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from accounts.limits import RESETS_PER_ACCOUNT, RESETS_PER_ADDRESS, client_address
from accounts.passwords import PasswordRefused, verify_password

logger = logging.getLogger(__name__)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, its old password checked through the sign-in limits: otherwise a stolen
    session could guess the password there without limit."""

    def __init__(self, user: User, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)

    @sensitive_variables("old_password")
    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        try:
            verify_password(self.request, self.user, old_password)
        except PasswordRefused as refused:
            raise forms.ValidationError(str(refused), code="password_incorrect") from None
        return old_password


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, sending at most a few mails an hour per client address and per account.

    Beyond either limit nothing is sent, and the page says what it always says ("if the
    address is known, a mail is on its way"), so the limit tells nobody which addresses exist."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        request: HttpRequest | None = kwargs.get("request")
        address = client_address(request) if request is not None else ""
        if not RESETS_PER_ADDRESS.take(address):
            logger.warning("Password reset refused: too many requests from %s", address)
            return
        super().save(*args, **kwargs)

    def get_users(self, email: str) -> Iterator[Any]:
        for user in super().get_users(email):
            if RESETS_PER_ACCOUNT.take(str(user.pk)):
                yield user
            else:
                logger.warning("Password reset refused: too many mails to user %s", user.pk)
