from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What the people running Plansign see of it: /healthz for load balancers, and one log
    line per request."""

    name = "operations"
