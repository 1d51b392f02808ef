"""Base models of the framework layer."""

from __future__ import annotations

from django.db import models


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
