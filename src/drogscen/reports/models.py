"""Published editions of the county report: the report JSON of a reference year as it was
built when the coordination office published the year, frozen with its SHA-256, so a
published figure never changes when later imports or corrections arrive (docs/
architecture.md#the-yearly-round)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from drogscen.core.models import AuditedModel


class Edition(AuditedModel):
    """Edition `number` (1, 2, …) of a year's published report. `content` is the report
    JSON exactly as hashed (canonical: keys sorted, UTF-8, no spaces); `sha256` its
    SHA-256. `changes` are the key figures that differ from the previous edition."""

    # The whole report is recorded by digest: it is large and already stored here.
    audit_digest = ("content",)

    year = models.PositiveSmallIntegerField(_("reference year"))
    number = models.PositiveSmallIntegerField(_("edition"))
    content = models.TextField(_("report JSON"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason for publishing again"), blank=True)
    changes = models.JSONField(_("changes from the previous edition"), default=dict, blank=True)

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="edition_number_unique")
        ]

    def __str__(self) -> str:
        return str(_("%(year)s, edition %(number)s") % {"year": self.year, "number": self.number})

    @property
    def report(self) -> dict[str, Any]:
        """The published report: the stored JSON with the edition's SHA-256 added (it is
        the digest of that JSON, so it cannot be inside it)."""
        report = json.loads(self.content)
        report["edition"] = {**report.get("edition", {}), "sha256": self.sha256}
        return report
