"""Base models of the framework layer."""

from __future__ import annotations

from typing import Any

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
        from drogscen.audit.recorder import snapshot

        instance._audit_before = snapshot(instance)
        return instance

    def audit_snapshot_before(self) -> dict[str, Any] | None:
        return getattr(self, "_audit_before", None)
