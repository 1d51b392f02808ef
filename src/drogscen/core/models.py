"""Base models of the framework layer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditedModel(models.Model):
    """A model whose every create, change and delete goes into the audit trail.

    The state as loaded from the database is kept, so the audit entry can show
    before/after values without a second query.
    """

    # Field names left out of the audit record (derived caches, secrets).
    audit_exclude: tuple[str, ...] = ()
    # Field names recorded by digest only (large values such as boundaries).
    audit_digest: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        # The loaded values as they are; turned into the audit form only when the record
        # is saved (most loaded records never are). Services assign new JSON values rather
        # than changing them in place, so these stay the values as loaded.
        instance._audit_loaded = {
            field.attname: getattr(instance, field.attname)
            for field in cls._meta.concrete_fields
            if field.attname in instance.__dict__
        }
        return instance


class FileImport(models.Model):
    """A file uploaded on the web for one import kind, run as a background task by the
    import pipeline (docs/architecture.md#import-pipeline); its progress and result are
    kept for the status page."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=32)
    file = models.FileField(_("file"), upload_to="imports/")
    original_name = models.CharField(_("file name"), max_length=255)
    options = models.JSONField(_("options"), default=dict, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    # the uploader's language: the task words the problems and the result in it
    language = models.CharField(_("language"), max_length=8, default="sv")
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="file_imports"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "kind"], name="file_import_owner")]
        verbose_name = _("file import")
        verbose_name_plural = _("file imports")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def running(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}
