from django.urls import path

from operations.views import healthz

urlpatterns = [path("healthz", healthz, name="healthz")]
