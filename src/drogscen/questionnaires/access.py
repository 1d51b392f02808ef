from django.db.models import Q

from drogscen.core import access
from drogscen.questionnaires.models import QuestionnaireVersion


@access.register(QuestionnaireVersion)
def questionnaire_scope(principal: access.Principal, action: str) -> Q:
    # Everyone reads the questions; the coordination office and the police region keep
    # the versions (published ones are immutable, see services).
    if action == access.VIEW or principal.county_wide(action):
        return access.EVERYTHING
    return access.NOTHING
