"""Django's sign-in and password views, with the limits of accounts.limits on each."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy

from accounts.forms import PasswordChangeForm, PasswordResetForm
from accounts.limits import cool_off_minutes

sign_in = auth_views.LoginView.as_view(redirect_authenticated_user=True)
password_reset = auth_views.PasswordResetView.as_view(form_class=PasswordResetForm)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}


password_change = PasswordChangeView.as_view()
# The admin's own "Change password" would check the old password without any limit.
admin_password_change = admin.site.admin_view(
    PasswordChangeView.as_view(success_url=reverse_lazy("admin:password_change_done"))
)


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """What django-axes answers (settings.AXES_LOCKOUT_CALLABLE) to a sign-in, on the site or
    the admin, of an account and address with too many failures: the sign-in page again."""
    admin_sign_in = request.path == reverse("admin:login")
    next_url = request.POST.get("next") or request.GET.get("next", "")
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    context = {
        "form": form,
        "next": next_url or ("/admin/" if admin_sign_in else ""),
        "locked_out": (
            "Too many failed sign-ins for this account from your address. "
            f"Wait {cool_off_minutes()} minutes and try again."
        ),
    }
    return render(request, "registration/login.html", context, status=429)
