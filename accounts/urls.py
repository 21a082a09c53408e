"""Django's authentication addresses (/accounts/…), with the limited views in front of its own.

No app_name: Django's views and templates reverse these names unqualified ("login",
"password_reset_done", …)."""

from __future__ import annotations

from django.urls import include, path

from accounts import views

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("password_change/", views.password_change, name="password_change"),
    path("password_reset/", views.password_reset, name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
