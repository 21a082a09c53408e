from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save


class ApprovalsConfig(AppConfig):
    name = "approvals"

    def ready(self) -> None:
        from approvals import signals

        for signal in (post_save, post_delete):
            signal.connect(signals.named_version_changed, sender="plans.NamedVersion")
        pre_save.connect(signals.remember_person_name, sender=settings.AUTH_USER_MODEL)
        post_save.connect(signals.person_renamed, sender=settings.AUTH_USER_MODEL)
