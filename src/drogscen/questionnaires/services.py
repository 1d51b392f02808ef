"""Questionnaire versions: drafted, published once, never changed after."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drogscen.questionnaires.definition import (
    DefinitionError,
    load_builtin_definition,
    load_definition,
)
from drogscen.questionnaires.models import QuestionnaireVersion


def _checked(definition: dict):
    try:
        return load_definition(definition)
    except DefinitionError as exc:
        raise ValidationError({"definition": exc.problems}) from exc


@transaction.atomic
def questionnaire_save_draft(*, definition: dict, version: QuestionnaireVersion | None = None):
    parsed = _checked(definition)
    if version is not None and version.is_published:
        raise ValidationError(
            _("Version %(version)s is published and cannot change; draft a new version.")
            % {"version": version.version}
        )
    version = version or QuestionnaireVersion()
    version.version = parsed.version
    version.title = parsed.title.sv
    version.valid_from_year = parsed.valid_from_year
    version.definition = parsed.to_dict()
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def questionnaire_publish(*, version: QuestionnaireVersion) -> QuestionnaireVersion:
    _checked(version.definition)
    if not version.is_published:
        version.published_at = timezone.now()
        version.save(update_fields=["published_at"])
    return version


def questionnaire_for_year(*, year: int) -> QuestionnaireVersion | None:
    """The published version in force for a reference year. Years before the first
    version (mappings from the old tool) are read under the first version: its question
    codes are those the old tool's answers are imported into."""
    published = QuestionnaireVersion.objects.filter(published_at__isnull=False)
    return (
        published.filter(valid_from_year__lte=year)
        .order_by("-valid_from_year", "-published_at")
        .first()
        or published.order_by("valid_from_year", "published_at").first()
    )


def questionnaire_builtin_ensure() -> QuestionnaireVersion:
    """The shipped first version, published, if it is not there yet."""
    parsed = load_builtin_definition("v1")
    existing = QuestionnaireVersion.objects.filter(version=parsed.version).first()
    if existing:
        return existing
    return questionnaire_publish(version=questionnaire_save_draft(definition=parsed.to_dict()))
