from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("preview/", views.markdown_preview, name="preview"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/duplicate/", views.plan_duplicate, name="duplicate"),
    path("<int:pk>/archive/", views.plan_archive, name="archive"),
    path("<int:pk>/sections/<slug:key>/", views.section_detail, name="section"),
    path("<int:pk>/sections/<slug:key>/edit/", views.section_edit, name="section_edit"),
]
