from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from api.api import urls as api_urls
from plans import views as plan_views

urlpatterns = [
    path("", include("operations.urls")),
    path("", plan_views.dashboard, name="dashboard"),
    path("plans/", include("plans.urls")),
    path("plans/<int:pk>/threads/", include("threads.urls")),
    path("approvals/", include("approvals.urls")),
    path("inbox/", include("notifications.urls")),
    path("teams/", include("plans.team_urls")),
    path("teams/<int:team_id>/webhooks/", include("webhooks.urls")),
    path("accounts/", include("accounts.urls")),
    path("account/tokens/", include("api.urls")),
    path("api/", api_urls()),
    path("admin/password_change/", account_views.admin_password_change),
    path("admin/", admin.site.urls),
]
