from django.urls import path

from approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.waiting, name="waiting"),
    path("plans/<int:pk>/roles/", views.roles_edit, name="roles"),
    path("plans/<int:pk>/request/", views.signoff_request, name="request"),
    path("plans/<int:pk>/roles/<int:role_id>/decide/", views.signoff_decide, name="decide"),
]
