from django.urls import path

from threads import views

app_name = "threads"

# Included under /plans/<int:pk>/threads/ (config/urls.py).
urlpatterns = [
    path("", views.thread_list, name="list"),
    path("page/", views.page_threads, name="page"),
    path("new/", views.thread_start, name="new"),
    path("mentions/", views.mention_suggestions, name="mentions"),
    path("<int:thread_id>/", views.thread_detail, name="detail"),
    path("<int:thread_id>/reply/", views.thread_reply, name="reply"),
    path("<int:thread_id>/resolve/", views.thread_resolve, name="resolve"),
    path("<int:thread_id>/reopen/", views.thread_reopen, name="reopen"),
    path(
        "<int:thread_id>/comments/<int:comment_id>/edit/",
        views.comment_edit,
        name="comment_edit",
    ),
    path(
        "<int:thread_id>/comments/<int:comment_id>/delete/",
        views.comment_delete,
        name="comment_delete",
    ),
]
