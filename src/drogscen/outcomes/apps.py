from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from drogscen.core.registry import register_demo_step, register_import_kind, register_reference_step


class OutcomesConfig(AppConfig):
    name = "drogscen.outcomes"
    label = "outcomes"
    verbose_name = _("Outcomes at the scenes")

    def ready(self) -> None:
        # ready(): the models are loaded only now, so the modules using them are imported here
        from drogscen.outcomes import (
            access,  # noqa: F401 - registers the access rules
            signals,  # noqa: F401 - recompute after geometry changes
        )

        register_reference_step(
            "outcome_defaults", "drogscen.outcomes.defaults.outcome_defaults_ensure", order=50
        )
        register_demo_step("outcomes", "drogscen.outcomes.demo.demo_outcomes_ensure", order=50)
        for kind, spec in (
            ("events", "EventsImport"),
            ("counts", "CountsImport"),
            ("survey", "SurveyImport"),
        ):
            register_import_kind(kind, f"drogscen.outcomes.importing.{spec}")
