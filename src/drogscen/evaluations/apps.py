from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    """Evaluations of interventions and early warning, in the product; the statistics
    themselves are the pure package ``drogscen.evaluation``."""

    name = "drogscen.evaluations"
    label = "evaluations"
    verbose_name = _("Evaluation and early warning")

    def ready(self) -> None:
        from drogscen.core.registry import register_demo_step
        from drogscen.evaluations import access  # noqa: F401 - registers the access rules

        # does nothing until there are indicators
        register_demo_step(
            "evaluations", "drogscen.evaluations.demo.demo_evaluations_ensure", order=60
        )
