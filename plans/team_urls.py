from django.urls import path

from plans import team_views

app_name = "teams"

urlpatterns = [
    path("<int:pk>/", team_views.team_settings, name="settings"),
]
