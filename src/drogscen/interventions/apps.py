from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from drogscen.core.registry import register_demo_step, register_import_kind, register_reference_step


def _methods_seed_ensure(*, refresh: bool = False) -> int:
    # apps.py is imported before the models are loaded: import the service when the step runs
    from drogscen.interventions.services import methods_seed_ensure

    return methods_seed_ensure()


class InterventionsConfig(AppConfig):
    name = "drogscen.interventions"
    label = "interventions"
    verbose_name = _("Interventions and methods")

    def ready(self) -> None:
        # ready(): the models are loaded only now, so the modules using them are imported here
        from drogscen.interventions import access  # noqa: F401 - registers the access rules

        register_reference_step("methods", _methods_seed_ensure, order=40)
        register_demo_step(
            "interventions", "drogscen.interventions.demo.demo_interventions_ensure", order=40
        )
        register_import_kind(
            "interventions", "drogscen.interventions.importing.InterventionsImport"
        )
