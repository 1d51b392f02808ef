"""Translations of the messages the pure questionnaire and personal-data modules give in
English (they cannot import Django): marked here so makemessages finds them."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from drogscen.core.personal_data import MESSAGES as PERSONAL_DATA_MESSAGES
from drogscen.questionnaires.definition import PROBLEM_MESSAGES

MARKED = [
    gettext_noop("There is no question %(code)s in questionnaire version %(version)s."),
    gettext_noop("This question must be answered."),
    gettext_noop("This question does not apply given the other answers; leave it empty."),
    gettext_noop("Expected %(expected)s."),
    gettext_noop("%(value)s is not one of the options of this question."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number greater than or equal to %(min)s."),
    gettext_noop("Enter a number less than or equal to %(max)s."),
    gettext_noop("Use at most %(max_length)s characters (this text has %(length)s)."),
    gettext_noop("%(value)s is not a known organisation code."),
    gettext_noop(
        "Remove the personal identity number (personnummer): free text must not contain personal data."  # noqa: E501
    ),
    gettext_noop(
        "Remove the coordination number (samordningsnummer): free text must not contain personal data."  # noqa: E501
    ),
    gettext_noop("Remove the phone number: free text must not contain personal data."),
    gettext_noop("Remove the e-mail address: free text must not contain personal data."),
]


def problem_text(problem) -> str:
    """A ValidationProblem or PersonalDataFinding in the user's language."""
    message = getattr(problem, "message", str(problem))
    params = getattr(problem, "params", None) or {}
    translated = _(message)
    try:
        return translated % params if params else translated
    except (KeyError, TypeError, ValueError):
        return message % params if params else message


__all__ = ["PERSONAL_DATA_MESSAGES", "PROBLEM_MESSAGES", "problem_text"]
