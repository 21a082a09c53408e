"""Sign-in with a limit on failed attempts per account and client address."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView

from config.ratelimit import FailureLimit, client_address

logger = logging.getLogger(__name__)

# Five wrong passwords for one account from one address: that pair waits 15 minutes. Other
# addresses (the account's owner elsewhere) and other accounts are not affected, so a guesser
# cannot lock anyone out; the per-address limit slows one address trying many accounts.
LOGIN_FAILURES = FailureLimit("login", attempts=5, window_seconds=15 * 60)
ADDRESS_FAILURES = FailureLimit("login-address", attempts=50, window_seconds=15 * 60)


class RateLimitedAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "rate_limited": (
            "Too many failed sign-ins for this account from your address. "
            "Wait %(minutes)d minutes and try again."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "").strip().lower()
        address = client_address(self.request) if self.request else ""
        if LOGIN_FAILURES.blocked(username, address) or ADDRESS_FAILURES.blocked(address):
            logger.warning("Sign-in refused: too many failures for %r from %s", username, address)
            raise forms.ValidationError(
                self.error_messages["rate_limited"],
                code="rate_limited",
                params={"minutes": LOGIN_FAILURES.minutes},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if self.cleaned_data.get("password"):
                LOGIN_FAILURES.failed(username, address)
                ADDRESS_FAILURES.failed(address)
            raise
        LOGIN_FAILURES.clear(username, address)
        return cleaned


class PlansignBackend(ModelBackend):
    """Django's model backend, loading the signed-in user with the navigation's count of
    sign-offs waiting for them: every page shows it, and this costs no query of its own."""

    def get_user(self, user_id: Any) -> Any:
        from approvals.services import waiting_count_of_outer_user

        users = get_user_model()._default_manager.annotate(
            signoffs_waiting=waiting_count_of_outer_user()
        )
        try:
            user = users.get(pk=user_id)
        except (ValueError, TypeError, get_user_model().DoesNotExist):
            return None
        return user if self.user_can_authenticate(user) else None


class SignInView(LoginView):
    authentication_form = RateLimitedAuthenticationForm
    redirect_authenticated_user = True
