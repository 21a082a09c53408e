from django.urls import path

from plans import editor_views, history_views, views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("import/", views.plan_import, name="import"),
    path("import/<str:token>/", views.import_preview, name="import_preview"),
    path("export.zip", views.export_all, name="export_all"),
    path("preview/", views.markdown_preview, name="preview"),
    path("activity/", history_views.activity, name="activity"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/export.md", views.plan_export, name="export"),
    path("<int:pk>/import-report/", views.import_report, name="import_report"),
    path("<int:pk>/duplicate/", views.plan_duplicate, name="duplicate"),
    path("<int:pk>/archive/", views.plan_archive, name="archive"),
    path("<int:pk>/sections/<slug:key>/", views.section_detail, name="section"),
    path("<int:pk>/sections/<slug:key>/edit/", views.section_edit, name="section_edit"),
    path("<int:pk>/sections/<slug:key>/draft/", editor_views.section_draft, name="section_draft"),
    path("<int:pk>/presence/", editor_views.plan_presence, name="presence"),
    path("<int:pk>/history/", history_views.plan_history, name="history"),
    path("<int:pk>/versions/<int:number>/", history_views.version_detail, name="version"),
    path(
        "<int:pk>/versions/<int:number>/restore/",
        history_views.version_restore,
        name="version_restore",
    ),
    path("<int:pk>/compare/", history_views.version_compare, name="compare"),
]
