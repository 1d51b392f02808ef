from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from drogscen.audit.context import acting
from drogscen.core.registry import (
    register_actor_context,
    register_import_recorder,
    register_step_context,
)


def _acting_as_command():
    return acting(None, via="command")


class AuditConfig(AppConfig):
    name = "drogscen.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # ready(): the models are loaded only now, so the modules using them are imported here
        from drogscen.audit import access, recorder  # noqa: F401 - access registers rules

        recorder.connect()

        # the demo and reference-data steps are recorded as done by the command
        register_step_context(_acting_as_command)
        register_import_recorder(recorder.record_import)
        register_actor_context(acting)
