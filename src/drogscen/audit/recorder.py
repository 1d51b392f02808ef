"""Writes to the audit trail: every create/update/delete of audited models (through
model signals, so admin, API, services and commands are all covered) and explicit
reads of sensitive records."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from drogscen.audit.chain import GENESIS_HASH, entry_hash
from drogscen.audit.context import current_actor
from drogscen.audit.models import AuditEntry, AuditHead
from drogscen.core.models import AuditedModel

USER_EXCLUDE = ("password", "last_login")


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _excluded(instance: models.Model) -> tuple[str, ...]:
    if isinstance(instance, get_user_model()):
        return USER_EXCLUDE
    return getattr(instance, "audit_exclude", ())


def snapshot(instance: models.Model, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """The audit form of a record: JSON-safe values, secrets left out, large values by
    digest. `values` are attribute values as loaded (default: the current ones)."""
    excluded = _excluded(instance)
    digested = getattr(instance, "audit_digest", ())
    result = {}
    for field in instance._meta.concrete_fields:
        if field.name in excluded:
            continue
        if values is not None:
            if field.attname not in values:
                continue
            raw = values[field.attname]
        else:
            if field.attname not in instance.__dict__:
                continue
            raw = field.value_from_object(instance)
        value = _json_safe(raw)
        if field.name in digested:
            # Large values (boundaries) are recorded by digest: a change still shows.
            canonical = json.dumps(value, sort_keys=True, separators=(",", ":"))
            value = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
        result[field.attname] = value
    return result


def _before(instance: models.Model) -> dict[str, Any]:
    loaded = getattr(instance, "_audit_loaded", None)
    return snapshot(instance, loaded) if loaded is not None else {}


def object_type(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def record(
    *,
    action: str,
    model: type[models.Model],
    object_id: Any = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain, inside the caller's transaction when there is one."""
    actor = current_actor()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        fields = {
            "sequence": head.last_sequence + 1,
            "recorded_at": timezone.now().astimezone(UTC).replace(microsecond=0),
            "user_id": actor.user_id,
            "username": actor.username[:150],
            "via": actor.via,
            "request_id": actor.request_id,
            "action": action,
            "object_type": object_type(model),
            "object_id": str(object_id),
            "object_repr": str(object_repr)[:200],
            "changes": _json_safe(changes or {}),
        }
        digest = entry_hash(head.last_hash, hashable(fields))
        entry = AuditEntry.objects.create(previous_hash=head.last_hash, entry_hash=digest, **fields)
        head.last_sequence, head.last_hash = fields["sequence"], digest
        head.save(update_fields=["last_sequence", "last_hash"])
    return entry


def hashable(fields: dict[str, Any]) -> dict[str, Any]:
    return {**fields, "recorded_at": fields["recorded_at"].astimezone(UTC).isoformat()}


def record_import(*, model: type[models.Model], object_repr: str, changes: dict) -> AuditEntry:
    """The one entry of an import that wrote something (docs/architecture.md#import-pipeline)."""
    return record(
        action=AuditEntry.Action.IMPORT, model=model, object_repr=object_repr, changes=changes
    )


def record_read(instance: models.Model, *, what: str = "") -> AuditEntry:
    """Record that the current actor read a sensitive record (e.g. mapping answers)."""
    return record(
        action=AuditEntry.Action.READ,
        model=type(instance),
        object_id=instance.pk,
        object_repr=str(instance),
        changes={"read": what} if what else {},
    )


def _audited(sender) -> bool:
    return issubclass(sender, AuditedModel) or sender is get_user_model()


def _on_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _audited(sender):
        return
    after = snapshot(instance)
    if created:
        record(
            action=AuditEntry.Action.CREATE,
            model=sender,
            object_id=instance.pk,
            object_repr=str(instance),
            changes={"after": after},
        )
    else:
        before = _before(instance)
        changed = sorted(k for k in after if before.get(k) != after.get(k))
        if changed:
            record(
                action=AuditEntry.Action.UPDATE,
                model=sender,
                object_id=instance.pk,
                object_repr=str(instance),
                changes={
                    "before": {k: before.get(k) for k in changed},
                    "after": {k: after[k] for k in changed},
                },
            )
    instance._audit_loaded = {
        field.attname: field.value_from_object(instance)
        for field in instance._meta.concrete_fields
        if field.attname in instance.__dict__
    }


def _on_delete(sender, instance, **kwargs):
    if not _audited(sender):
        return
    record(
        action=AuditEntry.Action.DELETE,
        model=sender,
        object_id=instance.pk,
        object_repr=str(instance),
        changes={"before": snapshot(instance)},
    )


def _on_m2m(sender, instance, action, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or not _audited(type(instance)):
        return
    field_name = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender),
        sender._meta.model_name,
    )
    record(
        action=AuditEntry.Action.UPDATE,
        model=type(instance),
        object_id=instance.pk,
        object_repr=str(instance),
        changes={field_name: {action.removeprefix("post_"): sorted(pk_set or [])}},
    )


def connect() -> None:
    post_save.connect(_on_save, dispatch_uid="drogscen_audit_save")
    post_delete.connect(_on_delete, dispatch_uid="drogscen_audit_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="drogscen_audit_m2m")


__all__ = ["GENESIS_HASH", "record", "record_read", "snapshot"]
