from django.contrib import admin
from django.urls import include, path

from config.auth import SignInView
from config.health import healthz
from plans import views as plan_views

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", plan_views.dashboard, name="dashboard"),
    path("plans/", include("plans.urls")),
    path("approvals/", include("approvals.urls")),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
