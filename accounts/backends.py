"""Authentication backends: the sign-in limit first, then the users' own table."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class SignInLimitBackend(AxesStandaloneBackend):
    """django-axes' check: an account and address with too many recent failures is refused
    before any password is compared, even the right one.

    Every door of the site passes its request (the sign-in and admin sign-in forms, the password
    change form, accounts.passwords.verify_password); an authenticate() without one has no client
    to count against (a shell, the test client's login()), so it is left to the next backend
    instead of failing as axes' own backend does."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class PlansignBackend(ModelBackend):
    """Django's model backend, loading the signed-in user with the navigation's counts of
    sign-offs waiting for them and of unread notifications: every page shows them, and this
    costs no query of its own."""

    def get_user(self, user_id: Any) -> Any:
        from approvals.services import waiting_count_of_outer_user
        from notifications.selectors import unread_count_of_outer_user

        users = get_user_model()._default_manager.annotate(
            signoffs_waiting=waiting_count_of_outer_user(),
            notifications_unread=unread_count_of_outer_user(),
        )
        try:
            user = users.get(pk=user_id)
        except (ValueError, TypeError, get_user_model().DoesNotExist):
            return None
        return user if self.user_can_authenticate(user) else None
