from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from drogscen.core.registry import register_reference_step


def _questionnaire_builtin_ensure(*, refresh: bool = False):
    # apps.py is imported before the models are loaded: import the service when the step runs
    from drogscen.questionnaires.services import questionnaire_builtin_ensure

    return questionnaire_builtin_ensure()


class QuestionnairesConfig(AppConfig):
    name = "drogscen.questionnaires"
    label = "questionnaires"
    verbose_name = _("Questionnaires")

    def ready(self) -> None:
        # ready(): the models are loaded only now, so the modules using them are imported here
        from drogscen.questionnaires import access  # noqa: F401 - registers the access rules

        register_reference_step("questionnaire", _questionnaire_builtin_ensure, order=30)
