from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "drogscen.outcomes"
    label = "outcomes"
    verbose_name = _("Outcomes at the scenes")

    def ready(self) -> None:
        from drogscen.outcomes import (
            access,  # noqa: F401 - registers the access rules
            signals,  # noqa: F401 - recompute after geometry changes
        )
