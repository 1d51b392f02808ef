from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "drogscen.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from drogscen.audit import access, recorder  # noqa: F401 - access registers rules

        recorder.connect()
