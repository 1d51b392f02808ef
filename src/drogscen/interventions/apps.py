from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "drogscen.interventions"
    label = "interventions"
    verbose_name = _("Interventions and methods")

    def ready(self) -> None:
        from drogscen.interventions import access  # noqa: F401 - registers the access rules
