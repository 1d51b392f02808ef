from django.db import models
from django.utils.translation import gettext_lazy as _

from drogscen.core.models import AuditedModel
from drogscen.questionnaires.definition import load_definition


class QuestionnaireVersion(AuditedModel):
    """A questionnaire definition as data. Published versions never change; every
    mapping keeps the version it was answered under."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    valid_from_year = models.PositiveSmallIntegerField(_("first reference year"))
    definition = models.JSONField(_("definition"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["valid_from_year", "version"]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def parsed(self):
        cached = getattr(self, "_parsed", None)
        if cached is None:
            cached = self._parsed = load_definition(self.definition)
        return cached
