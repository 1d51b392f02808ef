from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _questionnaire_builtin_ensure(*, refresh: bool = False):
    from drogscen.questionnaires.services import questionnaire_builtin_ensure

    return questionnaire_builtin_ensure()


class QuestionnairesConfig(AppConfig):
    name = "drogscen.questionnaires"
    label = "questionnaires"
    verbose_name = _("Questionnaires")

    def ready(self) -> None:
        from drogscen.core.registry import register_reference_step
        from drogscen.questionnaires import access  # noqa: F401 - registers the access rules

        register_reference_step("questionnaire", _questionnaire_builtin_ensure, order=30)
