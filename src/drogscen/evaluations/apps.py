from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from drogscen.core.registry import register_demo_step


class EvaluationsConfig(AppConfig):
    """Evaluations of interventions and early warning, in the product; the statistics
    themselves are the pure package ``drogscen.evaluation``."""

    name = "drogscen.evaluations"
    label = "evaluations"
    verbose_name = _("Evaluation and early warning")

    def ready(self) -> None:
        # ready(): the models are loaded only now; importing the rules registers them
        from drogscen.evaluations import access  # noqa: F401

        # does nothing until there are indicators
        register_demo_step(
            "evaluations", "drogscen.evaluations.demo.demo_evaluations_ensure", order=60
        )
