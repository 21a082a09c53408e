from django.apps import AppConfig


class HealthConfig(AppConfig):
    """/healthz: whether this server can reach what it shares with the others."""

    name = "health"
