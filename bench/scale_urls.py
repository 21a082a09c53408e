"""The benchmark's own URLconf (bench/scale.py): the product's, plus a bare signed-in view.

The bare view loads the session and the signed-in user (as every page does) and renders
nothing: it is the ceiling each page of bench/scale.py is measured against.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"user {request.user.pk}", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("config.urls")),
]
